// SPEC §9: reorder points. set-reorder appends ReorderPointSet {"reorder_point":N}, which moves no
// stock; an item is low when its available is at or below its reorder point, never without one.
#include <cstdint>
#include <limits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support.hpp"
#include "inv/domain/decide.hpp"
#include "inv/domain/movements.hpp"

namespace inv::domain {
namespace {

using ::testing::ElementsAre;

// On hand 10, reserved 3, available 7, at version 2.
Item ten_reserved_three() {
  Item item;
  item.sku = "A";
  item = evolve(item, ItemCreated{10, 10});
  return evolve(item, StockReserved{3});
}

TEST(SetReorderPoint, AppendsReorderPointSetWithN) {
  const Item item = ten_reserved_three();
  EXPECT_THAT(decide(SetReorderPoint{"A", 5}, item), ElementsAre(Event(ReorderPointSet{5})));
  EXPECT_THAT(decide(SetReorderPoint{"A", 0}, item), ElementsAre(Event(ReorderPointSet{0})));
  constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
  EXPECT_THAT(decide(SetReorderPoint{"A", k_max}, item),
              ElementsAre(Event(ReorderPointSet{k_max})));
}

TEST(SetReorderPoint, SettingTheSameValueAgainIsStillAppended) {
  // As set-soh and set-available append an unchanged value: a confirmation is a fact.
  const Item item = evolve(ten_reserved_three(), ReorderPointSet{5});
  EXPECT_THAT(decide(SetReorderPoint{"A", 5}, item), ElementsAre(Event(ReorderPointSet{5})));
}

TEST(SetReorderPoint, NeedsAnExistingItemThatIsNotRetired) {
  Item missing;
  missing.sku = "A";
  EXPECT_EQ(exit_code_of([&] { decide(SetReorderPoint{"A", 1}, missing); }), ExitCode::not_found);
  EXPECT_EQ(error_code_of([&] { decide(SetReorderPoint{"A", 1}, missing); }), "item_not_found");
  Item retired;
  retired.sku = "A";
  retired = evolve(evolve(retired, ItemCreated{0, 0}), ItemRetired{});
  EXPECT_EQ(error_code_of([&] { decide(SetReorderPoint{"A", 1}, retired); }), "item_retired");
  EXPECT_EQ(exit_code_of([&] { decide(SetReorderPoint{"A", 1}, retired); }), ExitCode::rejected);
}

TEST(Evolve, ReorderPointSetKeepsTheStockAndCountsAsAVersion) {
  const Item before = ten_reserved_three();
  EXPECT_EQ(before.reorder_point, std::nullopt) << "never set: none";
  const Item after = evolve(before, ReorderPointSet{4});
  EXPECT_EQ(after.reorder_point, std::optional<std::int64_t>(4));
  EXPECT_EQ(after.on_hand, 10);
  EXPECT_EQ(after.reserved, 3);
  EXPECT_EQ(after.available, 7);
  EXPECT_EQ(after.version, 3);
  EXPECT_EQ(evolve(after, ReorderPointSet{0}).reorder_point, std::optional<std::int64_t>(0));
  // Later stock events keep it.
  EXPECT_EQ(evolve(after, StockReserved{2}).reorder_point, std::optional<std::int64_t>(4));
}

TEST(Low, IsAvailableAtOrBelowTheReorderPointAndNeverWithoutOne) {
  Item item = ten_reserved_three();  // available 7
  EXPECT_FALSE(item.low());
  EXPECT_FALSE(evolve(item, ReorderPointSet{6}).low());
  EXPECT_TRUE(evolve(item, ReorderPointSet{7}).low());
  EXPECT_TRUE(evolve(item, ReorderPointSet{8}).low());
  item = evolve(item, StockReserved{7});  // available 0
  EXPECT_FALSE(item.low()) << "no reorder point: never low, even with nothing available";
  EXPECT_TRUE(evolve(item, ReorderPointSet{0}).low());
}

TEST(IsOutcomeOf, ReorderPointSetIsTheOutcomeOfTheSameN) {
  EXPECT_TRUE(is_outcome_of(SetReorderPoint{"A", 5}, ReorderPointSet{5}));
  EXPECT_FALSE(is_outcome_of(SetReorderPoint{"A", 5}, ReorderPointSet{6}));
  EXPECT_FALSE(is_outcome_of(SetAvailable{"A", 5}, ReorderPointSet{5}));
  EXPECT_TRUE(is_command_of("set-reorder", ReorderPointSet{5}));
  EXPECT_FALSE(is_command_of("set-available", ReorderPointSet{5}));
  EXPECT_EQ(command_name(SetReorderPoint{"A", 5}), "set-reorder");
  EXPECT_EQ(event_type_of_command("set-reorder"),
            std::optional<std::string_view>("ReorderPointSet"));
  EXPECT_EQ(type_name(ReorderPointSet{1}), "ReorderPointSet");
}

TEST(InvariantHolds, RefusesANegativeReorderPoint) {
  Item item = ten_reserved_three();
  item.reorder_point = 0;
  EXPECT_TRUE(invariant_holds(item));
  item.reorder_point = -1;  // only a damaged or forged log can fold to it
  EXPECT_FALSE(invariant_holds(item));
}

TEST(Movements, AReorderPointMovesNoStock) {
  Movements row = open_movements("A", 10);
  add_movement(row, ReorderPointSet{50});
  EXPECT_EQ(row.opening, 10);
  EXPECT_EQ(row.closing, 10);
  EXPECT_EQ(row.created + row.received + row.counted + row.shipped + row.sold + row.written_off, 0);
}

}  // namespace
}  // namespace inv::domain
