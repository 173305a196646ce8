#pragma once
// `report movements` (SPEC §9): how an item's on_hand moved within a window of time, split by
// what moved it. Always opening + created + received + counted - shipped - sold - written_off
// = closing.

#include <cstdint>
#include <string>

#include "inv/domain/events.hpp"

namespace inv::domain {

struct Movements {
  std::string sku;
  std::int64_t opening = 0;      // on_hand before the window
  std::int64_t created = 0;      // on_hand given at creation inside the window
  std::int64_t received = 0;     // positive adjusts
  std::int64_t counted = 0;      // the net of stock-count differences (signed)
  std::int64_t shipped = 0;      // completed reservations
  std::int64_t sold = 0;         // direct sales
  std::int64_t written_off = 0;  // negative adjusts, as a positive number
  std::int64_t closing = 0;      // on_hand at the end of the window
  friend bool operator==(const Movements&, const Movements&) = default;
};

// Starts the row of an item whose on_hand was `on_hand` when the window opened (0 if it did not
// exist yet).
Movements open_movements(std::string sku, std::int64_t on_hand);

// Adds `event`, the item's next event inside the window, to `row`, and moves `row.closing` by
// it. An adjust counts its delta and a stock count its difference from the on_hand the row has
// reached, so the identity holds for any log; for a log that verifies, closing is the on_hand
// that evolve() gives. Throws inv::Error (rejected, "overflow") if a sum leaves the 64-bit range.
void add_movement(Movements& row, const Event& event);

}  // namespace inv::domain
