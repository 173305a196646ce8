#pragma once
// The seven stored event types of SPEC §2. Events are facts in the past tense and record outcomes
// (the new on_hand, the new available), so that replay folds them without re-running any rule.

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace inv::domain {

struct ItemCreated {
  std::int64_t on_hand = 0;
  std::int64_t available = 0;
  friend bool operator==(const ItemCreated&, const ItemCreated&) = default;
};
struct OnHandSet {
  std::int64_t on_hand = 0;
  std::int64_t previous = 0;
  std::int64_t available = 0;
  friend bool operator==(const OnHandSet&, const OnHandSet&) = default;
};
struct StockAdjusted {
  std::int64_t delta = 0;
  std::int64_t on_hand = 0;
  std::int64_t available = 0;
  friend bool operator==(const StockAdjusted&, const StockAdjusted&) = default;
};
struct AvailableSet {
  std::int64_t available = 0;
  std::int64_t previous = 0;
  friend bool operator==(const AvailableSet&, const AvailableSet&) = default;
};
struct StockReserved {
  std::int64_t qty = 0;
  friend bool operator==(const StockReserved&, const StockReserved&) = default;
};
struct ReservationReleased {
  std::int64_t qty = 0;
  friend bool operator==(const ReservationReleased&, const ReservationReleased&) = default;
};
struct ReservationCompleted {
  std::int64_t qty = 0;
  friend bool operator==(const ReservationCompleted&, const ReservationCompleted&) = default;
};

using Event = std::variant<ItemCreated, OnHandSet, StockAdjusted, AvailableSet, StockReserved,
                           ReservationReleased, ReservationCompleted>;

// The stored type name of an event ("ItemCreated", …).
std::string_view type_name(const Event& event);

// Every stored type name, in the order of SPEC §2.
inline constexpr std::string_view k_event_type_names[] = {
    "ItemCreated",   "OnHandSet",           "StockAdjusted",       "AvailableSet",
    "StockReserved", "ReservationReleased", "ReservationCompleted"};

// True if `name` is one of the seven stored type names.
bool is_event_type(std::string_view name);

}  // namespace inv::domain
