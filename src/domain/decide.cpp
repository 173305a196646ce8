#include "inv/domain/decide.hpp"

#include <algorithm>
#include <string>

#include "inv/error.hpp"
#include "inv/util/overloaded.hpp"

namespace inv::domain {
namespace {

using util::Overloaded;

std::string str(std::int64_t value) {
  return std::to_string(value);
}

Error rejected(std::string code, const std::string& message) {
  return Error(ExitCode::rejected, std::move(code), message);
}

void require_exists(const Item& item, const std::string& sku) {
  if (!item.exists()) {
    throw Error(ExitCode::not_found, "item_not_found", "no item with SKU '" + sku + "'");
  }
  if (item.retired) {
    throw rejected("item_retired", "item '" + sku + "' is retired: it takes no more writes");
  }
}

// Release and complete draw from what the command's ref holds (SPEC §8).
void require_held(std::string_view verb, const std::string& sku, std::int64_t qty, const Item& item,
                  const Holdings& holdings) {
  const std::int64_t held = holdings.own.qty();
  if (qty <= held && qty <= item.reserved) {
    return;
  }
  const std::string& ref = holdings.own.ref;
  std::string message = "cannot " + std::string(verb) + " " + str(qty) + " of '" + sku +
                        "': " + describe_holder(ref) + " holds " +
                        str(std::max<std::int64_t>(held, 0));
  std::string others;
  for (const Holding& holding : holdings.all) {
    if (holding.ref != ref && holding.qty() > 0) {
      others += others.empty() ? "" : ", ";
      others += (holding.ref.empty() ? std::string("the unnamed pool") : "'" + holding.ref + "'") +
                " " + str(holding.qty());
    }
  }
  if (!others.empty()) {
    message += ref.empty() ? "; reservations are held by " + others + " (name one with --ref)"
                           : " (also held: " + others + ")";
  }
  throw rejected("insufficient_reserved", message);
}

// `available` after on_hand moves from item.on_hand to new_on_hand (SPEC §1, set-soh/adjust):
// it moves by the same delta, then is clamped into [0, new_on_hand - reserved].
// Callers have checked new_on_hand >= reserved, so every step stays within int64.
std::int64_t moved_available(const Item& item, std::int64_t new_on_hand) {
  const std::int64_t delta = new_on_hand - item.on_hand;  // both in [0, INT64_MAX]
  const std::int64_t moved = item.available + delta;      // available <= on_hand: no overflow
  return std::clamp<std::int64_t>(moved, 0, new_on_hand - item.reserved);
}

std::vector<Event> decide_create(const CreateItem& c, const Item& item) {
  if (item.exists()) {
    throw Error(ExitCode::conflict, "item_exists", "item '" + c.sku + "' already exists");
  }
  const std::int64_t available = c.available.value_or(c.on_hand);
  if (available > c.on_hand) {
    throw rejected("available_exceeds_on_hand", "cannot create '" + c.sku + "' with available " +
                                                    str(available) + " above on hand " +
                                                    str(c.on_hand));
  }
  return {ItemCreated{c.on_hand, available}};
}

std::vector<Event> decide_set_on_hand(const SetOnHand& c, const Item& item) {
  if (!item.exists()) {
    return {ItemCreated{c.on_hand, c.on_hand}};
  }
  require_exists(item, c.sku);
  if (c.on_hand < item.reserved) {
    throw rejected("below_reserved", "cannot set on hand of '" + c.sku + "' to " + str(c.on_hand) +
                                         ": " + str(item.reserved) + " are reserved");
  }
  return {OnHandSet{c.on_hand, item.on_hand, moved_available(item, c.on_hand)}};
}

std::vector<Event> decide_adjust(const AdjustStock& c, const Item& item) {
  require_exists(item, c.sku);
  std::int64_t on_hand = 0;
  if (__builtin_add_overflow(item.on_hand, c.delta, &on_hand)) {
    throw rejected("overflow", "cannot adjust '" + c.sku + "' by " + str(c.delta) + ": on hand " +
                                   str(item.on_hand) + " would overflow");
  }
  if (on_hand < item.reserved) {
    throw rejected("below_reserved", "cannot adjust '" + c.sku + "' by " + str(c.delta) +
                                         ": on hand would be " + str(on_hand) + ", below the " +
                                         str(item.reserved) + " reserved");
  }
  return {StockAdjusted{c.delta, on_hand, moved_available(item, on_hand)}};
}

std::vector<Event> decide_set_available(const SetAvailable& c, const Item& item) {
  require_exists(item, c.sku);
  const std::int64_t limit = item.on_hand - item.reserved;
  if (c.available > limit) {
    throw rejected("available_too_high", "cannot set available of '" + c.sku + "' to " +
                                             str(c.available) + ": at most " + str(limit) +
                                             " (on hand " + str(item.on_hand) + " minus " +
                                             str(item.reserved) + " reserved)");
  }
  return {AvailableSet{c.available, item.available}};
}

std::vector<Event> decide_reserve(const ReserveStock& c, const Item& item) {
  require_exists(item, c.sku);
  if (c.qty > item.available) {
    throw rejected("insufficient_available", "cannot reserve " + str(c.qty) + " of '" + c.sku +
                                                 "': only " + str(item.available) + " available");
  }
  return {StockReserved{c.qty}};
}

std::vector<Event> decide_release(const ReleaseReservation& c, const Item& item,
                                  const Holdings& holdings) {
  require_exists(item, c.sku);
  require_held("release", c.sku, c.qty, item, holdings);
  return {ReservationReleased{c.qty}};
}

std::vector<Event> decide_complete(const CompleteReservation& c, const Item& item,
                                   const Holdings& holdings) {
  require_exists(item, c.sku);
  require_held("complete", c.sku, c.qty, item, holdings);
  return {ReservationCompleted{c.qty}};
}

std::vector<Event> decide_sell(const SellStock& c, const Item& item) {
  require_exists(item, c.sku);
  if (c.qty > item.available) {
    throw rejected("insufficient_available", "cannot sell " + str(c.qty) + " of '" + c.sku +
                                                 "': only " + str(item.available) + " available");
  }
  return {StockSold{c.qty}};
}

std::vector<Event> decide_retire(const RetireItem& c, const Item& item) {
  require_exists(item, c.sku);
  if (item.on_hand != 0 || item.reserved != 0) {
    throw rejected("item_not_empty", "cannot retire '" + c.sku + "': it has on hand " +
                                         str(item.on_hand) + " and reserved " + str(item.reserved) +
                                         " (both must be 0)");
  }
  return {ItemRetired{}};
}

// SPEC §9. Setting the value it already has is still appended, as set-soh and set-available
// append an unchanged value: the event says who confirmed it, and when.
std::vector<Event> decide_set_reorder_point(const SetReorderPoint& c, const Item& item) {
  require_exists(item, c.sku);
  return {ReorderPointSet{c.reorder_point}};
}

}  // namespace

std::vector<Event> decide(const Command& command, const Item& item, const Holdings& holdings) {
  return std::visit(
      Overloaded{
          [&](const CreateItem& c) { return decide_create(c, item); },
          [&](const SetOnHand& c) { return decide_set_on_hand(c, item); },
          [&](const AdjustStock& c) { return decide_adjust(c, item); },
          [&](const SetAvailable& c) { return decide_set_available(c, item); },
          [&](const ReserveStock& c) { return decide_reserve(c, item); },
          [&](const ReleaseReservation& c) { return decide_release(c, item, holdings); },
          [&](const CompleteReservation& c) { return decide_complete(c, item, holdings); },
          [&](const SellStock& c) { return decide_sell(c, item); },
          [&](const RetireItem& c) { return decide_retire(c, item); },
          [&](const SetReorderPoint& c) { return decide_set_reorder_point(c, item); },
      },
      command);
}

Item evolve(Item item, const Event& event) {
  // Wrapping arithmetic: evolve must be total even on a damaged log; verify reports the damage.
  const auto add = [](std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
  };
  const auto sub = [](std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
  };
  std::visit(Overloaded{
                 [&](const ItemCreated& e) {
                   item.on_hand = e.on_hand;
                   item.reserved = 0;
                   item.available = e.available;
                 },
                 [&](const OnHandSet& e) {
                   item.on_hand = e.on_hand;
                   item.available = e.available;
                 },
                 [&](const StockAdjusted& e) {
                   item.on_hand = e.on_hand;
                   item.available = e.available;
                 },
                 [&](const AvailableSet& e) { item.available = e.available; },
                 [&](const StockReserved& e) {
                   item.reserved = add(item.reserved, e.qty);
                   item.available = sub(item.available, e.qty);
                 },
                 [&](const ReservationReleased& e) {
                   item.reserved = sub(item.reserved, e.qty);
                   item.available = add(item.available, e.qty);
                 },
                 [&](const ReservationCompleted& e) {
                   item.reserved = sub(item.reserved, e.qty);
                   item.on_hand = sub(item.on_hand, e.qty);
                 },
                 [&](const StockSold& e) {
                   item.on_hand = sub(item.on_hand, e.qty);
                   item.available = sub(item.available, e.qty);
                 },
                 [&](const ItemRetired&) { item.retired = true; },
                 [&](const ReorderPointSet& e) { item.reorder_point = e.reorder_point; },
             },
             event);
  ++item.version;
  return item;
}

bool is_outcome_of(const Command& command, const Event& event) {
  return std::visit(
      Overloaded{
          [&](const CreateItem& c) {
            const auto* e = std::get_if<ItemCreated>(&event);
            return e && e->on_hand == c.on_hand && e->available == c.available.value_or(c.on_hand);
          },
          [&](const SetOnHand& c) {
            // A count creates the item when it is absent, so either event can be its
            // outcome.
            if (const auto* created = std::get_if<ItemCreated>(&event)) {
              return created->on_hand == c.on_hand && created->available == c.on_hand;
            }
            const auto* e = std::get_if<OnHandSet>(&event);
            return e && e->on_hand == c.on_hand;
          },
          [&](const AdjustStock& c) {
            const auto* e = std::get_if<StockAdjusted>(&event);
            return e && e->delta == c.delta;
          },
          [&](const SetAvailable& c) {
            const auto* e = std::get_if<AvailableSet>(&event);
            return e && e->available == c.available;
          },
          [&](const ReserveStock& c) {
            const auto* e = std::get_if<StockReserved>(&event);
            return e && e->qty == c.qty;
          },
          [&](const ReleaseReservation& c) {
            const auto* e = std::get_if<ReservationReleased>(&event);
            return e && e->qty == c.qty;
          },
          [&](const CompleteReservation& c) {
            const auto* e = std::get_if<ReservationCompleted>(&event);
            return e && e->qty == c.qty;
          },
          [&](const SellStock& c) {
            const auto* e = std::get_if<StockSold>(&event);
            return e && e->qty == c.qty;
          },
          [&](const RetireItem&) { return std::holds_alternative<ItemRetired>(event); },
          [&](const SetReorderPoint& c) {
            const auto* e = std::get_if<ReorderPointSet>(&event);
            return e && e->reorder_point == c.reorder_point;
          },
      },
      command);
}

bool is_command_of(std::string_view command_name, const Event& event) {
  return std::visit(
      Overloaded{
          // A count creates the item when it is absent.
          [&](const ItemCreated&) { return command_name == "create" || command_name == "set-soh"; },
          [&](const OnHandSet&) { return command_name == "set-soh"; },
          [&](const StockAdjusted&) { return command_name == "adjust"; },
          [&](const AvailableSet&) { return command_name == "set-available"; },
          [&](const StockReserved&) { return command_name == "reserve"; },
          [&](const ReservationReleased&) { return command_name == "release"; },
          [&](const ReservationCompleted&) { return command_name == "complete"; },
          [&](const StockSold&) { return command_name == "sell"; },
          [&](const ItemRetired&) { return command_name == "retire"; },
          [&](const ReorderPointSet&) { return command_name == "set-reorder"; },
      },
      event);
}

bool invariant_holds(const Item& item) {
  std::int64_t committed = 0;
  return item.reserved >= 0 && item.available >= 0 &&
         !__builtin_add_overflow(item.reserved, item.available, &committed) &&
         committed <= item.on_hand && item.reorder_point.value_or(0) >= 0;
}

}  // namespace inv::domain
