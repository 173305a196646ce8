#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "../store_support.hpp"
#include "../support.hpp"
#include "inv/app/audit_service.hpp"
#include "inv/app/event_log.hpp"
#include "inv/app/query_service.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/pg/connection.hpp"
#include "inv/store/schema.hpp"
#include "inv/store/sqlite_event_store.hpp"
#include "inv/util/time.hpp"

// The store contract: every store, under the event log, against SPEC §2 (positions, versions, hash
// chain, file identity), SPEC §3/§7 (queries never create a database; history filters; list in byte
// order), SPEC §5/§7 (exit 4 for a missing database, 6 for a foreign or newer file, 7 for a lock)
// and SPEC §6 (one transaction or nothing; read models and snapshots are caches of the log).

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

using app::LogWriter;
using test::find_item;
using test::head_of;

std::unique_ptr<LogWriter> begin_write(Store& store) {
  return std::make_unique<LogWriter>(store.begin(Store::Mode::write));
}

// One command as the application runs it: load, decide, append, commit.
std::vector<RecordedEvent> run(Store& store, const Command& command,
                               const EventMetadata& metadata = by("tester")) {
  auto session = begin_write(store);
  const Item item = session->load(domain::sku_of(command));
  domain::Holdings holdings;  // what release and complete draw from: the metadata's ref
  if (item.exists()) {
    holdings = session->holdings(item.sku, domain::holding_ref(metadata.ref), true);
  }
  auto recorded = session->append(item, domain::decide(command, item, holdings), metadata);
  session->commit();
  return recorded;
}

std::vector<RecordedEvent> history(Store& store, const HistoryFilter& filter = {}) {
  std::vector<RecordedEvent> events;
  test::history_of(
      store, [&](const RecordedEvent& event) { events.push_back(event); }, filter);
  return events;
}

void fill_for_scan(Store& store) {
  run(store, CreateItem{"A", 1, std::nullopt});
  run(store, CreateItem{"B", 2, std::nullopt});
  run(store, ReserveStock{"B", 1});
}

std::vector<Item> list_items(Store& store, std::string_view prefix) {
  return app::QueryService(store).list(prefix);
}

Stats stats_of(Store& store) {
  return app::QueryService(store).stats();
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

class SqliteStoreTest : public ::testing::Test {
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
    EXPECT_EQ(exit_code_of([&] { SqliteStore(db_path(), Access::read, k_no_wait); }), exit_code);
    EXPECT_EQ(exit_code_of([&] { SqliteStore(db_path(), Access::write, k_no_wait); }), exit_code);
    EXPECT_EQ(exit_code_of([&] { SqliteStore(db_path(), Access::dry_run, k_no_wait); }), exit_code);
    EXPECT_EQ(exit_code_of([&] { initialize_database(db_path(), k_no_wait); }), exit_code);
    EXPECT_EQ(read_bytes(db_path()), before) << "the refused file was changed";
  }

 private:
  std::optional<test::TempDir> m_dir;
};

// ---- the contract suite: every store passes it
// ----------------------------------------------------

// Where a test keeps its store, one kind each: a place per test (made by the constructor, gone
// with the destructor); open() gives a store on that one database (the same on every call),
// initialized (as `inv init` does) unless `access` is read. skip_reason() is non-empty when this
// machine cannot run the kind's tests, which are then reported as skipped.
class SqliteFile {
 public:
  static std::string skip_reason() { return {}; }
  std::unique_ptr<Store> open(Access access) {
    const std::string location = (m_dir / "inventory.db").string();
    if (access == Access::write) {
      initialize_store(location, std::chrono::milliseconds(k_no_wait));
    }
    return open_store(location, access, std::chrono::milliseconds(k_no_wait));
  }
  // Takes the database back to schema 3, as the release before reorder points made it (no store
  // may be open on it).
  void downgrade_to_schema3() {
    make_sqlite_file(m_dir / "inventory.db",
                     "ALTER TABLE items DROP COLUMN reorder_point; "
                     "ALTER TABLE snapshots DROP COLUMN reorder_point; PRAGMA user_version = 3");
  }

 private:
  test::TempDir m_dir;
};

// A schema of its own per test in the PostgreSQL database named by INV_TEST_PG_URI (scripts/test
// starts a throwaway cluster), chosen with the search_path option of the connection URI.
class PostgresSchema {
 public:
  static std::string skip_reason() {
    const char* uri = std::getenv("INV_TEST_PG_URI");
    return uri != nullptr && *uri != '\0' ? ""
                                          : "INV_TEST_PG_URI is not set (scripts/test sets it)";
  }
  PostgresSchema() {
    if (!skip_reason().empty()) {
      return;
    }
    static int counter = 0;
    m_schema = "contract_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    m_admin.emplace(std::getenv("INV_TEST_PG_URI"), std::chrono::milliseconds(5000));
    m_admin->execute(
        ("DROP SCHEMA IF EXISTS " + m_schema + " CASCADE; CREATE SCHEMA " + m_schema).c_str());
  }
  ~PostgresSchema() {
    if (m_admin) {
      m_admin->execute(("DROP SCHEMA IF EXISTS " + m_schema + " CASCADE").c_str());
    }
  }
  std::unique_ptr<Store> open(Access access) {
    std::string location = std::getenv("INV_TEST_PG_URI");
    location += location.find('?') == std::string::npos ? "?" : "&";
    location += "options=-csearch_path%3D" + m_schema;
    if (access == Access::write) {
      initialize_store(location, std::chrono::milliseconds(k_no_wait));
    }
    return open_store(location, access, std::chrono::milliseconds(k_no_wait));
  }
  void downgrade_to_schema3() {
    m_admin->execute(("ALTER TABLE " + m_schema + ".inv_items DROP COLUMN reorder_point; " +
                      "ALTER TABLE " + m_schema + ".inv_snapshots DROP COLUMN reorder_point; " +
                      "UPDATE " + m_schema +
                      ".inv_meta SET value = '3' WHERE key = 'schema_version'")
                         .c_str());
  }

 private:
  std::string m_schema;
  std::optional<pg::Connection> m_admin;
};

template <class Place>
class StoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = Place::skip_reason(); !why.empty()) {
      GTEST_SKIP() << why;
    }
  }
  std::unique_ptr<Store> open(Access access = Access::write) { return m_place.open(access); }
  void downgrade_to_schema3() { m_place.downgrade_to_schema3(); }

 private:
  Place m_place;
};

using Stores = ::testing::Types<SqliteFile, PostgresSchema>;
TYPED_TEST_SUITE(StoreContract, Stores);

// ---- positions, versions, hash chain ------------------------------------------------------------

TYPED_TEST(StoreContract, PositionsAreGlobalAndGapFreeVersionsArePerItem) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
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
  EXPECT_EQ(find_item(store, "A-1")->version, 3);
  EXPECT_EQ(head_of(store).position, 6);
}

TYPED_TEST(StoreContract, SetOnHandOfAMissingItemStoresOneItemCreated) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  const std::vector<RecordedEvent> events = run(store, SetOnHand{"A-1", 7});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "ItemCreated");
  EXPECT_EQ(events[0].version, 1);
  EXPECT_EQ(events[0].data, R"({"available":7,"on_hand":7})");
}

TYPED_TEST(StoreContract, ChainsEveryEventToThePreviousOne) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
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
  const Head head = head_of(store);
  EXPECT_EQ(head.position, 5);
  EXPECT_EQ(head.hash, events.back().hash);
}

TYPED_TEST(StoreContract, StoresEventsExactlyAsAppendReturnsThem) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
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

TYPED_TEST(StoreContract, RecordsUtcMicrosecondTimesThatNeverGoBackwards) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
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
  EXPECT_EQ(find_item(store, "A-1")->updated_at, previous);
}

TYPED_TEST(StoreContract, InsertOfATakenPositionOrVersionIsAConflict) {
  auto owned = this->open();
  Store& store = *owned;
  const RecordedEvent created = run(store, CreateItem{"A-1", 10, std::nullopt}).at(0);
  // A session whose statement failed is done (PostgreSQL aborts its transaction): one each.
  RecordedEvent again = created;  // position 1 taken
  EXPECT_EQ(exit_code_of([&] { store.begin(Store::Mode::write)->insert(std::span(&again, 1)); }),
            ExitCode::conflict);
  again.position = 2;  // ("A-1", 1) taken
  EXPECT_EQ(exit_code_of([&] { store.begin(Store::Mode::write)->insert(std::span(&again, 1)); }),
            ExitCode::conflict);
}

// ---- the primitives: the store keeps and returns, and decides nothing
// ----------------------------

TYPED_TEST(StoreContract, KeepsTheCommittedHeadApartFromTheEvents) {
  auto owned = this->open();
  Store& store = *owned;
  EXPECT_EQ(store.begin(Store::Mode::read)->committed_head(), std::optional<Head>(Head{}));
  run(store, CreateItem{"A-1", 10, std::nullopt});
  const RecordedEvent last = run(store, ReserveStock{"A-1", 2}).at(0);
  auto session = store.begin(Store::Mode::read);
  EXPECT_EQ(session->committed_head(), std::optional<Head>(Head{2, last.hash, last.recorded_at}));
  ASSERT_TRUE(session->last_event().has_value());
  EXPECT_EQ(session->last_event()->hash, last.hash);
  EXPECT_EQ(session->event_at(1)->sku, "A-1");
  EXPECT_EQ(session->event_at(3), std::nullopt);
  const auto tip = session->item_tip("A-1");
  ASSERT_TRUE(tip.has_value());
  EXPECT_EQ(tip->version, 2);
  EXPECT_EQ(tip->position, 2);
  EXPECT_EQ(tip->hash, last.hash);
  EXPECT_EQ(session->item_tip("B-1"), std::nullopt);
  const auto micros = util::parse_time(last.recorded_at);
  EXPECT_EQ(session->recorded_at("A-1", 2),
            std::optional<util::Timestamp>(util::Timestamp{*micros}));
  EXPECT_EQ(session->recorded_at("A-1", 3), std::nullopt);
}

TYPED_TEST(StoreContract, ReturnsReadModelRowsWithTheirSealAsWritten) {
  auto owned = this->open();
  Store& store = *owned;
  const RecordedEvent created = run(store, CreateItem{"A-1", 10, 8}).at(0);
  const auto cached = store.begin(Store::Mode::read)->item("A-1");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->seal, app::seal_of(cached->item, created.hash));
  {
    auto session = store.begin(Store::Mode::write);
    CachedItem row{cached->item, "opaque"};
    row.item.on_hand = 99;
    session->put_items(std::span(&row, 1));
    session->put_command_key({"k", "reserve"});
    session->commit();
  }
  auto session = store.begin(Store::Mode::read);
  EXPECT_EQ(session->item("A-1")->item.on_hand, 99);
  EXPECT_EQ(session->item("A-1")->seal, "opaque");
  EXPECT_EQ(session->command_for_key("k"), std::optional<std::string>("reserve"));
  std::vector<std::string> keys;
  session->scan_command_keys([&](const CommandKey& row) { keys.push_back(row.key); });
  EXPECT_THAT(keys, ElementsAre("k"));
}

TYPED_TEST(StoreContract, ScansEveryRowInPositionOrderAsStored) {
  auto owned = this->open();
  Store& store = *owned;
  fill_for_scan(store);
  std::vector<std::int64_t> seen;
  std::vector<std::string> types;
  store.begin(Store::Mode::read)->scan(1, 3, [&](const StoredEventView& row) {
    seen.push_back(row.position);
    types.emplace_back(row.type);
  });
  EXPECT_THAT(seen, ElementsAre(2, 3));
  EXPECT_THAT(types, ElementsAre("ItemCreated", "StockReserved"));
  // The upper bound is inclusive, and nothing after it is visited.
  seen.clear();
  store.begin(Store::Mode::read)->scan(0, 2, [&](const StoredEventView& row) {
    seen.push_back(row.position);
  });
  EXPECT_THAT(seen, ElementsAre(1, 2));
}

// ---- the checks of every write (SPEC §11), tampering through the primitives ---------------------

TYPED_TEST(StoreContract, AWriteFindsAReadModelRowThatTheLogDidNotSeal) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A-1", 10, std::nullopt});
  {
    auto session = store.begin(Store::Mode::write);
    CachedItem row = *session->item("A-1");
    row.item.on_hand = 999;
    row.item.available = 990;
    session->put_items(std::span(&row, 1));
    session->commit();
  }
  EXPECT_EQ(error_code_of([&] { run(store, ReserveStock{"A-1", 500}); }), "read_model_mismatch");
  EXPECT_EQ(head_of(store).position, 1) << "nothing may be appended";
  // Another item is written as usual.
  EXPECT_EQ(run(store, CreateItem{"B-1", 1, std::nullopt}).at(0).position, 2);
}

TYPED_TEST(StoreContract, AWriteFindsAMissingOrStaleReadModelRow) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A-1", 10, std::nullopt});
  const RecordedEvent reserved = run(store, ReserveStock{"A-1", 1}).at(0);
  {
    auto session = store.begin(Store::Mode::write);
    CachedItem row = *session->item("A-1");
    row.item.version = 1;  // a row from before the reserve, sealed as the log would have
    row.item.reserved = 0;
    row.item.available = 10;
    row.seal = app::seal_of(row.item, reserved.prev_hash);
    session->put_items(std::span(&row, 1));
    session->commit();
  }
  EXPECT_EQ(error_code_of([&] { run(store, ReserveStock{"A-1", 1}); }), "read_model_mismatch");
  {
    auto session = store.begin(Store::Mode::write);
    session->clear_caches();
    session->commit();
  }
  // No row at all, but events: a create would otherwise try version 1 again.
  EXPECT_EQ(error_code_of([&] {
              run(store, CreateItem{"A-1", 1, std::nullopt});
            }),
            "read_model_mismatch");
  EXPECT_EQ(head_of(store).position, 2);
}

TYPED_TEST(StoreContract, AWriteRefusesALogThatEndsBeforeTheCommittedHead) {
  auto owned = this->open();
  Store& store = *owned;
  const RecordedEvent created = run(store, CreateItem{"A-1", 10, std::nullopt}).at(0);
  {
    auto session = store.begin(Store::Mode::write);
    session->set_head({2, std::string(64, 'a'), created.recorded_at});
    session->commit();
  }
  EXPECT_EQ(error_code_of([&] { run(store, CreateItem{"B-1", 1, std::nullopt}); }), "damaged_log");
  EXPECT_EQ(head_of(store).position, 1);
  app::AuditService audit(store);
  const app::VerifyReport report = audit.verify(std::nullopt, std::nullopt, nullptr);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.problems.at(0).kind, "log_truncated");
  EXPECT_EQ(error_code_of([&] { audit.rebuild(nullptr); }), "damaged_log");
}

TYPED_TEST(StoreContract, VerifyAndRebuildMendAnIdempotencyIndexRowNoCommandLeft) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A-1", 10, std::nullopt});
  EventMetadata keyed = by("tester");
  keyed.idempotency_key = "k1";
  const RecordedEvent reserved = run(store, ReserveStock{"A-1", 2}, keyed).at(0);
  {
    auto session = store.begin(Store::Mode::write);
    session->put_command_key({"k1", "release"});
    session->put_command_key({"k9", "reserve"});  // a key that no event carries
    session->commit();
  }
  app::AuditService audit(store);
  const app::VerifyReport report = audit.verify(std::nullopt, std::nullopt, nullptr);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].kind, "idempotency_index_mismatch");
  EXPECT_EQ(report.problems[0].position, reserved.position);
  EXPECT_EQ(report.problems[0].sku, "A-1");
  EXPECT_EQ(report.problems[1].position, 0);
  audit.rebuild(nullptr);
  EXPECT_TRUE(audit.verify(std::nullopt, std::nullopt, nullptr).ok());
}

// ---- open reservations per ref (SPEC §8) --------------------------------------------------------

EventMetadata for_ref(std::string ref) {
  EventMetadata metadata = by("tester");
  metadata.ref = std::move(ref);
  return metadata;
}

std::vector<LotRow> lots_of(Store& store, const LotFilter& filter = {}) {
  std::vector<LotRow> lots;
  store.begin(Store::Mode::read)->scan_lots(filter, [&](const LotRow& row) {
    lots.push_back(row);
  });
  return lots;
}

TYPED_TEST(StoreContract, StoresLotsAndRemovesThoseWithNoQuantity) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 1, std::nullopt});  // a committed head, so the caches are current
  const std::vector<LotRow> rows = {{"B", "order-1", {7, "2026-12-01T00:00:00.000000Z", 2}},
                                    {"A", "", {3, "2026-12-01T00:00:00.000000Z", 1}},
                                    {"A", "order-1", {5, "2026-12-01T00:00:01.000000Z", 4}},
                                    {"A", "order-1", {4, "2026-12-01T00:00:00.500000Z", 3}}};
  {
    auto session = store.begin(Store::Mode::write);
    session->put_lots(rows);
    session->commit();
  }
  // (sku, ref, position) order, every filter.
  EXPECT_THAT(lots_of(store), ElementsAre(rows[1], rows[3], rows[2], rows[0]));
  EXPECT_THAT(lots_of(store, {"A", std::nullopt}), ElementsAre(rows[1], rows[3], rows[2]));
  EXPECT_THAT(lots_of(store, {std::nullopt, "order-1"}), ElementsAre(rows[3], rows[2], rows[0]));
  EXPECT_THAT(lots_of(store, {"A", ""}), ElementsAre(rows[1]));
  {
    auto session = store.begin(Store::Mode::write);
    LotRow changed = rows[3];
    changed.lot.qty = 1;
    LotRow gone = rows[2];
    gone.lot.qty = 0;
    const std::vector<LotRow> updates = {changed, gone};
    session->put_lots(updates);
    session->commit();
  }
  LotRow changed = rows[3];
  changed.lot.qty = 1;
  EXPECT_THAT(lots_of(store, {"A", "order-1"}), ElementsAre(changed));
  {
    auto session = store.begin(Store::Mode::write);
    session->clear_caches();
    session->commit();
  }
  EXPECT_THAT(lots_of(store), IsEmpty());
}

TYPED_TEST(StoreContract, KeepsTheCacheVersion) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 1, std::nullopt});
  EXPECT_EQ(store.begin(Store::Mode::read)->cache_version(), app::k_cache_version)
      << "the first write builds the caches by the current rules";
  {
    auto session = store.begin(Store::Mode::write);
    session->set_cache_version(1);
    session->commit();
  }
  EXPECT_EQ(store.begin(Store::Mode::read)->cache_version(), 1);
  run(store, CreateItem{"B", 1, std::nullopt});  // rebuilds them, and the head keeps the version
  EXPECT_EQ(store.begin(Store::Mode::read)->cache_version(), app::k_cache_version);
  run(store, CreateItem{"C", 1, std::nullopt});
  EXPECT_EQ(store.begin(Store::Mode::read)->cache_version(), app::k_cache_version);
}

TYPED_TEST(StoreContract, ReleasesAndCompletesDrawFromTheirOwnRefOldestFirst) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 20, std::nullopt});
  const RecordedEvent first = run(store, ReserveStock{"A", 3}, for_ref("order-1")).at(0);
  run(store, ReserveStock{"A", 2}, for_ref("order-2"));
  const RecordedEvent second = run(store, ReserveStock{"A", 4}, for_ref("order-1")).at(0);
  run(store, ReserveStock{"A", 1});  // the pool
  // order-2 holds 2: releasing 3 of it is refused, and names the other holders.
  const std::string refused = message_of([&] {
    run(store, ReleaseReservation{"A", 3}, for_ref("order-2"));
  });
  EXPECT_THAT(refused, ::testing::HasSubstr("ref 'order-2' holds 2"));
  EXPECT_THAT(refused, ::testing::HasSubstr("'order-1' 7"));
  EXPECT_EQ(error_code_of([&] {
              run(store, CompleteReservation{"A", 2});
            }),
            "insufficient_reserved");
  // order-1's oldest lot goes first.
  run(store, CompleteReservation{"A", 4}, for_ref("order-1"));
  EXPECT_THAT(lots_of(store, {"A", "order-1"}),
              ElementsAre(LotRow{"A", "order-1", {second.position, second.recorded_at, 3}}));
  (void)first;
  run(store, ReleaseReservation{"A", 1});
  EXPECT_THAT(lots_of(store, {"A", ""}), IsEmpty());
  EXPECT_EQ(find_item(store, "A")->reserved, 5);
  EXPECT_TRUE(app::AuditService(store).verify(std::nullopt, std::nullopt, nullptr).ok());
}

TYPED_TEST(StoreContract, ABatchSeesTheLotsItOpenedItself) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 20, std::nullopt});
  run(store, ReserveStock{"A", 2}, for_ref("order-1"));
  {
    auto session = begin_write(store);
    for (const auto& [command, ref] :
         std::vector<std::pair<Command, std::string>>{{ReserveStock{"A", 5}, "order-1"},
                                                      {ReserveStock{"A", 1}, "order-2"},
                                                      {CompleteReservation{"A", 6}, "order-1"}}) {
      const Item item = session->load("A");
      session->append(item, domain::decide(command, item, session->holdings("A", ref, true)),
                      for_ref(ref));
    }
    EXPECT_EQ(session->holdings("A", "order-1").own.qty(), 1);
    EXPECT_THAT(session->skus_held_by("order-2"), ElementsAre("A"));
    session->commit();
  }
  EXPECT_EQ(lots_of(store, {"A", "order-1"}).size(), 1u);
  EXPECT_EQ(lots_of(store, {"A", "order-1"}).at(0).lot.qty, 1);
  EXPECT_TRUE(app::AuditService(store).verify(std::nullopt, std::nullopt, nullptr).ok());
}

TYPED_TEST(StoreContract, AWriteFindsLotsThatDoNotAddUpToReservedAndVerifyNamesThem) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 10, std::nullopt});
  const RecordedEvent reserved = run(store, ReserveStock{"A", 3}, for_ref("order-1")).at(0);
  {
    auto session = store.begin(Store::Mode::write);
    const std::vector<LotRow> edited = {
        {"A", "order-1", {reserved.position, reserved.recorded_at, 9}}};
    session->put_lots(edited);
    session->commit();
  }
  EXPECT_EQ(error_code_of([&] {
              run(store, ReleaseReservation{"A", 9}, for_ref("order-1"));
            }),
            "read_model_mismatch");
  EXPECT_EQ(head_of(store).position, 2) << "nothing may be appended";
  app::AuditService audit(store);
  const app::VerifyReport report = audit.verify(std::nullopt, std::nullopt, nullptr);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].kind, "reservations_mismatch");
  EXPECT_EQ(report.problems[0].sku, "A");
  audit.rebuild(nullptr);
  EXPECT_TRUE(audit.verify(std::nullopt, std::nullopt, nullptr).ok());
  EXPECT_THAT(lots_of(store),
              ElementsAre(LotRow{"A", "order-1", {reserved.position, reserved.recorded_at, 3}}));
}

TYPED_TEST(StoreContract, ARetiredItemIsStoredAndTakesNoWrites) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 0, std::nullopt});
  run(store, domain::RetireItem{"A"});
  EXPECT_TRUE(find_item(store, "A")->retired);
  EXPECT_EQ(error_code_of([&] { run(store, SetOnHand{"A", 4}); }), "item_retired");
  EXPECT_EQ(error_code_of([&] { run(store, CreateItem{"A", 4, std::nullopt}); }), "item_exists");
  EXPECT_TRUE(app::AuditService(store).verify(std::nullopt, std::nullopt, nullptr).ok());
}

// ---- reorder points (SPEC §9): item state, so the read model, the seal and snapshots hold them
// ---

TYPED_TEST(StoreContract, AReorderPointIsStoredSealedAndVerified) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 10, std::nullopt});
  run(store, CreateItem{"B", 3, std::nullopt});
  const RecordedEvent set = run(store, domain::SetReorderPoint{"A", 4}).at(0);
  EXPECT_EQ(set.type(), "ReorderPointSet");
  EXPECT_EQ(set.data, R"({"reorder_point":4})");
  EXPECT_EQ(find_item(store, "A")->reorder_point, std::optional<std::int64_t>(4));
  EXPECT_EQ(find_item(store, "A")->available, 10);
  EXPECT_EQ(find_item(store, "B")->reorder_point, std::nullopt) << "never set: NULL";
  const std::vector<Item> listed = list_items(store, "");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].reorder_point, std::optional<std::int64_t>(4));
  EXPECT_EQ(listed[1].reorder_point, std::nullopt);
  {
    const auto cached = store.begin(Store::Mode::read)->item("A");
    EXPECT_EQ(cached->seal, app::seal_of(cached->item, set.hash));
    Item without = cached->item;
    without.reorder_point.reset();
    EXPECT_NE(app::seal_of(without, set.hash), cached->seal) << "the seal covers it when set";
  }
  app::AuditService audit(store);
  EXPECT_TRUE(audit.verify(std::nullopt, std::nullopt, nullptr).ok());

  // A reorder point edited by hand (the seal left as it was), or removed: the next write on the
  // item finds it and appends nothing; verify names it; rebuild mends it.
  for (const std::optional<std::int64_t> edited :
       {std::optional<std::int64_t>(9), std::optional<std::int64_t>()}) {
    {
      auto session = store.begin(Store::Mode::write);
      CachedItem row = *session->item("A");
      row.item.reorder_point = edited;
      session->put_items(std::span(&row, 1));
      session->commit();
    }
    EXPECT_EQ(error_code_of([&] { run(store, ReserveStock{"A", 1}); }), "read_model_mismatch");
    EXPECT_EQ(head_of(store).position, 3) << "nothing may be appended";
    const app::VerifyReport report = audit.verify(std::nullopt, std::nullopt, nullptr);
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.problems.at(0).kind, "read_model_mismatch");
    EXPECT_EQ(report.problems.at(0).sku, "A");
    audit.rebuild(nullptr);
    EXPECT_TRUE(audit.verify(std::nullopt, std::nullopt, nullptr).ok());
    EXPECT_EQ(find_item(store, "A")->reorder_point, std::optional<std::int64_t>(4));
  }
  run(store, ReserveStock{"A", 1});
  EXPECT_EQ(find_item(store, "A")->reorder_point, std::optional<std::int64_t>(4));
}

TYPED_TEST(StoreContract, StoresReorderPointsInSnapshots) {
  auto owned = this->open();
  Store& store = *owned;
  run(store, CreateItem{"A", 10, std::nullopt});
  Snapshot with{*find_item(store, "A"), 1};
  with.item.reorder_point = 3;
  Snapshot without{*find_item(store, "A"), 1};
  without.item.sku = "B";
  {
    auto session = store.begin(Store::Mode::write);
    const Snapshot both[] = {with, without};
    session->put_snapshots(both);
    session->commit();
  }
  auto session = store.begin(Store::Mode::read);
  EXPECT_EQ(session->snapshot_at_or_before("A", 5), std::optional<Snapshot>(with));
  EXPECT_EQ(session->snapshot_at_or_before("B", 5), std::optional<Snapshot>(without));
  std::vector<Snapshot> scanned;
  session->scan_snapshots([&](const Snapshot& snapshot) { scanned.push_back(snapshot); });
  EXPECT_THAT(scanned, ElementsAre(with, without));
}

TYPED_TEST(StoreContract, ASchema3DatabaseIsReadAsItIsAndUpgradedByItsFirstWrite) {
  {
    auto owned = this->open();
    run(*owned, CreateItem{"A", 10, std::nullopt});
    run(*owned, ReserveStock{"A", 2});
  }
  this->downgrade_to_schema3();
  {
    auto reader = this->open(Access::read);
    EXPECT_EQ(stats_of(*reader).schema_version, 3);
    const auto item = find_item(*reader, "A");
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->reorder_point, std::nullopt);
    EXPECT_EQ(item->available, 8);
    EXPECT_TRUE(app::AuditService(*reader).verify(std::nullopt, std::nullopt, nullptr).ok());
    EXPECT_EQ(stats_of(*reader).schema_version, 3) << "reads change nothing";
  }
  auto owned = this->open();
  Store& store = *owned;
  run(store, domain::SetReorderPoint{"A", 8});
  EXPECT_EQ(stats_of(store).schema_version, k_schema_version);
  EXPECT_EQ(k_schema_version, 4);
  EXPECT_EQ(find_item(store, "A")->reorder_point, std::optional<std::int64_t>(8));
  EXPECT_TRUE(find_item(store, "A")->low());
  EXPECT_EQ(store.begin(Store::Mode::read)->cache_version(), app::k_cache_version);
  EXPECT_TRUE(app::AuditService(store).verify(std::nullopt, std::nullopt, nullptr).ok());
}

// ---- transactions and the write lock ------------------------------------------------------------

TYPED_TEST(StoreContract, ASessionDestroyedWithoutCommitAppendsNothing) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  {
    auto session = begin_write(store);
    const Item item = session->load("A-1");
    EXPECT_FALSE(item.exists());
    const auto recorded = session->append(item, {domain::ItemCreated{10, 10}}, by("tester"));
    ASSERT_EQ(recorded.size(), 1u);
    // Inside the session the append is visible.
    EXPECT_EQ(session->load("A-1").version, 1);
  }
  EXPECT_EQ(head_of(store).position, 0);
  EXPECT_EQ(head_of(store).hash, std::string(64, '0'));
  EXPECT_EQ(find_item(store, "A-1"), std::nullopt);
  EXPECT_THAT(history(store), IsEmpty());
  EXPECT_THAT(list_items(store, ""), IsEmpty());
  // The next command starts at position 1, version 1.
  const auto events = run(store, CreateItem{"A-1", 3, std::nullopt});
  EXPECT_EQ(events.at(0).position, 1);
  EXPECT_EQ(events.at(0).version, 1);
  EXPECT_EQ(events.at(0).prev_hash, std::string(64, '0'));
}

TYPED_TEST(StoreContract, AWriterThatCannotGetTheLockFailsWithStorageError) {
  auto first_owned = this->open(Access::write);
  Store& first = *first_owned;
  auto second_owned = this->open(Access::write);
  Store& second = *second_owned;
  {
    auto session = begin_write(first);
    const Item item = session->load("A-1");
    session->append(item, {domain::ItemCreated{10, 10}}, by("first"));

    std::string code;
    try {
      begin_write(second);
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
  EXPECT_EQ(find_item(second, "A-1")->reserved, 4);
  EXPECT_EQ(find_item(first, "A-1")->reserved, 4);
}

TYPED_TEST(StoreContract, AFailedWriterAppendsNothing) {
  auto first_owned = this->open(Access::write);
  Store& first = *first_owned;
  auto second_owned = this->open(Access::write);
  Store& second = *second_owned;
  run(first, CreateItem{"A-1", 10, std::nullopt});
  {
    auto session = begin_write(first);
    EXPECT_EQ(exit_code_of([&] { run(second, ReserveStock{"A-1", 1}); }), ExitCode::storage);
  }
  EXPECT_EQ(head_of(second).position, 1);
  EXPECT_EQ(find_item(second, "A-1")->reserved, 0);
}

TYPED_TEST(StoreContract, ReopenedStoreSeesTheCommittedEvents) {
  std::vector<RecordedEvent> appended;
  {
    auto store_owned = this->open(Access::write);
    Store& store = *store_owned;
    appended = run(store, CreateItem{"A-1", 10, std::nullopt});
    run(store, ReserveStock{"A-1", 4});
  }
  auto reopened_owned = this->open(Access::read);
  Store& reopened = *reopened_owned;
  const auto item = find_item(reopened, "A-1");
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->on_hand, 10);
  EXPECT_EQ(item->reserved, 4);
  EXPECT_EQ(item->available, 6);
  EXPECT_EQ(item->version, 2);
  const auto events = history(reopened);
  ASSERT_EQ(events.size(), 2u);
  expect_same_event(events[0], appended[0]);
  EXPECT_EQ(head_of(reopened).position, 2);
  EXPECT_EQ(head_of(reopened).hash, events[1].hash);
}

// ---- the file: missing, foreign, newer ----------------------------------------------------------

TEST_F(SqliteStoreTest, ReadOfAMissingFileIsNotFoundAndCreatesNothing) {
  std::string code;
  try {
    SqliteStore store(db_path(), Access::read, k_no_wait);
    ADD_FAILURE() << "opened a missing database for reading";
  } catch (const Error& error) {
    EXPECT_EQ(error.exit_code(), ExitCode::not_found) << error.what();
    code = error.code();
  }
  EXPECT_EQ(code, "database_not_found");
  EXPECT_FALSE(std::filesystem::exists(db_path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir()));
}

TEST_F(SqliteStoreTest, ReadInAMissingDirectoryIsNotFound) {
  const auto path = dir() / "no-such-dir" / "inventory.db";
  EXPECT_EQ(exit_code_of([&] { SqliteStore(path, Access::read, k_no_wait); }), ExitCode::not_found);
  EXPECT_FALSE(std::filesystem::exists(path.parent_path()));
}

TEST_F(SqliteStoreTest, DryRunOnAMissingPathCreatesNoFile) {
  {
    SqliteStore store(db_path(), Access::dry_run, k_no_wait);
    EXPECT_EQ(head_of(store).position, 0);
    EXPECT_EQ(find_item(store, "A-1"), std::nullopt);
    auto session = begin_write(store);
    const Item item = session->load("A-1");
    const auto events = session->append(item, {domain::ItemCreated{5, 5}}, by("tester"));
    EXPECT_EQ(events.at(0).position, 1);
    EXPECT_EQ(events.at(0).prev_hash, std::string(64, '0'));
  }
  EXPECT_FALSE(std::filesystem::exists(db_path()));
  EXPECT_TRUE(std::filesystem::is_empty(dir()));
}

TEST_F(SqliteStoreTest, WriteCreatesAnInvDatabaseAtItsFirstCommitOnly) {
  {
    SqliteStore store(db_path(), Access::write, k_no_wait);
    EXPECT_EQ(head_of(store).position, 0);
    EXPECT_EQ(head_of(store).hash, std::string(64, '0'));
    EXPECT_EQ(store.database().pragma_int("application_id"), 1229870641);  // "INV1"
    EXPECT_EQ(store.database().pragma_int("user_version"), k_schema_version);
    EXPECT_EQ(stats_of(store).schema_version, k_schema_version);
    // A command that fails leaves no new file behind (SPEC §11).
    EXPECT_EQ(exit_code_of([&] { run(store, ReserveStock{"A-1", 1}); }), ExitCode::not_found);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir()));
  {
    SqliteStore store(db_path(), Access::write, k_no_wait);
    run(store, CreateItem{"A-1", 1, std::nullopt});
    EXPECT_TRUE(std::filesystem::exists(db_path()));
    run(store, ReserveStock{"A-1", 1});  // the store goes on, on the file in place
  }
  SqliteStore reader(db_path(), Access::read, k_no_wait);
  EXPECT_EQ(head_of(reader).position, 2);
  EXPECT_EQ(reader.database().pragma_int("user_version"), k_schema_version);
  // Initializing an existing inv database does nothing (SPEC §7).
  EXPECT_FALSE(initialize_database(db_path(), k_no_wait));
}

TEST_F(SqliteStoreTest, InitializeCreatesOnceOnly) {
  EXPECT_TRUE(initialize_database(db_path(), k_no_wait));
  EXPECT_FALSE(initialize_database(db_path(), k_no_wait));
  SqliteStore store(db_path(), Access::read, k_no_wait);
  EXPECT_EQ(store.database().pragma_int("application_id"), k_application_id);
}

TEST_F(SqliteStoreTest, RandomBytesAreAnIntegrityError) {
  std::mt19937 random(42);
  std::string bytes(8192, '\0');
  for (char& byte : bytes) {
    byte = static_cast<char>(random() & 0xFF);
  }
  write_bytes(db_path(), bytes);
  expect_refused_by_every_access(ExitCode::integrity);
}

TEST_F(SqliteStoreTest, ATextFileIsAnIntegrityError) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "sku,on_hand\nA-1,10\n";
  }
  write_bytes(db_path(), text);
  expect_refused_by_every_access(ExitCode::integrity);
}

TEST_F(SqliteStoreTest, AnotherApplicationsSqliteFileIsAnIntegrityError) {
  make_sqlite_file(db_path(),
                   "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                   "INSERT INTO notes (body) VALUES ('keep me');");
  expect_refused_by_every_access(ExitCode::integrity);
  EXPECT_EQ(error_code_of([&] { SqliteStore(db_path(), Access::write, k_no_wait); }),
            "not_an_inv_database");
}

TEST_F(SqliteStoreTest, AnotherApplicationIdIsAnIntegrityError) {
  make_sqlite_file(db_path(), "PRAGMA application_id = 42;");
  expect_refused_by_every_access(ExitCode::integrity);
}

TEST_F(SqliteStoreTest, ANewerSchemaIsAnIntegrityError) {
  make_sqlite_file(db_path(),
                   "PRAGMA application_id = 1229870641; PRAGMA user_version = 99;"
                   "CREATE TABLE events (position INTEGER PRIMARY KEY);");
  expect_refused_by_every_access(ExitCode::integrity);
  EXPECT_EQ(error_code_of([&] { SqliteStore(db_path(), Access::read, k_no_wait); }),
            "newer_schema");
}

// ---- append-only --------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, TriggersRefuseUpdateAndDeleteOfEvents) {
  SqliteStore store(db_path(), Access::write, k_no_wait);
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

TYPED_TEST(StoreContract, ReadModelEqualsTheFoldOfTheEvents) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
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
  EXPECT_EQ(head_of(store).position, accepted);

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
    EXPECT_EQ(find_item(store, sku), std::optional<Item>(item));
  }
  EXPECT_EQ(list_items(store, ""), expected);
  EXPECT_EQ(stats_of(store).items, static_cast<std::int64_t>(folded.size()));
  EXPECT_EQ(stats_of(store).events, accepted);
}

TEST_F(SqliteStoreTest, StoresASnapshotEveryThousandVersions) {
  ASSERT_EQ(app::k_snapshot_interval, 1000);
  SqliteStore store(db_path(), Access::write, k_no_wait);
  run(store, CreateItem{"B-1", 1, std::nullopt});  // so that positions and versions differ
  run(store, CreateItem{"A-1", 10, std::nullopt});
  run(store, ReserveStock{"A-1", 3});
  RecordedEvent at_1000;
  {
    auto session = begin_write(store);
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
  EXPECT_EQ(find_item(store, "A-1")->version, 1001);

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
  EXPECT_EQ(stats_of(store).snapshots, 1);
}

// ---- queries ------------------------------------------------------------------------------------

TYPED_TEST(StoreContract, ListsItemsInByteOrderOfSku) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  for (const std::string sku : {"b", "a", "B", "a%", "a_", "ab", "aX", "a%b", "\xC3\xA9-1", "Z",
                                "a\xF4\x8F\xBF\xBF", "a-1"}) {
    run(store, CreateItem{sku, 1, std::nullopt});
  }
  EXPECT_THAT(skus(list_items(store, "")),
              ElementsAre("B", "Z", "a", "a%", "a%b", "a-1", "aX", "a_", "ab", "a\xF4\x8F\xBF\xBF",
                          "b", "\xC3\xA9-1"));
}

TYPED_TEST(StoreContract, ListTakesThePrefixLiterally) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  for (const std::string sku : {"a", "a%", "a%b", "aXb", "a_", "a_b", "aYb", "ab", "A%", "b%",
                                "a\xF4\x8F\xBF\xBF", "\xC3\xA9-1", "\xC3\xA9-2", "\xC3\x89-1"}) {
    run(store, CreateItem{sku, 1, std::nullopt});
  }
  EXPECT_THAT(skus(list_items(store, "a%")), ElementsAre("a%", "a%b"));
  EXPECT_THAT(skus(list_items(store, "a_")), ElementsAre("a_", "a_b"));
  EXPECT_THAT(skus(list_items(store, "a_b")), ElementsAre("a_b"));
  EXPECT_THAT(skus(list_items(store, "%")), IsEmpty());
  EXPECT_THAT(skus(list_items(store, "_")), IsEmpty());
  EXPECT_THAT(skus(list_items(store, "A")), ElementsAre("A%"));  // case-sensitive
  EXPECT_THAT(skus(list_items(store, "\xC3\xA9")), ElementsAre("\xC3\xA9-1", "\xC3\xA9-2"));
  EXPECT_THAT(skus(list_items(store, "a")),
              ElementsAre("a", "a%", "a%b", "aXb", "aYb", "a_", "a_b", "ab", "a\xF4\x8F\xBF\xBF"));
  EXPECT_THAT(skus(list_items(store, "zzz")), IsEmpty());
}

TYPED_TEST(StoreContract, SkusAreCaseSensitive) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  run(store, CreateItem{"a-1", 1, std::nullopt});
  run(store, CreateItem{"A-1", 2, std::nullopt});
  EXPECT_EQ(find_item(store, "a-1")->on_hand, 1);
  EXPECT_EQ(find_item(store, "A-1")->on_hand, 2);
  EXPECT_EQ(find_item(store, "a-1 "), std::nullopt);
}

// Positions: 1 A create, 2 B create, 3 A reserve, 4 B adjust, 5 A release, 6 A reserve,
// 7 C set-soh.
void fill(Store& store) {
  run(store, CreateItem{"A", 10, std::nullopt});
  run(store, CreateItem{"B", 10, std::nullopt});
  run(store, ReserveStock{"A", 2});
  run(store, AdjustStock{"B", 5});
  run(store, ReleaseReservation{"A", 1});
  run(store, ReserveStock{"A", 4});
  run(store, SetOnHand{"C", 3});
}

HistoryFilter filter(std::optional<std::string> sku, std::int64_t after,
                     std::optional<std::int64_t> limit, std::optional<std::string> type) {
  HistoryFilter result;
  result.sku = std::move(sku);
  result.after_position = after;
  result.limit = limit;
  result.type = std::move(type);
  return result;
}

template <class Factory>
class HistoryContract : public StoreContract<Factory> {};
TYPED_TEST_SUITE(HistoryContract, Stores);

TYPED_TEST(HistoryContract, ListsEveryEventInPositionOrder) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  fill(store);
  EXPECT_THAT(positions(history(store)), ElementsAre(1, 2, 3, 4, 5, 6, 7));
}

TYPED_TEST(HistoryContract, SinceIsExclusive) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  fill(store);
  EXPECT_THAT(positions(history(store, filter({}, 3, {}, {}))), ElementsAre(4, 5, 6, 7));
  EXPECT_THAT(positions(history(store, filter({}, 6, {}, {}))), ElementsAre(7));
  EXPECT_THAT(positions(history(store, filter({}, 7, {}, {}))), IsEmpty());
  EXPECT_THAT(positions(history(store, filter({}, 100, {}, {}))), IsEmpty());
}

TYPED_TEST(HistoryContract, LimitKeepsTheFirstInOrder) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  fill(store);
  EXPECT_THAT(positions(history(store, filter({}, 0, 2, {}))), ElementsAre(1, 2));
  EXPECT_THAT(positions(history(store, filter({}, 2, 3, {}))), ElementsAre(3, 4, 5));
  EXPECT_THAT(positions(history(store, filter({}, 5, 10, {}))), ElementsAre(6, 7));
}

TYPED_TEST(HistoryContract, FiltersByType) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  fill(store);
  EXPECT_THAT(positions(history(store, filter({}, 0, {}, "StockReserved"))), ElementsAre(3, 6));
  EXPECT_THAT(positions(history(store, filter({}, 0, {}, "ItemCreated"))), ElementsAre(1, 2, 7));
  EXPECT_THAT(positions(history(store, filter({}, 0, 2, "ItemCreated"))), ElementsAre(1, 2));
  EXPECT_THAT(positions(history(store, filter({}, 0, {}, "ReservationCompleted"))), IsEmpty());
}

TYPED_TEST(HistoryContract, FiltersByRefActorAndUpToPosition) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  run(store, CreateItem{"A", 10, std::nullopt}, by("alice"));  // 1
  run(store, ReserveStock{"A", 2}, for_ref("order-1"));        // 2 tester
  EventMetadata bob = for_ref("order-1");
  bob.actor = "bob";
  run(store, ReserveStock{"A", 1}, bob);                    // 3
  run(store, CreateItem{"B", 1, std::nullopt}, by("bob"));  // 4
  HistoryFilter of_ref;
  of_ref.ref = "order-1";
  EXPECT_THAT(positions(history(store, of_ref)), ElementsAre(2, 3));
  HistoryFilter of_bob;
  of_bob.actor = "bob";
  EXPECT_THAT(positions(history(store, of_bob)), ElementsAre(3, 4));
  of_bob.ref = "order-1";
  EXPECT_THAT(positions(history(store, of_bob)), ElementsAre(3));
  HistoryFilter window;
  window.after_position = 1;
  window.up_to_position = 3;
  EXPECT_THAT(positions(history(store, window)), ElementsAre(2, 3));
  window.sku = "A";
  window.up_to_position = 2;
  EXPECT_THAT(positions(history(store, window)), ElementsAre(2));
}

TYPED_TEST(HistoryContract, NewestFirstWithALimitKeepsTheNewest) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  fill(store);
  HistoryFilter newest = filter({}, 0, 3, {});
  newest.newest_first = true;
  EXPECT_THAT(positions(history(store, newest)), ElementsAre(7, 6, 5));
  newest.sku = "A";
  EXPECT_THAT(positions(history(store, newest)), ElementsAre(6, 5, 3));
  newest.type = "StockReserved";
  newest.limit = 10;
  EXPECT_THAT(positions(history(store, newest)), ElementsAre(6, 3));
}

TYPED_TEST(HistoryContract, FiltersBySku) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
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

TYPED_TEST(HistoryContract, StatsCountTheLog) {
  auto store_owned = this->open(Access::write);
  Store& store = *store_owned;
  fill(store);
  const Stats stats = stats_of(store);
  EXPECT_EQ(stats.events, 7);
  EXPECT_EQ(stats.items, 3);
  EXPECT_EQ(stats.head.position, 7);
  EXPECT_EQ(stats.head.hash, head_of(store).hash);
  EXPECT_EQ(stats.first_recorded_at, history(store).at(0).recorded_at);
  EXPECT_GT(stats.storage_bytes, 0);
}

TYPED_TEST(HistoryContract, AReaderSeesTheSameLog) {
  {
    auto store_owned = this->open(Access::write);
    Store& store = *store_owned;
    fill(store);
  }
  auto reader_owned = this->open(Access::read);
  Store& reader = *reader_owned;
  EXPECT_THAT(positions(history(reader, filter("A", 3, 1, {}))), ElementsAre(5));
  EXPECT_THAT(skus(list_items(reader, "")), ElementsAre("A", "B", "C"));
}

}  // namespace
}  // namespace inv::store
