#pragma once
// The aggregate: decide() applies the rules of SPEC §1 to a command, evolve() folds an event.

#include <vector>

#include "inv/domain/commands.hpp"
#include "inv/domain/events.hpp"
#include "inv/domain/item.hpp"
#include "inv/domain/reservations.hpp"

namespace inv::domain {

// What release and complete need to know of an item's open reservations (SPEC §8): the holding
// of the command's ref (or of the pool), and every holding of the item, which the message names
// when the ref holds too little.
struct Holdings {
  Holding own;
  std::vector<Holding> all;
};

// The events that `command` appends to `item` (version 0 = absent). Pure.
// Throws inv::Error: not_found (the item must exist), conflict (create on an existing item),
// rejected (a rule of SPEC §1 and §8, an overflow, a retired item).
std::vector<Event> decide(const Command& command, const Item& item, const Holdings& holdings = {});

// The item after `event`. Pure and total: it never rejects, because events record outcomes.
// Increments the version; leaves updated_at to the caller, who knows when the event was recorded.
Item evolve(Item item, const Event& event);

// True if `event` is what `command` appends to an item when it succeeds: the same kind of
// command with the same quantities. Used to recognise a retried command by its idempotency key.
bool is_outcome_of(const Command& command, const Event& event);

// True if the command named `command_name` ("reserve", …) appends events of `event`'s type.
bool is_command_of(std::string_view command_name, const Event& event);

// True if the item's invariant holds: 0 <= reserved, 0 <= available, reserved + available <=
// on_hand, and 0 <= reorder_point when it has one.
bool invariant_holds(const Item& item);

}  // namespace inv::domain
