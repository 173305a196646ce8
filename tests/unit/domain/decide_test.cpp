#include "inv/domain/decide.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support.hpp"
#include "inv/error.hpp"

// The rules of SPEC §1 and the events of SPEC §2, each at its boundary: given events, when a
// command, then events or an error with its exit code (SPEC §5).

namespace inv::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();

// 128-bit arithmetic for the model below, so that it can see an overflow instead of having one.
__extension__ typedef __int128 Wide;

Item replay(const std::vector<Event>& events) {
  Item item;
  item.sku = "A-1";
  for (const Event& event : events) {
    item = evolve(item, event);
  }
  return item;
}

Item absent() {
  return replay({});
}

// An item with on_hand 10, reserved 3, available 5 (2 units held back), at version 2.
Item ten_three_five() {
  return replay({ItemCreated{10, 8}, StockReserved{3}});
}

// v1's single holder: the unnamed pool holds everything the item has reserved.
Holdings pool_of(const Item& item) {
  Holdings holdings;
  holdings.own = Holding{item.sku, "", {}};
  if (item.reserved != 0) {
    holdings.own.lots.push_back(Lot{1, "2026-12-01T00:00:00.000000Z", item.reserved});
  }
  holdings.all = {holdings.own};
  return holdings;
}

ExitCode exit_code_of(const Command& command, const Item& item) {
  return inv::exit_code_of([&] { decide(command, item, pool_of(item)); });
}

std::string error_code_of(const Command& command, const Item& item) {
  return inv::error_code_of([&] { decide(command, item, pool_of(item)); });
}

// Decides and folds the resulting events: the item after an accepted command.
Item after(const Command& command, const Item& item) {
  Item result = item;
  for (const Event& event : decide(command, item, pool_of(item))) {
    result = evolve(result, event);
  }
  return result;
}

// ---- create -------------------------------------------------------------------------------------

TEST(Create, AvailableDefaultsToOnHand) {
  EXPECT_THAT(decide(CreateItem{"A-1", 7, std::nullopt}, absent()),
              ElementsAre(Event(ItemCreated{7, 7})));
}

TEST(Create, OnHandDefaultsToZero) {
  CreateItem command;
  command.sku = "A-1";
  EXPECT_THAT(decide(command, absent()), ElementsAre(Event(ItemCreated{0, 0})));
}

TEST(Create, TakesAnExplicitAvailableUpToOnHand) {
  EXPECT_THAT(decide(CreateItem{"A-1", 10, 4}, absent()), ElementsAre(Event(ItemCreated{10, 4})));
  EXPECT_THAT(decide(CreateItem{"A-1", 10, 10}, absent()), ElementsAre(Event(ItemCreated{10, 10})));
  EXPECT_THAT(decide(CreateItem{"A-1", 10, 0}, absent()), ElementsAre(Event(ItemCreated{10, 0})));
}

TEST(Create, RejectsAvailableAboveOnHand) {
  EXPECT_EQ(exit_code_of(CreateItem{"A-1", 10, 11}, absent()), ExitCode::rejected);
  EXPECT_EQ(error_code_of(CreateItem{"A-1", 10, 11}, absent()), "available_exceeds_on_hand");
  EXPECT_EQ(exit_code_of(CreateItem{"A-1", 0, 1}, absent()), ExitCode::rejected);
}

TEST(Create, IsAConflictWhenTheItemExists) {
  const Item item = replay({ItemCreated{1, 1}});
  EXPECT_EQ(exit_code_of(CreateItem{"A-1", 5, std::nullopt}, item), ExitCode::conflict);
  EXPECT_EQ(error_code_of(CreateItem{"A-1", 5, std::nullopt}, item), "item_exists");
  // Existence is checked before the rules: an invalid create of an existing item is a conflict.
  EXPECT_EQ(exit_code_of(CreateItem{"A-1", 5, 6}, item), ExitCode::conflict);
}

TEST(Create, AcceptsTheLargestQuantity) {
  EXPECT_THAT(decide(CreateItem{"A-1", k_max, std::nullopt}, absent()),
              ElementsAre(Event(ItemCreated{k_max, k_max})));
}

TEST(Create, GivesVersionOne) {
  const Item item = after(CreateItem{"A-1", 10, 4}, absent());
  EXPECT_EQ(item.on_hand, 10);
  EXPECT_EQ(item.reserved, 0);
  EXPECT_EQ(item.available, 4);
  EXPECT_EQ(item.version, 1);
}

// ---- set-soh ------------------------------------------------------------------------------------

TEST(SetOnHand, CreatesAMissingItemWithASingleItemCreated) {
  EXPECT_THAT(decide(SetOnHand{"A-1", 10}, absent()), ElementsAre(Event(ItemCreated{10, 10})));
  EXPECT_THAT(decide(SetOnHand{"A-1", 0}, absent()), ElementsAre(Event(ItemCreated{0, 0})));
  EXPECT_EQ(after(SetOnHand{"A-1", 10}, absent()).version, 1);
}

TEST(SetOnHand, MovesAvailableByTheSameDelta) {
  const Item item = ten_three_five();  // on_hand 10, reserved 3, available 5
  EXPECT_THAT(decide(SetOnHand{"A-1", 14}, item), ElementsAre(Event(OnHandSet{14, 10, 9})));
  EXPECT_THAT(decide(SetOnHand{"A-1", 8}, item), ElementsAre(Event(OnHandSet{8, 10, 3})));
}

TEST(SetOnHand, ClampsAvailableAtZero) {
  // on_hand 10, reserved 3, available 0 (7 held back): a count of 6 moves available to -4 → 0.
  const Item item = replay({ItemCreated{10, 10}, StockReserved{3}, AvailableSet{0, 7}});
  EXPECT_THAT(decide(SetOnHand{"A-1", 6}, item), ElementsAre(Event(OnHandSet{6, 10, 0})));
}

TEST(SetOnHand, KeepsAvailableWithinZeroAndOnHandMinusReserved) {
  // Every count from reserved upwards lands available in [0, N - reserved].
  const Item item = ten_three_five();
  for (std::int64_t n = 3; n <= 30; ++n) {
    const Item result = after(SetOnHand{"A-1", n}, item);
    EXPECT_GE(result.available, 0) << n;
    EXPECT_LE(result.available, n - result.reserved) << n;
  }
}

TEST(SetOnHand, RejectsACountBelowReserved) {
  const Item item = ten_three_five();
  EXPECT_EQ(exit_code_of(SetOnHand{"A-1", 2}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(SetOnHand{"A-1", 2}, item), "below_reserved");
  EXPECT_EQ(exit_code_of(SetOnHand{"A-1", 0}, item), ExitCode::rejected);
}

TEST(SetOnHand, AcceptsACountEqualToReserved) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(SetOnHand{"A-1", 3}, item), ElementsAre(Event(OnHandSet{3, 10, 0})));
  const Item result = after(SetOnHand{"A-1", 3}, item);
  EXPECT_EQ(result.on_hand, 3);
  EXPECT_EQ(result.reserved, 3);
  EXPECT_EQ(result.available, 0);
}

TEST(SetOnHand, AppendsAnEventForAnUnchangedCount) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(SetOnHand{"A-1", 10}, item), ElementsAre(Event(OnHandSet{10, 10, 5})));
  EXPECT_EQ(after(SetOnHand{"A-1", 10}, item).version, item.version + 1);
}

TEST(SetOnHand, HandlesTheExtremes) {
  const Item item = replay({ItemCreated{k_max, k_max}});
  EXPECT_THAT(decide(SetOnHand{"A-1", 0}, item), ElementsAre(Event(OnHandSet{0, k_max, 0})));
  const Item empty = replay({ItemCreated{0, 0}});
  EXPECT_THAT(decide(SetOnHand{"A-1", k_max}, empty),
              ElementsAre(Event(OnHandSet{k_max, 0, k_max})));
}

// ---- adjust -------------------------------------------------------------------------------------

TEST(Adjust, ReceiptMovesOnHandAndAvailable) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(AdjustStock{"A-1", 4}, item), ElementsAre(Event(StockAdjusted{4, 14, 9})));
}

TEST(Adjust, WriteOffMovesOnHandAndAvailable) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(AdjustStock{"A-1", -2}, item), ElementsAre(Event(StockAdjusted{-2, 8, 3})));
}

TEST(Adjust, ClampsAvailableAtZero) {
  const Item item = ten_three_five();  // on_hand 10, reserved 3, available 5
  EXPECT_THAT(decide(AdjustStock{"A-1", -6}, item), ElementsAre(Event(StockAdjusted{-6, 4, 0})));
}

TEST(Adjust, RejectsAResultBelowReserved) {
  const Item item = ten_three_five();
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", -8}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(AdjustStock{"A-1", -8}, item), "below_reserved");
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", k_min}, item), ExitCode::rejected);
}

TEST(Adjust, AcceptsAResultOfExactlyReserved) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(AdjustStock{"A-1", -7}, item), ElementsAre(Event(StockAdjusted{-7, 3, 0})));
}

TEST(Adjust, RejectsAnOverflow) {
  const Item item = replay({ItemCreated{k_max - 5, 0}});
  EXPECT_THAT(decide(AdjustStock{"A-1", 5}, item), ElementsAre(Event(StockAdjusted{5, k_max, 5})));
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", 6}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(AdjustStock{"A-1", 6}, item), "overflow");
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", k_max}, item), ExitCode::rejected);
  const Item full = replay({ItemCreated{k_max, k_max}});
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", 1}, full), ExitCode::rejected);
}

TEST(Adjust, NeedsAnExistingItem) {
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", 5}, absent()), ExitCode::not_found);
  EXPECT_EQ(error_code_of(AdjustStock{"A-1", 5}, absent()), "item_not_found");
}

// ---- set-available ------------------------------------------------------------------------------

TEST(SetAvailable, HoldsBackAndReleasesStock) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(SetAvailable{"A-1", 0}, item), ElementsAre(Event(AvailableSet{0, 5})));
  EXPECT_THAT(decide(SetAvailable{"A-1", 6}, item), ElementsAre(Event(AvailableSet{6, 5})));
  const Item result = after(SetAvailable{"A-1", 6}, item);
  EXPECT_EQ(result.on_hand, 10);
  EXPECT_EQ(result.reserved, 3);
  EXPECT_EQ(result.available, 6);
}

TEST(SetAvailable, AcceptsExactlyOnHandMinusReserved) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(SetAvailable{"A-1", 7}, item), ElementsAre(Event(AvailableSet{7, 5})));
}

TEST(SetAvailable, RejectsMoreThanOnHandMinusReserved) {
  const Item item = ten_three_five();
  EXPECT_EQ(exit_code_of(SetAvailable{"A-1", 8}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(SetAvailable{"A-1", 8}, item), "available_too_high");
  EXPECT_EQ(exit_code_of(SetAvailable{"A-1", k_max}, item), ExitCode::rejected);
}

TEST(SetAvailable, NeedsAnExistingItem) {
  EXPECT_EQ(exit_code_of(SetAvailable{"A-1", 0}, absent()), ExitCode::not_found);
}

// ---- reserve ------------------------------------------------------------------------------------

TEST(Reserve, TakesExactlyWhatIsAvailable) {
  const Item item = replay({ItemCreated{10, 4}});
  EXPECT_THAT(decide(ReserveStock{"A-1", 4}, item), ElementsAre(Event(StockReserved{4})));
  EXPECT_EQ(exit_code_of(ReserveStock{"A-1", 5}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(ReserveStock{"A-1", 5}, item), "insufficient_available");
}

TEST(Reserve, MovesUnitsFromAvailableToReserved) {
  const Item result = after(ReserveStock{"A-1", 2}, ten_three_five());
  EXPECT_EQ(result.on_hand, 10);
  EXPECT_EQ(result.reserved, 5);
  EXPECT_EQ(result.available, 3);
  EXPECT_EQ(result.version, 3);
}

TEST(Reserve, RejectsWhenNothingIsAvailable) {
  const Item item = replay({ItemCreated{0, 0}});
  EXPECT_EQ(exit_code_of(ReserveStock{"A-1", 1}, item), ExitCode::rejected);
}

TEST(Reserve, NeedsAnExistingItem) {
  EXPECT_EQ(exit_code_of(ReserveStock{"A-1", 1}, absent()), ExitCode::not_found);
}

// ---- release ------------------------------------------------------------------------------------

TEST(Release, ReturnsUnitsFromReservedToAvailable) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(ReleaseReservation{"A-1", 2}, item, pool_of(item)),
              ElementsAre(Event(ReservationReleased{2})));
  const Item result = after(ReleaseReservation{"A-1", 2}, item);
  EXPECT_EQ(result.on_hand, 10);
  EXPECT_EQ(result.reserved, 1);
  EXPECT_EQ(result.available, 7);
}

TEST(Release, AcceptsExactlyWhatIsReserved) {
  const Item result = after(ReleaseReservation{"A-1", 3}, ten_three_five());
  EXPECT_EQ(result.reserved, 0);
  EXPECT_EQ(result.available, 8);
}

TEST(Release, RejectsMoreThanIsReserved) {
  const Item item = ten_three_five();
  EXPECT_EQ(exit_code_of(ReleaseReservation{"A-1", 4}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(ReleaseReservation{"A-1", 4}, item), "insufficient_reserved");
  EXPECT_EQ(exit_code_of(ReleaseReservation{"A-1", 1}, replay({ItemCreated{5, 5}})),
            ExitCode::rejected);
}

TEST(Release, NeedsAnExistingItem) {
  EXPECT_EQ(exit_code_of(ReleaseReservation{"A-1", 1}, absent()), ExitCode::not_found);
}

// ---- complete -----------------------------------------------------------------------------------

TEST(Complete, ShipsReservedUnits) {
  const Item item = ten_three_five();
  EXPECT_THAT(decide(CompleteReservation{"A-1", 2}, item, pool_of(item)),
              ElementsAre(Event(ReservationCompleted{2})));
  const Item result = after(CompleteReservation{"A-1", 2}, item);
  EXPECT_EQ(result.on_hand, 8);
  EXPECT_EQ(result.reserved, 1);
  EXPECT_EQ(result.available, 5);
}

TEST(Complete, AcceptsExactlyWhatIsReserved) {
  const Item result = after(CompleteReservation{"A-1", 3}, ten_three_five());
  EXPECT_EQ(result.on_hand, 7);
  EXPECT_EQ(result.reserved, 0);
  EXPECT_EQ(result.available, 5);
}

TEST(Complete, RejectsMoreThanIsReserved) {
  const Item item = ten_three_five();
  EXPECT_EQ(exit_code_of(CompleteReservation{"A-1", 4}, item), ExitCode::rejected);
  EXPECT_EQ(error_code_of(CompleteReservation{"A-1", 4}, item), "insufficient_reserved");
}

TEST(Complete, NeedsAnExistingItem) {
  EXPECT_EQ(exit_code_of(CompleteReservation{"A-1", 1}, absent()), ExitCode::not_found);
}

// ---- existence, for all seven -------------------------------------------------------------------

TEST(Decide, EveryCommandButCreateAndSetOnHandNeedsAnExistingItem) {
  const Item missing = absent();
  EXPECT_EQ(exit_code_of(CreateItem{"A-1", 1, std::nullopt}, missing), ExitCode::ok);
  EXPECT_EQ(exit_code_of(SetOnHand{"A-1", 1}, missing), ExitCode::ok);
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", 1}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", -1}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(SetAvailable{"A-1", 0}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(ReserveStock{"A-1", 1}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(ReleaseReservation{"A-1", 1}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(CompleteReservation{"A-1", 1}, missing), ExitCode::not_found);
}

TEST(Decide, ChecksExistenceBeforeTheRules) {
  // Quantities that no item could satisfy: the missing item is what is reported.
  const Item missing = absent();
  EXPECT_EQ(exit_code_of(AdjustStock{"A-1", k_min}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(SetAvailable{"A-1", k_max}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(ReserveStock{"A-1", k_max}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(ReleaseReservation{"A-1", k_max}, missing), ExitCode::not_found);
  EXPECT_EQ(exit_code_of(CompleteReservation{"A-1", k_max}, missing), ExitCode::not_found);
}

// ---- evolve -------------------------------------------------------------------------------------

TEST(Evolve, ItemCreatedSetsTheStateAtVersionOne) {
  const Item item = evolve(absent(), ItemCreated{10, 4});
  EXPECT_EQ(item.sku, "A-1");
  EXPECT_EQ(item.on_hand, 10);
  EXPECT_EQ(item.reserved, 0);
  EXPECT_EQ(item.available, 4);
  EXPECT_EQ(item.version, 1);
}

TEST(Evolve, OnHandSetRecordsTheOutcome) {
  const Item item = evolve(ten_three_five(), OnHandSet{20, 10, 12});
  EXPECT_EQ(item.on_hand, 20);
  EXPECT_EQ(item.reserved, 3);
  EXPECT_EQ(item.available, 12);
  EXPECT_EQ(item.version, 3);
}

TEST(Evolve, StockAdjustedRecordsTheOutcome) {
  const Item item = evolve(ten_three_five(), StockAdjusted{-4, 6, 1});
  EXPECT_EQ(item.on_hand, 6);
  EXPECT_EQ(item.reserved, 3);
  EXPECT_EQ(item.available, 1);
  EXPECT_EQ(item.version, 3);
}

TEST(Evolve, AvailableSetChangesOnlyAvailable) {
  const Item item = evolve(ten_three_five(), AvailableSet{7, 5});
  EXPECT_EQ(item.on_hand, 10);
  EXPECT_EQ(item.reserved, 3);
  EXPECT_EQ(item.available, 7);
  EXPECT_EQ(item.version, 3);
}

TEST(Evolve, StockReservedMovesAvailableToReserved) {
  const Item item = evolve(ten_three_five(), StockReserved{5});
  EXPECT_EQ(item.on_hand, 10);
  EXPECT_EQ(item.reserved, 8);
  EXPECT_EQ(item.available, 0);
  EXPECT_EQ(item.version, 3);
}

TEST(Evolve, ReservationReleasedMovesReservedToAvailable) {
  const Item item = evolve(ten_three_five(), ReservationReleased{3});
  EXPECT_EQ(item.on_hand, 10);
  EXPECT_EQ(item.reserved, 0);
  EXPECT_EQ(item.available, 8);
  EXPECT_EQ(item.version, 3);
}

TEST(Evolve, ReservationCompletedShipsFromReservedAndOnHand) {
  const Item item = evolve(ten_three_five(), ReservationCompleted{1});
  EXPECT_EQ(item.on_hand, 9);
  EXPECT_EQ(item.reserved, 2);
  EXPECT_EQ(item.available, 5);
  EXPECT_EQ(item.version, 3);
}

TEST(Evolve, IncrementsTheVersionForEveryEvent) {
  const std::vector<Event> events = {
      ItemCreated{10, 10}, OnHandSet{12, 10, 12},  StockAdjusted{3, 15, 15}, AvailableSet{10, 15},
      StockReserved{4},    ReservationReleased{1}, ReservationCompleted{2}};
  Item item = absent();
  for (std::size_t i = 0; i < events.size(); ++i) {
    item = evolve(item, events[i]);
    EXPECT_EQ(item.version, static_cast<std::int64_t>(i) + 1);
  }
  EXPECT_EQ(item.on_hand, 13);
  EXPECT_EQ(item.reserved, 1);
  EXPECT_EQ(item.available, 7);
}

TEST(Evolve, KeepsTheSkuAndLeavesUpdatedAtToTheCaller) {
  Item item = ten_three_five();
  item.updated_at = "2026-11-28T06:15:14.000000Z";
  const Item result = evolve(item, StockReserved{1});
  EXPECT_EQ(result.sku, "A-1");
  EXPECT_EQ(result.updated_at, "2026-11-28T06:15:14.000000Z");
}

TEST(Evolve, NeverRejectsAStoredEvent) {
  // Replay folds outcomes without re-running the rules (SPEC §2), even ones the rules forbid.
  const Item item = replay({ItemCreated{1, 1}});
  Item result;
  EXPECT_NO_THROW(result = evolve(item, StockReserved{5}));
  EXPECT_EQ(result.reserved, 5);
  EXPECT_EQ(result.available, -4);
  EXPECT_NO_THROW(result = evolve(item, ReservationCompleted{3}));
  EXPECT_EQ(result.on_hand, -2);
  EXPECT_NO_THROW(result = evolve(item, AvailableSet{100, 1}));
  EXPECT_EQ(result.available, 100);
}

TEST(InvariantHolds, ChecksTheThreeInequalities) {
  Item item;
  item.on_hand = 10;
  item.reserved = 3;
  item.available = 7;
  EXPECT_TRUE(invariant_holds(item));
  item.available = 8;
  EXPECT_FALSE(invariant_holds(item));
  item.available = -1;
  EXPECT_FALSE(invariant_holds(item));
  item.available = 0;
  item.reserved = -1;
  EXPECT_FALSE(invariant_holds(item));
  item.on_hand = k_max;
  item.reserved = k_max;
  item.available = 1;  // reserved + available overflows: not <= on_hand
  EXPECT_FALSE(invariant_holds(item));
}

// ---- property: an independent model of SPEC §1 agrees with decide + evolve ----------------------

struct Outcome {
  ExitCode exit_code = ExitCode::ok;
  Item item;  // valid when exit_code is ok
};

// SPEC §1, written out again without looking at decide(). Wide makes overflow explicit.
Outcome model(const Command& command, const Item& item) {
  const auto clamp_available = [&](std::int64_t new_on_hand) {
    const Wide moved = static_cast<Wide>(item.available) + new_on_hand - item.on_hand;
    const Wide high = static_cast<Wide>(new_on_hand) - item.reserved;
    return static_cast<std::int64_t>(moved < 0 ? 0 : (moved > high ? high : moved));
  };
  Outcome out;
  out.item = item;
  out.item.version = item.version + 1;
  if (const auto* c = std::get_if<CreateItem>(&command)) {
    const std::int64_t available = c->available.value_or(c->on_hand);
    if (item.exists()) {
      out.exit_code = ExitCode::conflict;
    } else if (available > c->on_hand) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.on_hand = c->on_hand;
      out.item.reserved = 0;
      out.item.available = available;
    }
    return out;
  }
  if (const auto* c = std::get_if<SetOnHand>(&command)) {
    if (!item.exists()) {
      out.item.on_hand = c->on_hand;
      out.item.reserved = 0;
      out.item.available = c->on_hand;
    } else if (c->on_hand < item.reserved) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.available = clamp_available(c->on_hand);
      out.item.on_hand = c->on_hand;
    }
    return out;
  }
  if (!item.exists()) {
    out.exit_code = ExitCode::not_found;
    return out;
  }
  if (const auto* adjust = std::get_if<AdjustStock>(&command)) {
    const Wide on_hand = static_cast<Wide>(item.on_hand) + adjust->delta;
    if (on_hand > k_max || on_hand < item.reserved) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.available = clamp_available(static_cast<std::int64_t>(on_hand));
      out.item.on_hand = static_cast<std::int64_t>(on_hand);
    }
  } else if (const auto* set = std::get_if<SetAvailable>(&command)) {
    if (set->available > item.on_hand - item.reserved) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.available = set->available;
    }
  } else if (const auto* reserve = std::get_if<ReserveStock>(&command)) {
    if (reserve->qty > item.available) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.reserved += reserve->qty;
      out.item.available -= reserve->qty;
    }
  } else if (const auto* release = std::get_if<ReleaseReservation>(&command)) {
    if (release->qty > item.reserved) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.reserved -= release->qty;
      out.item.available += release->qty;
    }
  } else if (const auto* complete = std::get_if<CompleteReservation>(&command)) {
    if (complete->qty > item.reserved) {
      out.exit_code = ExitCode::rejected;
    } else {
      out.item.reserved -= complete->qty;
      out.item.on_hand -= complete->qty;
    }
  }
  return out;
}

bool invariant(const Item& item) {
  return item.reserved >= 0 && item.available >= 0 &&
         static_cast<Wide>(item.reserved) + item.available <= item.on_hand;
}

// A valid command (SPEC §7: Q >= 1, N >= 0, A >= 0, DELTA != 0) with small quantities, and
// now and then an extreme one.
Command random_command(std::mt19937_64& random) {
  std::uniform_int_distribution<int> kind(0, 6);
  std::uniform_int_distribution<int> small(0, 25);
  std::uniform_int_distribution<int> extreme(0, 19);
  const auto quantity = [&](std::int64_t minimum) -> std::int64_t {
    if (extreme(random) == 0) {
      return k_max - small(random);
    }
    return minimum + small(random);
  };
  switch (kind(random)) {
    case 0: {
      const std::int64_t n = quantity(0);
      std::optional<std::int64_t> a;
      if (small(random) % 2 == 0) {
        a = quantity(0);
      }
      return CreateItem{"A-1", n, a};
    }
    case 1:
      return SetOnHand{"A-1", quantity(0)};
    case 2: {
      std::int64_t delta = quantity(1);
      if (small(random) % 2 == 0) {
        delta = -delta;
      }
      return AdjustStock{"A-1", delta};
    }
    case 3:
      return SetAvailable{"A-1", quantity(0)};
    case 4:
      return ReserveStock{"A-1", quantity(1)};
    case 5:
      return ReleaseReservation{"A-1", quantity(1)};
    default:
      return CompleteReservation{"A-1", quantity(1)};
  }
}

TEST(DecideProperty, AgreesWithTheRulesAndKeepsTheInvariant) {
  std::mt19937_64 random(20261128);
  int accepted = 0;
  int rejected = 0;
  for (int run = 0; run < 200; ++run) {
    Item item = absent();
    for (int step = 0; step < 60; ++step) {
      const Command command = random_command(random);
      const Outcome expected = model(command, item);
      std::vector<Event> events;
      const ExitCode actual = inv::exit_code_of([&] { events = decide(command, item, pool_of(item)); });
      ASSERT_EQ(actual, expected.exit_code)
          << "run " << run << " step " << step << ": " << command_name(command) << " on "
          << ::testing::PrintToString(item);
      if (actual != ExitCode::ok) {
        ++rejected;
        continue;
      }
      ++accepted;
      ASSERT_EQ(events.size(), 1u);  // every command of SPEC §1 is one event
      Item next = item;
      for (const Event& event : events) {
        next = evolve(next, event);
      }
      ASSERT_EQ(next, expected.item)
          << "run " << run << " step " << step << ": " << command_name(command) << " on "
          << ::testing::PrintToString(item);
      ASSERT_TRUE(invariant(next)) << ::testing::PrintToString(next);
      ASSERT_TRUE(invariant_holds(next)) << ::testing::PrintToString(next);
      item = next;
    }
  }
  // The walk must exercise both sides of the rules.
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(rejected, 1000);
}

TEST(DecideProperty, NeverReturnsAnEmptyListOfEvents) {
  // decide() either throws or returns the events: it never returns an empty list for a command.
  std::mt19937_64 random(7);
  Item item = replay({ItemCreated{5, 5}});
  int returned = 0;
  for (int i = 0; i < 500; ++i) {
    const Command command = random_command(random);
    try {
      EXPECT_THAT(decide(command, item, pool_of(item)), ::testing::Not(IsEmpty()));
      ++returned;
    } catch (const Error&) {
    }
  }
  EXPECT_GT(returned, 50);
}

}  // namespace
}  // namespace inv::domain
