#pragma once
// The state of one item, as the fold of its events (SPEC §1).

#include <cstdint>
#include <optional>
#include <string>

namespace inv::domain {

struct Item {
  std::string sku;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;
  std::int64_t version = 0;  // events in the item's stream; 0 = the item does not exist
  std::string updated_at;    // recorded_at of the last event
  bool retired = false;      // ItemRetired: hidden from list, every later write refused
  std::optional<std::int64_t> reorder_point =
      std::nullopt;  // ReorderPointSet (SPEC §9); none: never set

  // Stock held back by set-available: neither reserved nor available (SPEC §8).
  std::int64_t held() const { return on_hand - reserved - available; }

  // At or below its reorder point: `list --low` (SPEC §9). Never, without one.
  bool low() const { return reorder_point.has_value() && available <= *reorder_point; }

  bool exists() const { return version > 0; }
  friend bool operator==(const Item&, const Item&) = default;
};

}  // namespace inv::domain
