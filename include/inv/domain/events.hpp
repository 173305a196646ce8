#pragma once
// The stored event types of SPEC §2, §8 and §9. Events are facts in the past tense and record
// outcomes (the new on_hand, the new available), so that replay folds them without re-running any
// rule.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
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

struct StockSold {  // a direct sale without a reservation (SPEC §8)
  std::int64_t qty = 0;
  friend bool operator==(const StockSold&, const StockSold&) = default;
};
struct ItemRetired {  // the item is gone from listings; every later write is refused (SPEC §8)
  friend bool operator==(const ItemRetired&, const ItemRetired&) = default;
};
struct ReorderPointSet {  // `list --low` shows the item when available <= it (SPEC §9); no stock
                          // moves
  std::int64_t reorder_point = 0;
  friend bool operator==(const ReorderPointSet&, const ReorderPointSet&) = default;
};

using Event = std::variant<ItemCreated, OnHandSet, StockAdjusted, AvailableSet, StockReserved,
                           ReservationReleased, ReservationCompleted, StockSold, ItemRetired,
                           ReorderPointSet>;

// The stored type name of an event ("ItemCreated", …).
std::string_view type_name(const Event& event);

// Every stored type name, in the order of Event's alternatives.
inline constexpr std::string_view k_event_type_names[] = {
    "ItemCreated",   "OnHandSet",           "StockAdjusted",        "AvailableSet",
    "StockReserved", "ReservationReleased", "ReservationCompleted", "StockSold",
    "ItemRetired",   "ReorderPointSet"};

static_assert(std::size(k_event_type_names) == std::variant_size_v<Event>);

// True if `name` is one of the stored type names.
bool is_event_type(std::string_view name);

// The event of stored type `name`, made by `make(std::type_identity<T>{})` for that alternative
// T of Event; nullopt if `name` is no type. `make` must take every alternative, so a new event
// type does not compile until each reader of stored events (the column and JSON codecs) reads it.
template <class Make, std::size_t I = 0>
std::optional<Event> make_event(std::string_view name, Make& make) {
  if constexpr (I == std::variant_size_v<Event>) {
    return std::nullopt;
  } else {
    if (name == k_event_type_names[I]) {
      return Event(std::in_place_index<I>,
                   make(std::type_identity<std::variant_alternative_t<I, Event>>{}));
    }
    return make_event<Make, I + 1>(name, make);
  }
}

}  // namespace inv::domain
