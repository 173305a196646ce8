#pragma once
// Open reservations, held per ref (SPEC §8). A reserve opens a lot in its ref's holding (the
// unnamed pool when it has no ref); a release or complete draws from its own ref's lots, oldest
// first, so a holding's `since` is the time of its oldest reserve still open. The quantities of
// an item's holdings add up to its `reserved`.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inv::domain {

// One reserve, still (partly) open.
struct Lot {
  std::int64_t position = 0;  // of the StockReserved that opened it
  std::string recorded_at;    // its time
  // Still open. Negative only for a debt: a release that a v1 log recorded against a ref that
  // held less than it released (replay folds stored events as they stand, never re-validates).
  std::int64_t qty = 0;
  friend bool operator==(const Lot&, const Lot&) = default;
};

// What one ref holds of one item. `ref` empty: the unnamed pool (an empty --ref means absent).
struct Holding {
  std::string sku;
  std::string ref;
  std::vector<Lot> lots;  // in position order

  std::int64_t qty() const;
  // recorded_at of the oldest lot still open ("" if none is).
  std::string since() const;
  friend bool operator==(const Holding&, const Holding&) = default;
};

// The ref as stored in a holding ("" for the pool) and back.
inline std::string holding_ref(const std::optional<std::string>& ref) {
  return ref.value_or("");
}
inline std::optional<std::string> event_ref(std::string_view holding_ref) {
  return holding_ref.empty() ? std::nullopt : std::optional<std::string>(holding_ref);
}

// A reserve of `qty` at `position`, recorded at `recorded_at`: a new lot.
void open_lot(std::vector<Lot>& lots, std::int64_t position, std::string_view recorded_at,
              std::int64_t qty);

// A release or complete of `qty`: drawn from the lots, oldest first, emptied lots removed. What
// the lots lack becomes (or deepens) a debt lot at `position` (see Lot::qty).
void draw_lots(std::vector<Lot>& lots, std::int64_t qty, std::int64_t position,
               std::string_view recorded_at);

// "ref 'order-7'" or "the unnamed pool", for messages.
std::string describe_holder(std::string_view ref);

}  // namespace inv::domain
