#include "inv/store/sqlite_event_store.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../support.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/schema.hpp"
#include "inv/util/time.hpp"

// The SQLite event store against SPEC §2 (positions, versions, hash chain, file identity),
// SPEC §3/§7 (queries never create a database; history filters; list in byte order),
// SPEC §5/§7 (exit 4 for a missing database, 6 for a foreign or newer file, 7 for a lock) and
// SPEC §6 (one transaction or nothing; read models and snapshots are caches of the log).

namespace inv::store {
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
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;

constexpr int k_no_wait = 0;

EventMetadata by(std::string actor) {
  EventMetadata metadata;
  metadata.actor = std::move(actor);
  return metadata;
}

// One command as the application runs it: load, decide, append, commit.
std::vector<RecordedEvent> run(EventStore& store, const Command& command,
                               const EventMetadata& metadata = by("tester")) {
  auto session = store.begin_write();
  const Item item = session->load(domain::sku_of(command));
  auto recorded = session->append(item, domain::decide(command, item), metadata);
  session->commit();
  return recorded;
}

std::vector<RecordedEvent> history(EventStore& store, const HistoryFilter& filter = {}) {
  std::vector<RecordedEvent> events;
  store.history(filter, [&](const RecordedEvent& event) { events.push_back(event); });
  return events;
}

std::vector<std::int64_t> positions(const std::vector<RecordedEvent>& events) {
  std::vector<std::int64_t> result;
  for (const RecordedEvent& event : events) {
    result.push_back(event.position);
  }
  return result;
}

std::vector<std::string> skus(const std::vector<Item>& items) {
  std::vector<std::string> result;
  for (const Item& item : items) {
    result.push_back(item.sku);
  }
  return result;
}

void expect_same_event(const RecordedEvent& actual, const RecordedEvent& expected) {
  EXPECT_EQ(actual.position, expected.position);
  EXPECT_EQ(actual.sku, expected.sku);
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_EQ(actual.event, expected.event);
  EXPECT_EQ(actual.data, expected.data);
  EXPECT_EQ(actual.recorded_at, expected.recorded_at);
  EXPECT_EQ(actual.metadata.actor, expected.metadata.actor);
  EXPECT_EQ(actual.metadata.ref, expected.metadata.ref);
  EXPECT_EQ(actual.metadata.note, expected.metadata.note);
  EXPECT_EQ(actual.metadata.idempotency_key, expected.metadata.idempotency_key);
  EXPECT_EQ(actual.prev_hash, expected.prev_hash);
  EXPECT_EQ(actual.hash, expected.hash);
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// Creates an SQLite file at `path` with the sqlite3 C API and runs `sql` in it.
void make_sqlite_file(const std::filesystem::path& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class SqliteEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { m_dir.emplace(); }
  void TearDown() override {
    const std::filesystem::path dir = m_dir->path();
    m_dir.reset();
    EXPECT_FALSE(std::filesystem::exists(dir));
  }

  std::filesystem::path db_path() const { return *m_dir / "inventory.db"; }
  const std::filesystem::path& dir() const { return m_dir->path(); }

  // Every access but read must refuse the file at db_path() with `exit_code`, and leave it as is.
  void expect_refused_by_every_access(ExitCode exit_code) {
    const std::string before = read_bytes(db_path());
    EXPECT_EQ(exit_code_of([&] { SqliteEventStore(db_path(), Access::read, k_no_wait); }),
              exit_code);
    EXPECT_EQ(exit_code_of([&] { SqliteEventStore(db_path(), Access::write, k_no_wait); }),
              exit_code);
    EXPECT_EQ(exit_code_of([&] { SqliteEventStore(db_path(), Access::dry_run, k_no_wait); }),
              exit_code);
    EXPECT_EQ(exit_code_of([&] { initialize_database(db_path(), k_no_wait); }), exit_code);
    EXPECT_EQ(read_bytes(db_path()), before) << "the refused file was changed";
  }

 private:
  std::optional<test::TempDir> m_dir;
};

// ---- positions, versions, hash chain ------------------------------------------------------------

TEST_F(SqliteEventStoreTest, PositionsAreGlobalAndGapFreeVersionsArePerItem) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  EXPECT_THAT(positions(run(store, CreateItem{"A-1", 10, std::nullopt})), ElementsAre(1));
  EXPECT_THAT(positions(run(store, CreateItem{"B-1", 5, std::nullopt})), ElementsAre(2));
  EXPECT_THAT(positions(run(store, ReserveStock{"A-1", 3})), ElementsAre(3));
  EXPECT_THAT(positions(run(store, SetOnHand{"C-1", 7})), ElementsAre(4));
  EXPECT_THAT(positions(run(store, AdjustStock{"B-1", -2})), ElementsAre(5));
  EXPECT_THAT(positions(run(store, CompleteReservation{"A-1", 1})), ElementsAre(6));

  const std::vector<RecordedEvent> events = history(store);
  ASSERT_EQ(events.size(), 6u);
  std::map<std::string, std::int64_t> last_version;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].position, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(events[i].version, ++last_version[events[i].sku]) << "position " << i + 1;
  }
  EXPECT_EQ(last_version["A-1"], 3);
  EXPECT_EQ(last_version["B-1"], 2);
  EXPECT_EQ(last_version["C-1"], 1);
  EXPECT_EQ(store.find_item("A-1")->version, 3);
  EXPECT_EQ(store.head().position, 6);
}

TEST_F(SqliteEventStoreTest, SetOnHandOfAMissingItemStoresOneItemCreated) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  const std::vector<RecordedEvent> events = run(store, SetOnHand{"A-1", 7});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "ItemCreated");
  EXPECT_EQ(events[0].version, 1);
  EXPECT_EQ(events[0].data, R"({"available":7,"on_hand":7})");
}

TEST_F(SqliteEventStoreTest, ChainsEveryEventToThePreviousOne) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  run(store, CreateItem{"A-1", 10, std::nullopt});
  run(store, CreateItem{"B-1", 5, 2});
  run(store, ReserveStock{"A-1", 3});
  run(store, SetAvailable{"B-1", 5});
  run(store, ReleaseReservation{"A-1", 1});

  const std::vector<RecordedEvent> events = history(store);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].prev_hash, std::string(64, '0'));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_THAT(events[i].hash, MatchesRegex("[0-9a-f]{64}"));
    EXPECT_EQ(events[i].hash, chain_hash(events[i].prev_hash, canonical_json(events[i])))
        << "position " << events[i].position;
    if (i + 1 < events.size()) {
      EXPECT_EQ(events[i + 1].prev_hash, events[i].hash) << "position " << events[i].position;
    }
  }
  const Head head = store.head();
  EXPECT_EQ(head.position, 5);
  EXPECT_EQ(head.hash, events.back().hash);
}

TEST_F(SqliteEventStoreTest, StoresEventsExactlyAsAppendReturnsThem) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  EventMetadata metadata = by("alice");
  metadata.ref = "order-7";
  metadata.note = "a \"quoted\" note";
  metadata.idempotency_key = "key-1";
  std::vector<RecordedEvent> appended = run(store, CreateItem{"A-1", 10, 8}, metadata);
  for (const RecordedEvent& event : run(store, ReserveStock{"A-1", 2})) {
    appended.push_back(event);
  }
  const std::vector<RecordedEvent> stored = history(store);
  ASSERT_EQ(stored.size(), appended.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    expect_same_event(stored[i], appended[i]);
  }
  EXPECT_EQ(stored[0].data, R"({"available":8,"on_hand":10})");
  EXPECT_EQ(stored[0].metadata.ref, std::optional<std::string>("order-7"));
  EXPECT_EQ(stored[0].metadata.note, std::optional<std::string>("a \"quoted\" note"));
  EXPECT_EQ(stored[0].metadata.idempotency_key, std::optional<std::string>("key-1"));
  EXPECT_EQ(stored[1].metadata.actor, "tester");
  EXPECT_EQ(stored[1].metadata.ref, std::nullopt);
  EXPECT_EQ(stored[1].metadata.note, std::nullopt);
  EXPECT_EQ(stored[1].metadata.idempotency_key, std::nullopt);
  EXPECT_EQ(stored[1].data, R"({"qty":2})");
}

TEST_F(SqliteEventStoreTest, RecordsUtcMicrosecondTimesThatNeverGoBackwards) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  const std::int64_t before = util::now_micros();
  run(store, CreateItem{"A-1", 10, std::nullopt});
  for (int i = 0; i < 5; ++i) {
    run(store, AdjustStock{"A-1", 1});
  }
  const std::int64_t after = util::now_micros();
  std::string previous;
  for (const RecordedEvent& event : history(store)) {
    EXPECT_THAT(event.recorded_at,
                MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}Z"));
    const auto micros = util::parse_time(event.recorded_at);
    ASSERT_TRUE(micros.has_value()) << event.recorded_at;
    EXPECT_GE(*micros, before);
    EXPECT_LE(*micros, after);
    EXPECT_LE(previous, event.recorded_at);
    previous = event.recorded_at;
  }
  // SPEC §7: updated_at of an item is the recorded_at of its last event.
  EXPECT_EQ(store.find_item("A-1")->updated_at, previous);
}

TEST_F(SqliteEventStoreTest, AppendOfATakenVersionIsAConflict) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  run(store, CreateItem{"A-1", 10, std::nullopt});
  auto first = store.begin_write();
  const Item stale = first->load("A-1");
  first->append(stale, {domain::StockReserved{1}}, by("tester"));
  EXPECT_EQ(exit_code_of([&] { first->append(stale, {domain::StockReserved{1}}, by("tester")); }),
            ExitCode::conflict);
}

// ---- transactions and the write lock ------------------------------------------------------------

TEST_F(SqliteEventStoreTest, ASessionDestroyedWithoutCommitAppendsNothing) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  {
    auto session = store.begin_write();
    const Item item = session->load("A-1");
    EXPECT_FALSE(item.exists());
    const auto recorded = session->append(item, {domain::ItemCreated{10, 10}}, by("tester"));
    ASSERT_EQ(recorded.size(), 1u);
    // Inside the session the append is visible.
    EXPECT_EQ(session->load("A-1").version, 1);
  }
  EXPECT_EQ(store.head().position, 0);
  EXPECT_EQ(store.head().hash, std::string(64, '0'));
  EXPECT_EQ(store.find_item("A-1"), std::nullopt);
  EXPECT_THAT(history(store), IsEmpty());
  EXPECT_THAT(store.list_items(""), IsEmpty());
  // The next command starts at position 1, version 1.
  const auto events = run(store, CreateItem{"A-1", 3, std::nullopt});
  EXPECT_EQ(events.at(0).position, 1);
  EXPECT_EQ(events.at(0).version, 1);
  EXPECT_EQ(events.at(0).prev_hash, std::string(64, '0'));
}

TEST_F(SqliteEventStoreTest, AWriterThatCannotGetTheLockFailsWithStorageError) {
  SqliteEventStore first(db_path(), Access::write, k_no_wait);
  SqliteEventStore second(db_path(), Access::write, k_no_wait);
  {
    auto session = first.begin_write();
    const Item item = session->load("A-1");
    session->append(item, {domain::ItemCreated{10, 10}}, by("first"));

    std::string code;
    try {
      second.begin_write();
      ADD_FAILURE() << "a second writer got the lock";
    } catch (const Error& error) {
      EXPECT_EQ(error.exit_code(), ExitCode::storage) << error.what();
      code = error.code();
    }
    EXPECT_EQ(code, "database_locked");
    session->commit();
  }
  // Once the lock is free the second writer proceeds, and sees the first one's event.
  const auto events = run(second, ReserveStock{"A-1", 4});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].position, 2);
  EXPECT_EQ(events[0].version, 2);
  EXPECT_EQ(second.find_item("A-1")->reserved, 4);
  EXPECT_EQ(first.find_item("A-1")->reserved, 4);
}

TEST_F(SqliteEventStoreTest, AFailedWriterAppendsNothing) {
  SqliteEventStore first(db_path(), Access::write, k_no_wait);
  SqliteEventStore second(db_path(), Access::write, k_no_wait);
  run(first, CreateItem{"A-1", 10, std::nullopt});
  {
    auto session = first.begin_write();
    EXPECT_EQ(exit_code_of([&] { run(second, ReserveStock{"A-1", 1}); }), ExitCode::storage);
  }
  EXPECT_EQ(second.head().position, 1);
  EXPECT_EQ(second.find_item("A-1")->reserved, 0);
}

TEST_F(SqliteEventStoreTest, ReopenedStoreSeesTheCommittedEvents) {
  std::vector<RecordedEvent> appended;
  {
    SqliteEventStore store(db_path(), Access::write, k_no_wait);
    appended = run(store, CreateItem{"A-1", 10, std::nullopt});
    run(store, ReserveStock{"A-1", 4});
  }
  SqliteEventStore reopened(db_path(), Access::read, k_no_wait);
  const auto item = reopened.find_item("A-1");
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->on_hand, 10);
  EXPECT_EQ(item->reserved, 4);
  EXPECT_EQ(item->available, 6);
  EXPECT_EQ(item->version, 2);
  const auto events = history(reopened);
  ASSERT_EQ(events.size(), 2u);
  expect_same_event(events[0], appended[0]);
  EXPECT_EQ(reopened.head().position, 2);
  EXPECT_EQ(reopened.head().hash, events[1].hash);
}

// ---- the file: missing, foreign, newer ----------------------------------------------------------

TEST_F(SqliteEventStoreTest, ReadOfAMissingFileIsNotFoundAndCreatesNothing) {
  std::string code;
  try {
    SqliteEventStore store(db_path(), Access::read, k_no_wait);
    ADD_FAILURE() << "opened a missing database for reading";
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::not_found) << error.what();
    code = error.code();
  }
  EXPECT_EQ(code, "database_not_found");
  EXPECT_FALSE(std::filesystem::exists(db_path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir()));
}

TEST_F(SqliteEventStoreTest, ReadInAMissingDirectoryIsNotFound) {
  const auto path = dir() / "no-such-dir" / "inventory.db";
  EXPECT_EQ(exit_code_of([&] { SqliteEventStore(path, Access::read, k_no_wait); }),
            ExitCode::not_found);
  EXPECT_FALSE(std::filesystem::exists(path.parent_path()));
}

TEST_F(SqliteEventStoreTest, DryRunOnAMissingPathCreatesNoFile) {
  {
    SqliteEventStore store(db_path(), Access::dry_run, k_no_wait);
    EXPECT_EQ(store.head().position, 0);
    EXPECT_EQ(store.find_item("A-1"), std::nullopt);
    auto session = store.begin_write();
    const Item item = session->load("A-1");
    const auto events = session->append(item, {domain::ItemCreated{5, 5}}, by("tester"));
    EXPECT_EQ(events.at(0).position, 1);
    EXPECT_EQ(events.at(0).prev_hash, std::string(64, '0'));
  }
  EXPECT_FALSE(std::filesystem::exists(db_path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir()));
}

TEST_F(SqliteEventStoreTest, WriteCreatesAnInvDatabase) {
  {
    SqliteEventStore store(db_path(), Access::write, k_no_wait);
    EXPECT_EQ(store.head().position, 0);
    EXPECT_EQ(store.head().hash, std::string(64, '0'));
    EXPECT_EQ(store.database().pragma_int("application_id"), 1229870641);  // "INV1"
    EXPECT_EQ(store.database().pragma_int("user_version"), k_schema_version);
    EXPECT_EQ(store.stats().schema_version, k_schema_version);
  }
  EXPECT_TRUE(std::filesystem::exists(db_path()));
  // Initializing an existing inv database does nothing (SPEC §7).
  EXPECT_FALSE(initialize_database(db_path(), k_no_wait));
  SqliteEventStore reader(db_path(), Access::read, k_no_wait);
  EXPECT_EQ(reader.head().position, 0);
}

TEST_F(SqliteEventStoreTest, InitializeCreatesOnceOnly) {
  EXPECT_TRUE(initialize_database(db_path(), k_no_wait));
  EXPECT_FALSE(initialize_database(db_path(), k_no_wait));
  SqliteEventStore store(db_path(), Access::read, k_no_wait);
  EXPECT_EQ(store.database().pragma_int("application_id"), k_application_id);
}

TEST_F(SqliteEventStoreTest, RandomBytesAreAnIntegrityError) {
  std::mt19937 random(42);
  std::string bytes(8192, '\0');
  for (char& byte : bytes) {
    byte = static_cast<char>(random() & 0xFF);
  }
  write_bytes(db_path(), bytes);
  expect_refused_by_every_access(ExitCode::integrity);
}

TEST_F(SqliteEventStoreTest, ATextFileIsAnIntegrityError) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "sku,on_hand\nA-1,10\n";
  }
  write_bytes(db_path(), text);
  expect_refused_by_every_access(ExitCode::integrity);
}

TEST_F(SqliteEventStoreTest, AnotherApplicationsSqliteFileIsAnIntegrityError) {
  make_sqlite_file(db_path(),
                   "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                   "INSERT INTO notes (body) VALUES ('keep me');");
  expect_refused_by_every_access(ExitCode::integrity);
  EXPECT_EQ(error_code_of([&] { SqliteEventStore(db_path(), Access::write, k_no_wait); }),
            "not_an_inv_database");
}

TEST_F(SqliteEventStoreTest, AnotherApplicationIdIsAnIntegrityError) {
  make_sqlite_file(db_path(), "PRAGMA application_id = 42;");
  expect_refused_by_every_access(ExitCode::integrity);
}

TEST_F(SqliteEventStoreTest, ANewerSchemaIsAnIntegrityError) {
  make_sqlite_file(db_path(),
                   "PRAGMA application_id = 1229870641; PRAGMA user_version = 99;"
                   "CREATE TABLE events (position INTEGER PRIMARY KEY);");
  expect_refused_by_every_access(ExitCode::integrity);
  EXPECT_EQ(error_code_of([&] { SqliteEventStore(db_path(), Access::read, k_no_wait); }),
            "newer_schema");
}

// ---- append-only --------------------------------------------------------------------------------

TEST_F(SqliteEventStoreTest, TriggersRefuseUpdateAndDeleteOfEvents) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  run(store, CreateItem{"A-1", 10, std::nullopt});
  run(store, ReserveStock{"A-1", 2});
  const std::vector<RecordedEvent> before = history(store);

  EXPECT_THROW(store.database().execute("UPDATE events SET actor = 'mallory' WHERE position = 1"),
               Error);
  EXPECT_THROW(store.database().execute("UPDATE events SET qty = 200"), Error);
  EXPECT_THROW(store.database().execute("DELETE FROM events WHERE position = 2"), Error);
  EXPECT_THROW(store.database().execute("DELETE FROM events"), Error);

  const std::vector<RecordedEvent> after = history(store);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    expect_same_event(after[i], before[i]);
  }
}

// ---- read model and snapshots -------------------------------------------------------------------

TEST_F(SqliteEventStoreTest, ReadModelEqualsTheFoldOfTheEvents) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  std::mt19937_64 random(1234);
  const std::vector<std::string> names = {"A-1", "B-2", "C-3", "a-1"};
  std::uniform_int_distribution<std::size_t> pick(0, names.size() - 1);
  std::uniform_int_distribution<int> kind(0, 6);
  std::uniform_int_distribution<std::int64_t> qty(1, 12);
  int accepted = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string& sku = names[pick(random)];
    std::int64_t delta = qty(random) - 6;  // a non-zero DELTA in [-5, 6]
    if (delta == 0) {
      delta = 6;
    }
    Command command;
    switch (kind(random)) {
      case 0:
        command = CreateItem{sku, qty(random), std::nullopt};
        break;
      case 1:
        command = SetOnHand{sku, qty(random)};
        break;
      case 2:
        command = AdjustStock{sku, delta};
        break;
      case 3:
        command = SetAvailable{sku, qty(random) - 1};
        break;
      case 4:
        command = ReserveStock{sku, qty(random)};
        break;
      case 5:
        command = ReleaseReservation{sku, qty(random)};
        break;
      default:
        command = CompleteReservation{sku, qty(random)};
        break;
    }
    try {
      run(store, command);
      ++accepted;
    } catch (const Error&) {
      // Rejected commands append nothing.
    }
  }
  ASSERT_GT(accepted, 50);
  EXPECT_EQ(store.head().position, accepted);

  std::map<std::string, Item> folded;
  for (const RecordedEvent& event : history(store)) {
    Item& item = folded[event.sku];
    item.sku = event.sku;
    item = domain::evolve(item, event.event);
    item.updated_at = event.recorded_at;
    EXPECT_EQ(item.version, event.version);
    EXPECT_TRUE(domain::invariant_holds(item)) << "position " << event.position;
  }
  std::vector<Item> expected;
  for (const auto& [sku, item] : folded) {
    expected.push_back(item);
    EXPECT_EQ(store.find_item(sku), std::optional<Item>(item));
  }
  EXPECT_EQ(store.list_items(""), expected);
  EXPECT_EQ(store.stats().items, static_cast<std::int64_t>(folded.size()));
  EXPECT_EQ(store.stats().events, accepted);
}

TEST_F(SqliteEventStoreTest, StoresASnapshotEveryThousandVersions) {
  ASSERT_EQ(k_snapshot_interval, 1000);
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  run(store, CreateItem{"B-1", 1, std::nullopt});  // so that positions and versions differ
  run(store, CreateItem{"A-1", 10, std::nullopt});
  run(store, ReserveStock{"A-1", 3});
  RecordedEvent at_1000;
  {
    auto session = store.begin_write();
    for (int i = 0; i < 999; ++i) {
      const Item item = session->load("A-1");
      const auto events =
          session->append(item, domain::decide(AdjustStock{"A-1", 1}, item), by("tester"));
      if (events.at(0).version == 1000) {
        at_1000 = events[0];
      }
    }
    session->commit();
  }
  ASSERT_EQ(at_1000.version, 1000);
  EXPECT_EQ(at_1000.position, 1001);
  EXPECT_EQ(store.find_item("A-1")->version, 1001);

  auto row = store.database().cached(
      "SELECT sku, version, position, on_hand, reserved, available, updated_at FROM snapshots");
  ASSERT_TRUE(row->step()) << "no snapshot";
  EXPECT_EQ(row->text(0), "A-1");
  EXPECT_EQ(row->int64(1), 1000);
  EXPECT_EQ(row->int64(2), at_1000.position);
  // Version 1000: created with 10 (version 1), 3 reserved (version 2), 998 receipts of 1.
  EXPECT_EQ(row->int64(3), 10 + 998);
  EXPECT_EQ(row->int64(4), 3);
  EXPECT_EQ(row->int64(5), 7 + 998);
  EXPECT_EQ(row->text(6), at_1000.recorded_at);
  EXPECT_FALSE(row->step()) << "more than one snapshot";
  EXPECT_EQ(store.stats().snapshots, 1);
}

// ---- queries ------------------------------------------------------------------------------------

TEST_F(SqliteEventStoreTest, ListsItemsInByteOrderOfSku) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  for (const std::string sku : {"b", "a", "B", "a%", "a_", "ab", "aX", "a%b", "\xC3\xA9-1", "Z",
                                "a\xF4\x8F\xBF\xBF", "a-1"}) {
    run(store, CreateItem{sku, 1, std::nullopt});
  }
  EXPECT_THAT(skus(store.list_items("")),
              ElementsAre("B", "Z", "a", "a%", "a%b", "a-1", "aX", "a_", "ab", "a\xF4\x8F\xBF\xBF",
                          "b", "\xC3\xA9-1"));
}

TEST_F(SqliteEventStoreTest, ListTakesThePrefixLiterally) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  for (const std::string sku : {"a", "a%", "a%b", "aXb", "a_", "a_b", "aYb", "ab", "A%", "b%",
                                "a\xF4\x8F\xBF\xBF", "\xC3\xA9-1", "\xC3\xA9-2", "\xC3\x89-1"}) {
    run(store, CreateItem{sku, 1, std::nullopt});
  }
  EXPECT_THAT(skus(store.list_items("a%")), ElementsAre("a%", "a%b"));
  EXPECT_THAT(skus(store.list_items("a_")), ElementsAre("a_", "a_b"));
  EXPECT_THAT(skus(store.list_items("a_b")), ElementsAre("a_b"));
  EXPECT_THAT(skus(store.list_items("%")), IsEmpty());
  EXPECT_THAT(skus(store.list_items("_")), IsEmpty());
  EXPECT_THAT(skus(store.list_items("A")), ElementsAre("A%"));  // case-sensitive
  EXPECT_THAT(skus(store.list_items("\xC3\xA9")), ElementsAre("\xC3\xA9-1", "\xC3\xA9-2"));
  EXPECT_THAT(skus(store.list_items("a")),
              ElementsAre("a", "a%", "a%b", "aXb", "aYb", "a_", "a_b", "ab", "a\xF4\x8F\xBF\xBF"));
  EXPECT_THAT(skus(store.list_items("zzz")), IsEmpty());
}

TEST_F(SqliteEventStoreTest, SkusAreCaseSensitive) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  run(store, CreateItem{"a-1", 1, std::nullopt});
  run(store, CreateItem{"A-1", 2, std::nullopt});
  EXPECT_EQ(store.find_item("a-1")->on_hand, 1);
  EXPECT_EQ(store.find_item("A-1")->on_hand, 2);
  EXPECT_EQ(store.find_item("a-1 "), std::nullopt);
}

class HistoryTest : public SqliteEventStoreTest {
 protected:
  // Positions: 1 A create, 2 B create, 3 A reserve, 4 B adjust, 5 A release, 6 A reserve,
  // 7 C set-soh.
  void fill(SqliteEventStore& store) {
    run(store, CreateItem{"A", 10, std::nullopt});
    run(store, CreateItem{"B", 10, std::nullopt});
    run(store, ReserveStock{"A", 2});
    run(store, AdjustStock{"B", 5});
    run(store, ReleaseReservation{"A", 1});
    run(store, ReserveStock{"A", 4});
    run(store, SetOnHand{"C", 3});
  }

  static HistoryFilter filter(std::optional<std::string> sku, std::int64_t after,
                              std::optional<std::int64_t> limit, std::optional<std::string> type) {
    HistoryFilter result;
    result.sku = std::move(sku);
    result.after_position = after;
    result.limit = limit;
    result.type = std::move(type);
    return result;
  }
};

TEST_F(HistoryTest, ListsEveryEventInPositionOrder) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  fill(store);
  EXPECT_THAT(positions(history(store)), ElementsAre(1, 2, 3, 4, 5, 6, 7));
}

TEST_F(HistoryTest, SinceIsExclusive) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  fill(store);
  EXPECT_THAT(positions(history(store, filter({}, 3, {}, {}))), ElementsAre(4, 5, 6, 7));
  EXPECT_THAT(positions(history(store, filter({}, 6, {}, {}))), ElementsAre(7));
  EXPECT_THAT(positions(history(store, filter({}, 7, {}, {}))), IsEmpty());
  EXPECT_THAT(positions(history(store, filter({}, 100, {}, {}))), IsEmpty());
}

TEST_F(HistoryTest, LimitKeepsTheFirstInOrder) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  fill(store);
  EXPECT_THAT(positions(history(store, filter({}, 0, 2, {}))), ElementsAre(1, 2));
  EXPECT_THAT(positions(history(store, filter({}, 2, 3, {}))), ElementsAre(3, 4, 5));
  EXPECT_THAT(positions(history(store, filter({}, 5, 10, {}))), ElementsAre(6, 7));
}

TEST_F(HistoryTest, FiltersByType) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  fill(store);
  EXPECT_THAT(positions(history(store, filter({}, 0, {}, "StockReserved"))), ElementsAre(3, 6));
  EXPECT_THAT(positions(history(store, filter({}, 0, {}, "ItemCreated"))), ElementsAre(1, 2, 7));
  EXPECT_THAT(positions(history(store, filter({}, 0, 2, "ItemCreated"))), ElementsAre(1, 2));
  EXPECT_THAT(positions(history(store, filter({}, 0, {}, "ReservationCompleted"))), IsEmpty());
}

TEST_F(HistoryTest, FiltersBySku) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  fill(store);
  EXPECT_THAT(positions(history(store, filter("A", 0, {}, {}))), ElementsAre(1, 3, 5, 6));
  EXPECT_THAT(positions(history(store, filter("A", 3, {}, {}))), ElementsAre(5, 6));
  EXPECT_THAT(positions(history(store, filter("A", 0, 2, {}))), ElementsAre(1, 3));
  EXPECT_THAT(positions(history(store, filter("A", 1, 2, {}))), ElementsAre(3, 5));
  EXPECT_THAT(positions(history(store, filter("A", 0, {}, "StockReserved"))), ElementsAre(3, 6));
  EXPECT_THAT(positions(history(store, filter("A", 3, {}, "StockReserved"))), ElementsAre(6));
  EXPECT_THAT(positions(history(store, filter("B", 0, {}, {}))), ElementsAre(2, 4));
  EXPECT_THAT(positions(history(store, filter("a", 0, {}, {}))), IsEmpty());
  EXPECT_THAT(positions(history(store, filter("Z", 0, {}, {}))), IsEmpty());
}

TEST_F(HistoryTest, StatsCountTheLog) {
  SqliteEventStore store(db_path(), Access::write, k_no_wait);
  fill(store);
  const Stats stats = store.stats();
  EXPECT_EQ(stats.events, 7);
  EXPECT_EQ(stats.items, 3);
  EXPECT_EQ(stats.head.position, 7);
  EXPECT_EQ(stats.head.hash, store.head().hash);
  EXPECT_EQ(stats.first_recorded_at, history(store).at(0).recorded_at);
  EXPECT_GT(stats.file_bytes, 0);
}

TEST_F(HistoryTest, AReaderSeesTheSameLog) {
  {
    SqliteEventStore store(db_path(), Access::write, k_no_wait);
    fill(store);
  }
  SqliteEventStore reader(db_path(), Access::read, k_no_wait);
  EXPECT_THAT(positions(history(reader, filter("A", 3, 1, {}))), ElementsAre(5));
  EXPECT_THAT(skus(reader.list_items("")), ElementsAre("A", "B", "C"));
}

}  // namespace
}  // namespace inv::store
