// `report movements` (SPEC §9) over random logs: each row's opening and closing equal what a
// replay of the log gives at the window's edges, each column equals the sum of the events it
// names, and opening + created + received + counted - shipped - sold - written_off = closing.
#include "inv/domain/movements.hpp"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "inv/domain/decide.hpp"
#include "inv/error.hpp"

namespace inv::domain {
namespace {

struct LoggedEvent {
  std::string sku;
  Event event;
};

// A random log made by decide(), as inv would append it: commands on a few SKUs, the rejected
// ones dropped.
std::vector<LoggedEvent> random_log(std::mt19937_64& random, int commands) {
  std::map<std::string, Item> items;
  std::vector<LoggedEvent> log;
  const auto pick = [&](std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
  };
  for (int i = 0; i < commands; ++i) {
    const std::string sku = "S" + std::to_string(pick(0, 7));
    Command command;
    switch (pick(0, 6)) {
      case 0:
        command = CreateItem{sku, pick(0, 50), std::nullopt};
        break;
      case 1:
        command = SetOnHand{sku, pick(0, 80)};
        break;
      case 2:
        command = AdjustStock{sku, pick(0, 1) != 0 ? pick(1, 40) : -pick(1, 10)};
        break;
      case 3:
        command = SetAvailable{sku, pick(0, 30)};
        break;
      case 4:
        command = ReserveStock{sku, pick(1, 10)};
        break;
      case 5:
        command = ReleaseReservation{sku, pick(1, 5)};
        break;
      default:
        command = CompleteReservation{sku, pick(1, 8)};
        break;
    }
    Item& item = items[sku];
    item.sku = sku;
    try {
      for (const Event& event : decide(command, item)) {
        item = evolve(item, event);
        log.push_back({sku, event});
      }
    } catch (const Error&) {
      // Rejected: appends nothing, as inv would.
    }
  }
  return log;
}

// on_hand of every SKU after the first `count` events of `log`, by evolve() alone.
std::map<std::string, std::int64_t> replay_on_hand(const std::vector<LoggedEvent>& log,
                                                   std::size_t count) {
  std::map<std::string, Item> items;
  for (std::size_t i = 0; i < count; ++i) {
    items[log[i].sku] = evolve(items[log[i].sku], log[i].event);
  }
  std::map<std::string, std::int64_t> on_hand;
  for (const auto& [sku, item] : items) {
    on_hand[sku] = item.on_hand;
  }
  return on_hand;
}

template <class T>
std::int64_t sum_of(const std::vector<LoggedEvent>& window, const std::string& sku,
                    std::int64_t (*amount)(const T&)) {
  std::int64_t sum = 0;
  for (const LoggedEvent& logged : window) {
    if (logged.sku == sku) {
      if (const T* event = std::get_if<T>(&logged.event)) {
        sum += amount(*event);
      }
    }
  }
  return sum;
}

TEST(Movements, AgreeWithAReplayOfRandomLogs) {
  std::mt19937_64 random(20261204);
  for (int round = 0; round < 200; ++round) {
    const std::vector<LoggedEvent> log = random_log(random, 300);
    const std::size_t from = std::uniform_int_distribution<std::size_t>(0, log.size())(random);
    const std::size_t to = std::uniform_int_distribution<std::size_t>(from, log.size())(random);
    const auto before = replay_on_hand(log, from);
    const auto after = replay_on_hand(log, to);
    const std::vector<LoggedEvent> window(log.begin() + static_cast<std::ptrdiff_t>(from),
                                          log.begin() + static_cast<std::ptrdiff_t>(to));

    std::map<std::string, Movements> rows;
    for (const LoggedEvent& logged : window) {
      auto row = rows.find(logged.sku);
      if (row == rows.end()) {
        const auto known = before.find(logged.sku);
        row = rows.emplace(logged.sku,
                           open_movements(logged.sku, known == before.end() ? 0 : known->second))
                  .first;
      }
      add_movement(row->second, logged.event);
    }

    for (const auto& [sku, row] : rows) {
      SCOPED_TRACE("round " + std::to_string(round) + ", " + sku);
      EXPECT_EQ(row.opening, before.contains(sku) ? before.at(sku) : 0);
      EXPECT_EQ(row.closing, after.at(sku));
      EXPECT_EQ(row.opening + row.created + row.received + row.counted - row.shipped - row.sold -
                    row.written_off,
                row.closing);
      EXPECT_EQ(row.created,
                sum_of<ItemCreated>(window, sku, [](const ItemCreated& e) { return e.on_hand; }));
      EXPECT_EQ(row.shipped, sum_of<ReservationCompleted>(
                                 window, sku, [](const ReservationCompleted& e) { return e.qty; }));
      EXPECT_EQ(row.received, sum_of<StockAdjusted>(window, sku, [](const StockAdjusted& e) {
                  return e.delta > 0 ? e.delta : std::int64_t{0};
                }));
      EXPECT_EQ(row.written_off, sum_of<StockAdjusted>(window, sku, [](const StockAdjusted& e) {
                  return e.delta < 0 ? -e.delta : std::int64_t{0};
                }));
      EXPECT_EQ(row.counted, sum_of<OnHandSet>(window, sku, [](const OnHandSet& e) {
                  return e.on_hand - e.previous;
                }));
      EXPECT_EQ(row.sold, 0);
    }
    // Every SKU with an event in the window has a row, and no other.
    for (const LoggedEvent& logged : window) {
      EXPECT_TRUE(rows.contains(logged.sku));
    }
  }
}

TEST(Movements, AnOverflowingSumIsRejected) {
  Movements row = open_movements("A", 0);
  add_movement(row, StockAdjusted{INT64_MAX, INT64_MAX, INT64_MAX});
  add_movement(row, OnHandSet{0, INT64_MAX, 0});
  try {
    add_movement(row, StockAdjusted{INT64_MAX, INT64_MAX, INT64_MAX});
    FAIL() << "received passed INT64_MAX";
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::rejected);
    EXPECT_EQ(error.code(), "overflow");
  }
}

}  // namespace
}  // namespace inv::domain
