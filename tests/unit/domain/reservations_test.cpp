// SPEC §8: open reservations per ref, drawn oldest first, and `since` of what is still open.
#include "inv/domain/reservations.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support.hpp"
#include "inv/domain/decide.hpp"

namespace inv::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* k_t1 = "2026-12-01T10:00:00.000000Z";
constexpr const char* k_t2 = "2026-12-01T11:00:00.000000Z";
constexpr const char* k_t3 = "2026-12-01T12:00:00.000000Z";

TEST(Lots, ADrawTakesTheOldestFirstAndSinceMovesOn) {
  std::vector<Lot> lots;
  open_lot(lots, 3, k_t1, 2);
  open_lot(lots, 5, k_t2, 4);
  Holding holding{"A", "order-7", lots};
  EXPECT_EQ(holding.qty(), 6);
  EXPECT_EQ(holding.since(), k_t1);
  draw_lots(holding.lots, 3, 9, k_t3);
  EXPECT_THAT(holding.lots, ElementsAre(Lot{5, k_t2, 3}));
  EXPECT_EQ(holding.since(), k_t2);
  draw_lots(holding.lots, 3, 10, k_t3);
  EXPECT_THAT(holding.lots, IsEmpty());
  EXPECT_EQ(holding.since(), "");
}

TEST(Lots, ADrawBeyondTheLotsIsADebtThatTheQuantityCarries) {
  // A v1 log may release from a ref more than it reserved (replay never re-validates).
  std::vector<Lot> lots;
  open_lot(lots, 3, k_t1, 1);
  draw_lots(lots, 3, 7, k_t2);
  EXPECT_THAT(lots, ElementsAre(Lot{7, k_t2, -2}));
  draw_lots(lots, 1, 8, k_t3);
  EXPECT_THAT(lots, ElementsAre(Lot{7, k_t2, -3}));
  open_lot(lots, 9, k_t3, 5);
  const Holding holding{"A", "", lots};
  EXPECT_EQ(holding.qty(), 2);
  EXPECT_EQ(holding.since(), k_t3) << "a debt is never the oldest open unit";
}

Holdings holdings(std::string own_ref, std::vector<Holding> all) {
  Holdings result;
  result.own = Holding{"A", own_ref, {}};
  for (const Holding& holding : all) {
    if (holding.ref == own_ref) {
      result.own = holding;
    }
  }
  result.all = std::move(all);
  return result;
}

Item reserved_item(std::int64_t reserved) {
  Item item;
  item.sku = "A";
  item = evolve(item, ItemCreated{20, 20});
  return evolve(item, StockReserved{reserved});
}

TEST(DecideByRef, AReleaseOrCompleteDrawsOnlyFromItsOwnRef) {
  const Item item = reserved_item(5);
  const std::vector<Holding> all = {{"A", "order-102", {{2, k_t1, 3}}},
                                    {"A", "", {{3, k_t2, 2}}}};
  EXPECT_THAT(decide(ReleaseReservation{"A", 3}, item, holdings("order-102", all)),
              ElementsAre(Event(ReservationReleased{3})));
  EXPECT_THAT(decide(CompleteReservation{"A", 2}, item, holdings("", all)),
              ElementsAre(Event(ReservationCompleted{2})));
  // order-103 never reserved anything: exit 3, saying what it holds and who does hold.
  const std::string message =
      message_of([&] { decide(ReleaseReservation{"A", 3}, item, holdings("order-103", all)); });
  EXPECT_THAT(message, HasSubstr("ref 'order-103' holds 0"));
  EXPECT_THAT(message, HasSubstr("'order-102' 3"));
  EXPECT_EQ(error_code_of([&] {
              decide(ReleaseReservation{"A", 3}, item, holdings("order-103", all));
            }),
            "insufficient_reserved");
  // Without --ref: the pool holds 2, and the message names the refs that hold reservations.
  const std::string pool =
      message_of([&] { decide(CompleteReservation{"A", 3}, item, holdings("", all)); });
  EXPECT_THAT(pool, HasSubstr("the unnamed pool holds 2"));
  EXPECT_THAT(pool, HasSubstr("'order-102' 3"));
  EXPECT_THAT(pool, HasSubstr("--ref"));
}

TEST(DecideByRef, NeverDrawsMoreThanTheItemHasReserved) {
  // A ref that holds more than `reserved` (a v1 log's pool in debt) still cannot take it below 0.
  const Item item = reserved_item(1);
  const std::vector<Holding> all = {{"A", "order-1", {{2, k_t1, 3}}}, {"A", "", {{3, k_t2, -2}}}};
  EXPECT_EQ(error_code_of([&] {
              decide(ReleaseReservation{"A", 3}, item, holdings("order-1", all));
            }),
            "insufficient_reserved");
}

TEST(Sell, TakesFromAvailableAndOnHandWithoutAReservation) {
  const Item item = reserved_item(5);  // on_hand 20, reserved 5, available 15
  EXPECT_THAT(decide(SellStock{"A", 15}, item), ElementsAre(Event(StockSold{15})));
  const Item sold = evolve(item, StockSold{4});
  EXPECT_EQ(sold.on_hand, 16);
  EXPECT_EQ(sold.available, 11);
  EXPECT_EQ(sold.reserved, 5);
  EXPECT_EQ(error_code_of([&] { decide(SellStock{"A", 16}, item); }), "insufficient_available");
  EXPECT_EQ(exit_code_of([&] { decide(SellStock{"B", 1}, Item{"B"}); }), ExitCode::not_found);
}

TEST(Retire, NeedsNothingOnHandOrReservedAndThenRefusesEveryWrite) {
  Item item;
  item.sku = "A";
  item = evolve(item, ItemCreated{3, 3});
  EXPECT_EQ(error_code_of([&] { decide(RetireItem{"A"}, item); }), "item_not_empty");
  item = evolve(item, StockAdjusted{-3, 0, 0});
  EXPECT_THAT(decide(RetireItem{"A"}, item), ElementsAre(Event(ItemRetired{})));
  const Item retired = evolve(item, ItemRetired{});
  EXPECT_TRUE(retired.retired);
  EXPECT_EQ(retired.version, 3);
  for (const Command& command :
       std::vector<Command>{SetOnHand{"A", 1}, AdjustStock{"A", 1}, SetAvailable{"A", 0},
                            ReserveStock{"A", 1}, ReleaseReservation{"A", 1},
                            CompleteReservation{"A", 1}, SellStock{"A", 1}, RetireItem{"A"}}) {
    EXPECT_EQ(error_code_of([&] { decide(command, retired); }), "item_retired")
        << command_name(command);
    EXPECT_EQ(exit_code_of([&] { decide(command, retired); }), ExitCode::rejected);
  }
  EXPECT_EQ(error_code_of([&] { decide(CreateItem{"A", 1, std::nullopt}, retired); }),
            "item_exists");
}

TEST(Held, IsWhatIsNeitherReservedNorAvailable) {
  Item item;
  item = evolve(item, ItemCreated{10, 10});
  item = evolve(item, StockReserved{3});
  item = evolve(item, AvailableSet{5, 7});
  EXPECT_EQ(item.held(), 2);
}

}  // namespace
}  // namespace inv::domain
