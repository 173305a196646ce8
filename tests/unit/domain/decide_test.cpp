#include "inv/domain/decide.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inv/error.hpp"

namespace inv::domain {
namespace {

using ::testing::ElementsAre;

Item replay(const std::vector<Event>& events) {
  Item item;
  item.sku = "A-1";
  for (const Event& event : events) {
    item = evolve(item, event);
  }
  return item;
}

ExitCode exit_code_of(const Command& command, const Item& item) {
  try {
    decide(command, item);
  } catch (const Error& error) {
    return error.exit_code();
  }
  return ExitCode::ok;
}

TEST(Reserve, TakesExactlyWhatIsAvailable) {
  const Item item = replay({ItemCreated{10, 4}});
  EXPECT_THAT(decide(ReserveStock{"A-1", 4}, item), ElementsAre(Event(StockReserved{4})));
  EXPECT_EQ(exit_code_of(ReserveStock{"A-1", 5}, item), ExitCode::rejected);
}

}  // namespace
}  // namespace inv::domain
