#include "inv/app/query_service.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../store_support.hpp"
#include "../support.hpp"
#include "inv/app/command_service.hpp"
#include "inv/error.hpp"
#include "inv/store/sqlite_event_store.hpp"
#include "inv/util/time.hpp"

// The read use cases against SPEC §3 (show, list by prefix, history filters) and SPEC §7
// (history of an unknown SKU is exit 4; queries never create a database).

namespace inv::app {
namespace {

using domain::CreateItem;
using domain::ReserveStock;
using store::Access;
using store::HistoryFilter;
using store::RecordedEvent;
using store::SqliteStore;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class QueryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir.emplace();
    SqliteStore writer(db_path(), Access::write, 0);
    CommandService commands(writer);
    WriteOptions options;
    options.metadata.actor = "tester";
    commands.execute(CreateItem{"A-1", 10, std::nullopt}, options);  // position 1
    commands.execute(CreateItem{"B-1", 5, std::nullopt}, options);   // position 2
    commands.execute(ReserveStock{"A-1", 3}, options);               // position 3
  }
  void TearDown() override { m_dir.reset(); }

  std::filesystem::path db_path() const { return *m_dir / "inventory.db"; }

 private:
  std::optional<test::TempDir> m_dir;
};

std::vector<std::int64_t> history_positions(QueryService& queries, const HistoryFilter& filter) {
  std::vector<std::int64_t> positions;
  queries.history(filter, [&](const RecordedEvent& event) { positions.push_back(event.position); });
  return positions;
}

HistoryFilter of_sku(std::string sku) {
  HistoryFilter filter;
  filter.sku = std::move(sku);
  return filter;
}

TEST_F(QueryServiceTest, HistoryOfAnUnknownSkuIsNotFound) {
  SqliteStore reader(db_path(), Access::read, 0);
  QueryService queries(reader);
  int visited = 0;
  EXPECT_EQ(exit_code_of(
                [&] { queries.history(of_sku("C-1"), [&](const RecordedEvent&) { ++visited; }); }),
            ExitCode::not_found);
  EXPECT_EQ(error_code_of([&] { queries.history(of_sku("a-1"), [](const RecordedEvent&) {}); }),
            "item_not_found");
  EXPECT_EQ(visited, 0);
}

TEST_F(QueryServiceTest, HistoryOfAKnownSkuListsItsEvents) {
  SqliteStore reader(db_path(), Access::read, 0);
  QueryService queries(reader);
  EXPECT_THAT(history_positions(queries, of_sku("A-1")), ElementsAre(1, 3));
  HistoryFilter after_head = of_sku("A-1");
  after_head.after_position = 3;
  EXPECT_THAT(history_positions(queries, after_head), IsEmpty());
  EXPECT_THAT(history_positions(queries, HistoryFilter{}), ElementsAre(1, 2, 3));
}

TEST_F(QueryServiceTest, ShowReturnsTheCurrentStateOrNotFound) {
  SqliteStore reader(db_path(), Access::read, 0);
  QueryService queries(reader);
  const domain::Item item = queries.show("A-1");
  EXPECT_EQ(item.on_hand, 10);
  EXPECT_EQ(item.reserved, 3);
  EXPECT_EQ(item.available, 7);
  EXPECT_EQ(item.version, 2);
  EXPECT_EQ(exit_code_of([&] { queries.show("C-1"); }), ExitCode::not_found);
  EXPECT_EQ(exit_code_of([&] { queries.show("a-1"); }), ExitCode::not_found);
}

TEST_F(QueryServiceTest, ListAndHead) {
  SqliteStore reader(db_path(), Access::read, 0);
  QueryService queries(reader);
  std::vector<std::string> skus;
  for (const domain::Item& item : queries.list("")) {
    skus.push_back(item.sku);
  }
  EXPECT_THAT(skus, ElementsAre("A-1", "B-1"));
  EXPECT_EQ(queries.list("B").size(), 1u);
  EXPECT_THAT(queries.list("C"), IsEmpty());
  EXPECT_EQ(queries.head().position, 3);
  EXPECT_EQ(queries.stats().events, 3);
}

TEST_F(QueryServiceTest, ShowAtVersionReplaysTheItemOrIsNotFound) {
  SqliteStore reader(db_path(), Access::read, 0);
  QueryService queries(reader);
  const domain::Item first = queries.show_at_version("A-1", 1);
  EXPECT_EQ(first.on_hand, 10);
  EXPECT_EQ(first.reserved, 0);
  EXPECT_EQ(first.available, 10);
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(queries.show_at_version("A-1", 2), queries.show("A-1"));
  // SPEC §7: --at-version beyond the item's version is exit 4.
  EXPECT_EQ(exit_code_of([&] { queries.show_at_version("A-1", 3); }), ExitCode::not_found);
  EXPECT_EQ(exit_code_of([&] { queries.show_at_version("C-1", 1); }), ExitCode::not_found);
}

TEST_F(QueryServiceTest, ShowAsOfCountsEventsAtOrBeforeTheTime) {
  SqliteStore reader(db_path(), Access::read, 0);
  QueryService queries(reader);
  std::vector<RecordedEvent> events;
  queries.history(HistoryFilter{}, [&](const RecordedEvent& event) { events.push_back(event); });
  ASSERT_EQ(events.size(), 3u);
  const auto created_at = util::parse_time(events[0].recorded_at);
  ASSERT_TRUE(created_at.has_value());

  // At the very instant of the creation: it counts.
  const domain::Item then = queries.show_as_of("A-1", events[0].recorded_at);
  EXPECT_EQ(then.version, 1);
  EXPECT_EQ(then.reserved, 0);
  // Now: everything counts.
  EXPECT_EQ(queries.show_as_of("A-1", util::format_rfc3339_micros(util::now_micros())),
            queries.show("A-1"));
  // SPEC §7: --as-of before the item existed is exit 4.
  EXPECT_EQ(exit_code_of(
                [&] { queries.show_as_of("A-1", util::format_rfc3339_micros(*created_at - 1)); }),
            ExitCode::not_found);
  EXPECT_THAT(queries.list_as_of(util::format_rfc3339_micros(*created_at - 1), ""), IsEmpty());
  EXPECT_EQ(queries.list_as_of(util::format_rfc3339_micros(util::now_micros()), "").size(), 2u);
}

TEST(QueryServiceEmpty, AnEmptyLogHasNoHistoryAndAGenesisHead) {
  test::TempDir dir;
  const auto path = dir / "inventory.db";
  ASSERT_TRUE(store::initialize_database(path, 0));
  SqliteStore reader(path, Access::read, 0);
  QueryService queries(reader);
  EXPECT_THAT(history_positions(queries, HistoryFilter{}), IsEmpty());
  EXPECT_EQ(exit_code_of([&] { queries.history(of_sku("A-1"), [](const RecordedEvent&) {}); }),
            ExitCode::not_found);
  EXPECT_EQ(queries.head().position, 0);
  EXPECT_EQ(queries.head().hash, std::string(64, '0'));
  EXPECT_THAT(queries.list(""), IsEmpty());
}

}  // namespace
}  // namespace inv::app
