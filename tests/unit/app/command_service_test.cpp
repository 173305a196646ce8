#include "inv/app/command_service.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../store_support.hpp"
#include "../support.hpp"
#include "inv/error.hpp"
#include "inv/store/sqlite_event_store.hpp"

// The write use case against SPEC §3 (--expect-version, --dry-run), SPEC §7 (0 means "must not
// exist", N > 0 on a missing item is exit 5, the order of checks: --expect-version, then existence
// of the item, then the business rules) and SPEC §2/§6 (one command, one transaction, or nothing).

namespace inv::app {
namespace {

using domain::AdjustStock;
using domain::Command;
using domain::CompleteReservation;
using domain::CreateItem;
using domain::Item;
using domain::ReleaseReservation;
using domain::ReserveStock;
using domain::SetAvailable;
using domain::SetOnHand;
using store::Access;
using store::SqliteStore;
using ::testing::ElementsAre;

WriteOptions options(std::optional<std::int64_t> expect_version = std::nullopt,
                     bool dry_run = false) {
  WriteOptions result;
  result.expect_version = expect_version;
  result.dry_run = dry_run;
  result.metadata.actor = "tester";
  return result;
}

class CommandServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir.emplace();
    m_store.emplace(db_path(), Access::write, 0);
    m_service.emplace(*m_store);
  }
  void TearDown() override {
    m_service.reset();
    m_store.reset();
    m_dir.reset();
  }

  std::filesystem::path db_path() const { return *m_dir / "inventory.db"; }
  SqliteStore& store() { return *m_store; }
  CommandService& service() { return *m_service; }

  WriteResult execute(const Command& command, const WriteOptions& write_options = options()) {
    return service().execute(command, write_options);
  }

  ExitCode exit_code(const Command& command, const WriteOptions& write_options = options()) {
    return exit_code_of([&] { execute(command, write_options); });
  }

  std::string error_code(const Command& command, const WriteOptions& write_options = options()) {
    return error_code_of([&] { execute(command, write_options); });
  }

  std::int64_t head() { return test::head_of(store()).position; }

 private:
  std::optional<test::TempDir> m_dir;
  std::optional<SqliteStore> m_store;
  std::optional<CommandService> m_service;
};

// ---- results ------------------------------------------------------------------------------------

TEST_F(CommandServiceTest, ReturnsTheItemAfterTheCommandAndItsEvents) {
  const WriteResult created = execute(CreateItem{"A-1", 10, 8});
  EXPECT_FALSE(created.dry_run);
  EXPECT_FALSE(created.duplicate);
  ASSERT_EQ(created.events.size(), 1u);
  EXPECT_EQ(created.events[0].type(), "ItemCreated");
  EXPECT_EQ(created.events[0].position, 1);
  EXPECT_EQ(created.item.sku, "A-1");
  EXPECT_EQ(created.item.on_hand, 10);
  EXPECT_EQ(created.item.available, 8);
  EXPECT_EQ(created.item.version, 1);

  const WriteResult reserved = execute(ReserveStock{"A-1", 3});
  ASSERT_EQ(reserved.events.size(), 1u);
  EXPECT_EQ(reserved.events[0].data, R"({"qty":3})");
  EXPECT_EQ(reserved.item.reserved, 3);
  EXPECT_EQ(reserved.item.available, 5);
  EXPECT_EQ(reserved.item.version, 2);
  EXPECT_EQ(reserved.item.updated_at, reserved.events[0].recorded_at);
  EXPECT_EQ(test::find_item(store(), "A-1"), std::optional<Item>(reserved.item));
}

TEST_F(CommandServiceTest, RecordsTheMetadata) {
  WriteOptions write_options = options();
  write_options.metadata.actor = "alice";
  write_options.metadata.ref = "order-7";
  write_options.metadata.note = "first order";
  const WriteResult result = execute(SetOnHand{"A-1", 4}, write_options);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].metadata.actor, "alice");
  EXPECT_EQ(result.events[0].metadata.ref, std::optional<std::string>("order-7"));
  EXPECT_EQ(result.events[0].metadata.note, std::optional<std::string>("first order"));
  EXPECT_EQ(result.events[0].metadata.idempotency_key, std::nullopt);
}

TEST_F(CommandServiceTest, ARejectedCommandAppendsNothing) {
  execute(CreateItem{"A-1", 5, std::nullopt});
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 6}), ExitCode::rejected);
  EXPECT_EQ(exit_code(ReleaseReservation{"A-1", 1}), ExitCode::rejected);
  EXPECT_EQ(exit_code(CompleteReservation{"A-1", 1}), ExitCode::rejected);
  EXPECT_EQ(exit_code(SetAvailable{"A-1", 6}), ExitCode::rejected);
  EXPECT_EQ(exit_code(AdjustStock{"A-1", -6}), ExitCode::rejected);
  EXPECT_EQ(exit_code(ReserveStock{"B-1", 1}), ExitCode::not_found);
  EXPECT_EQ(exit_code(CreateItem{"A-1", 1, std::nullopt}), ExitCode::conflict);
  EXPECT_EQ(head(), 1);
  EXPECT_EQ(test::find_item(store(), "A-1")->version, 1);
  EXPECT_EQ(test::find_item(store(), "B-1"), std::nullopt);
}

// ---- --expect-version ---------------------------------------------------------------------------

TEST_F(CommandServiceTest, ExpectVersionZeroOnAMissingItemPasses) {
  const WriteResult result = execute(CreateItem{"A-1", 3, std::nullopt}, options(0));
  EXPECT_EQ(result.item.version, 1);
  EXPECT_EQ(execute(SetOnHand{"B-1", 3}, options(0)).item.version, 1);
  EXPECT_EQ(head(), 2);
}

TEST_F(CommandServiceTest, ExpectVersionZeroOnAnExistingItemIsAConflict) {
  execute(CreateItem{"A-1", 3, std::nullopt});
  EXPECT_EQ(exit_code(SetOnHand{"A-1", 5}, options(0)), ExitCode::conflict);
  EXPECT_EQ(error_code(SetOnHand{"A-1", 5}, options(0)), "version_conflict");
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1}, options(0)), ExitCode::conflict);
  EXPECT_EQ(head(), 1);
  EXPECT_EQ(test::find_item(store(), "A-1")->on_hand, 3);
}

TEST_F(CommandServiceTest, ExpectVersionAboveZeroOnAMissingItemIsAConflict) {
  // SPEC §7: exit 5, not 4, and set-soh does not create the item.
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1}, options(1)), ExitCode::conflict);
  EXPECT_EQ(error_code(ReserveStock{"A-1", 1}, options(1)), "version_conflict");
  EXPECT_EQ(exit_code(AdjustStock{"A-1", 1}, options(3)), ExitCode::conflict);
  EXPECT_EQ(exit_code(SetOnHand{"A-1", 5}, options(1)), ExitCode::conflict);
  EXPECT_EQ(exit_code(CreateItem{"A-1", 5, std::nullopt}, options(1)), ExitCode::conflict);
  EXPECT_EQ(head(), 0);
  EXPECT_EQ(test::find_item(store(), "A-1"), std::nullopt);
}

TEST_F(CommandServiceTest, AStaleExpectVersionIsAConflict) {
  execute(CreateItem{"A-1", 10, std::nullopt});
  execute(ReserveStock{"A-1", 2});  // version 2
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1}, options(1)), ExitCode::conflict);
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1}, options(3)), ExitCode::conflict);
  EXPECT_EQ(error_code(ReserveStock{"A-1", 1}, options(1)), "version_conflict");
  EXPECT_EQ(head(), 2);
  const WriteResult result = execute(ReserveStock{"A-1", 1}, options(2));
  EXPECT_EQ(result.item.version, 3);
  EXPECT_EQ(result.item.reserved, 3);
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1}, options(2)), ExitCode::conflict);
}

TEST_F(CommandServiceTest, ChecksExpectVersionBeforeExistence) {
  // A missing item with a wrong expectation: the version check speaks first (5, not 4).
  EXPECT_EQ(exit_code(AdjustStock{"A-1", -1}, options(2)), ExitCode::conflict);
  EXPECT_EQ(exit_code(CompleteReservation{"A-1", 1}, options(7)), ExitCode::conflict);
  // Create on an existing item: a wrong expectation is a version conflict; a right one gets past
  // the version check to the existence check.
  execute(CreateItem{"A-1", 1, std::nullopt});
  EXPECT_EQ(error_code(CreateItem{"A-1", 1, std::nullopt}, options(0)), "version_conflict");
  EXPECT_EQ(error_code(CreateItem{"A-1", 1, std::nullopt}, options(1)), "item_exists");
  EXPECT_EQ(exit_code(CreateItem{"A-1", 1, std::nullopt}, options(1)), ExitCode::conflict);
}

TEST_F(CommandServiceTest, ChecksExpectVersionBeforeTheBusinessRules) {
  execute(CreateItem{"A-1", 5, std::nullopt});
  // Both stale and beyond what is available: the conflict is reported.
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 100}, options(4)), ExitCode::conflict);
  EXPECT_EQ(exit_code(SetAvailable{"A-1", 100}, options(0)), ExitCode::conflict);
  // With the right version, the rule speaks.
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 100}, options(1)), ExitCode::rejected);
  EXPECT_EQ(error_code(ReserveStock{"A-1", 100}, options(1)), "insufficient_available");
  EXPECT_EQ(head(), 1);
}

TEST_F(CommandServiceTest, ChecksExistenceBeforeTheBusinessRules) {
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1'000'000}), ExitCode::not_found);
  EXPECT_EQ(exit_code(ReleaseReservation{"A-1", 1'000'000}), ExitCode::not_found);
  EXPECT_EQ(exit_code(SetAvailable{"A-1", 1'000'000}), ExitCode::not_found);
}

// ---- --idempotency-key -------------------------------------------------------------------------

WriteOptions keyed(std::string key, std::optional<std::int64_t> expect_version = std::nullopt,
                   std::optional<std::string> ref = std::nullopt) {
  WriteOptions result = options(expect_version);
  result.metadata.idempotency_key = std::move(key);
  result.metadata.ref = std::move(ref);
  return result;
}

TEST_F(CommandServiceTest, ARetryWithTheSameKeyAppendsNothingAndReportsTheOriginal) {
  execute(CreateItem{"A-1", 10, std::nullopt});
  const WriteResult first = execute(ReserveStock{"A-1", 2}, keyed("k-1", std::nullopt, "o-7"));
  EXPECT_FALSE(first.duplicate);
  const WriteResult again = execute(ReserveStock{"A-1", 2}, keyed("k-1", std::nullopt, "o-7"));
  EXPECT_TRUE(again.duplicate);
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].position, first.events.at(0).position);
  EXPECT_EQ(again.events[0].hash, first.events.at(0).hash);
  EXPECT_EQ(again.item.reserved, 2);
  EXPECT_EQ(again.item.version, 2);
  EXPECT_EQ(head(), 2);
  EXPECT_EQ(test::find_item(store(), "A-1")->reserved, 2);
}

TEST_F(CommandServiceTest, ADuplicateWinsOverAStaleExpectVersion) {
  // SPEC §7: the idempotency key is checked first; a duplicate exits 0 even if its
  // --expect-version has since gone stale.
  execute(CreateItem{"A-1", 10, std::nullopt});
  execute(ReserveStock{"A-1", 2}, keyed("k-1", 1));
  execute(ReserveStock{"A-1", 1});  // the item moves on to version 3
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 2}, keyed("k-1", 1)), ExitCode::ok);
  EXPECT_TRUE(execute(ReserveStock{"A-1", 2}, keyed("k-1", 1)).duplicate);
  EXPECT_EQ(head(), 3);
}

TEST_F(CommandServiceTest, AKeyReusedForAnotherCommandIsAConflict) {
  execute(CreateItem{"A-1", 10, std::nullopt});
  execute(CreateItem{"B-1", 10, std::nullopt});
  execute(ReserveStock{"A-1", 2}, keyed("k-1", std::nullopt, "o-7"));
  // Another quantity, SKU, ref or command name (SPEC §7: "the same command").
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 3}, keyed("k-1", std::nullopt, "o-7")),
            ExitCode::conflict);
  EXPECT_EQ(exit_code(ReserveStock{"B-1", 2}, keyed("k-1", std::nullopt, "o-7")),
            ExitCode::conflict);
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 2}, keyed("k-1", std::nullopt, "o-8")),
            ExitCode::conflict);
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 2}, keyed("k-1")), ExitCode::conflict);
  EXPECT_EQ(exit_code(ReleaseReservation{"A-1", 2}, keyed("k-1", std::nullopt, "o-7")),
            ExitCode::conflict);
  EXPECT_EQ(head(), 3);
  // The key is checked before the item's existence and the rules.
  EXPECT_EQ(exit_code(ReserveStock{"Z-9", 1000}, keyed("k-1", std::nullopt, "o-7")),
            ExitCode::conflict);
}

// ---- --dry-run ----------------------------------------------------------------------------------

TEST_F(CommandServiceTest, DryRunReportsTheOutcomeAndAppendsNothing) {
  execute(CreateItem{"A-1", 10, std::nullopt});
  const std::string head_hash = test::head_of(store()).hash;
  const WriteResult result = execute(ReserveStock{"A-1", 4}, options(std::nullopt, true));
  EXPECT_TRUE(result.dry_run);
  ASSERT_EQ(result.events.size(), 1u);
  EXPECT_EQ(result.events[0].position, 2);
  EXPECT_EQ(result.events[0].version, 2);
  EXPECT_EQ(result.events[0].prev_hash, head_hash);
  EXPECT_EQ(result.item.reserved, 4);
  EXPECT_EQ(result.item.available, 6);
  EXPECT_EQ(result.item.version, 2);

  EXPECT_EQ(head(), 1);
  EXPECT_EQ(test::head_of(store()).hash, head_hash);
  EXPECT_EQ(test::find_item(store(), "A-1")->reserved, 0);
  EXPECT_EQ(test::find_item(store(), "A-1")->version, 1);
  // The next real command takes the position the dry run showed.
  EXPECT_EQ(execute(ReserveStock{"A-1", 4}).events.at(0).position, 2);
}

TEST_F(CommandServiceTest, DryRunFailsAsTheRealCommandWould) {
  execute(CreateItem{"A-1", 10, std::nullopt});
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 11}, options(std::nullopt, true)), ExitCode::rejected);
  EXPECT_EQ(exit_code(ReserveStock{"B-1", 1}, options(std::nullopt, true)), ExitCode::not_found);
  EXPECT_EQ(exit_code(ReserveStock{"A-1", 1}, options(5, true)), ExitCode::conflict);
  EXPECT_EQ(head(), 1);
}

TEST(CommandServiceDryRun, NeverCreatesADatabase) {
  test::TempDir dir;
  const auto path = dir / "inventory.db";
  {
    SqliteStore dry(path, Access::dry_run, 0);
    CommandService service(dry);
    const WriteResult result = service.execute(SetOnHand{"A-1", 7}, options(0, true));
    EXPECT_TRUE(result.dry_run);
    EXPECT_EQ(result.item.on_hand, 7);
    EXPECT_EQ(result.item.version, 1);
    ASSERT_EQ(result.events.size(), 1u);
    EXPECT_EQ(result.events[0].type(), "ItemCreated");
    EXPECT_EQ(exit_code_of([&] {
                service.execute(ReserveStock{"A-1", 1}, options(0, true));
              }),
              ExitCode::not_found);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// ---- concurrency --------------------------------------------------------------------------------

TEST(CommandServiceConcurrency, WritersOnOneFileNeverOversellNorLeaveGaps) {
  test::TempDir dir;
  const auto path = dir / "inventory.db";
  constexpr int k_available = 30;
  constexpr int k_threads = 4;
  constexpr int k_attempts = 20;
  {
    SqliteStore store(path, Access::write, 5000);
    CommandService(store).execute(CreateItem{"A-1", k_available, std::nullopt}, options());
  }
  std::atomic<int> reserved{0};
  std::atomic<int> rejected{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&] {
      try {
        SqliteStore store(path, Access::write, 30'000);
        CommandService service(store);
        for (int i = 0; i < k_attempts; ++i) {
          try {
            service.execute(ReserveStock{"A-1", 1}, options());
            ++reserved;
          } catch (const Error& error) {
            ++(error.exit_code() == ExitCode::rejected ? rejected : other);
          }
        }
      } catch (...) {
        ++other;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(reserved.load(), k_available);
  EXPECT_EQ(rejected.load(), k_threads * k_attempts - k_available);

  SqliteStore store(path, Access::read, 5000);
  const auto item = test::find_item(store, "A-1");
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->reserved, k_available);
  EXPECT_EQ(item->available, 0);
  EXPECT_EQ(item->version, k_available + 1);
  std::vector<std::int64_t> positions;
  test::history_of(store, [&](const store::RecordedEvent& event) {
    positions.push_back(event.position);
    EXPECT_EQ(event.version, event.position);
  });
  ASSERT_EQ(positions.size(), static_cast<std::size_t>(k_available + 1));
  for (std::size_t i = 0; i < positions.size(); ++i) {
    EXPECT_EQ(positions[i], static_cast<std::int64_t>(i) + 1);
  }
}

}  // namespace
}  // namespace inv::app
