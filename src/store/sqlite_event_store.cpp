#include "inv/store/sqlite_event_store.hpp"

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <unistd.h>

#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/schema.hpp"
#include "inv/util/string_map.hpp"
#include "inv/util/time.hpp"

namespace inv::store {
namespace {

constexpr std::string_view k_event_columns =
    "position, sku, version, type, data, recorded_at, actor, ref, note, idempotency_key, "
    "prev_hash, hash, qty, on_hand, available, previous";

// Reads a row selected with k_event_columns.
RecordedEvent read_event(const Statement& row) {
  RecordedEvent event;
  event.position = row.int64(0);
  event.sku = row.text(1);
  event.version = row.int64(2);
  const std::string_view type = row.text(3);
  auto decoded =
      event_from_columns(type, row.int64(12), row.int64(13), row.int64(14), row.int64(15));
  if (!decoded) {
    throw Error(ExitCode::integrity, "unknown_event_type",
                "event at position " + std::to_string(event.position) + " has unknown type '" +
                    std::string(type) + "'; run 'inv verify'");
  }
  event.event = *decoded;
  event.data = row.text(4);
  event.recorded_at = row.text(5);
  event.metadata.actor = row.text(6);
  event.metadata.ref = row.optional_text(7);
  event.metadata.note = row.optional_text(8);
  event.metadata.idempotency_key = row.optional_text(9);
  event.prev_hash = row.text(10);
  event.hash = row.text(11);
  return event;
}

domain::Item read_item(const Statement& row) {
  domain::Item item;
  item.sku = row.text(0);
  item.on_hand = row.int64(1);
  item.reserved = row.int64(2);
  item.available = row.int64(3);
  item.version = row.int64(4);
  item.updated_at = row.text(5);
  return item;
}

Head read_head(Database& db) {
  auto statement =
      db.cached("SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1");
  Head head;
  if (statement->step()) {
    head.position = statement->int64(0);
    head.hash = statement->text(1);
    head.recorded_at = statement->text(2);
  }
  return head;
}

std::optional<std::int64_t> optional_int(const Statement& row, int column) {
  return row.is_null(column) ? std::nullopt : std::optional<std::int64_t>(row.int64(column));
}

std::optional<std::string_view> optional_view(const Statement& row, int column) {
  return row.is_null(column) ? std::nullopt : std::optional<std::string_view>(row.text(column));
}

void scan_log_rows(Database& db, std::int64_t after_position,
                   const std::function<void(const StoredEventView&)>& visit) {
  auto row = db.cached(std::string("SELECT ") + std::string(k_event_columns) +
                       " FROM events WHERE position > ? ORDER BY position");
  row->bind(1, after_position);
  StoredEventView view;
  while (row->step()) {
    view.position = row->int64(0);
    view.sku = row->text(1);
    view.version = row->int64(2);
    view.type = row->text(3);
    view.data = row->text(4);
    view.recorded_at = row->text(5);
    view.actor = row->text(6);
    view.ref = optional_view(*row, 7);
    view.note = optional_view(*row, 8);
    view.idempotency_key = optional_view(*row, 9);
    view.prev_hash = row->text(10);
    view.hash = row->text(11);
    view.qty = optional_int(*row, 12);
    view.on_hand = optional_int(*row, 13);
    view.available = optional_int(*row, 14);
    view.previous = optional_int(*row, 15);
    visit(view);
  }
}

std::vector<domain::Item> read_model_rows(Database& db) {
  std::vector<domain::Item> items;
  auto row = db.cached(
      "SELECT sku, on_hand, reserved, available, version, updated_at FROM items "
      "ORDER BY sku");
  while (row->step()) {
    items.push_back(read_item(*row));
  }
  return items;
}

std::vector<Snapshot> snapshot_rows(Database& db) {
  std::vector<Snapshot> snapshots;
  auto row = db.cached(
      "SELECT sku, on_hand, reserved, available, version, updated_at, position "
      "FROM snapshots ORDER BY sku, version");
  while (row->step()) {
    snapshots.push_back({read_item(*row), row->int64(6)});
  }
  return snapshots;
}

std::optional<domain::Item> find_item_row(Database& db, std::string_view sku) {
  auto row = db.cached(
      "SELECT sku, on_hand, reserved, available, version, updated_at FROM items WHERE sku = ?");
  row->bind(1, sku);
  if (row->step()) {
    return read_item(*row);
  }
  return std::nullopt;
}

// The state after `sku`'s event at `version`: the nearest snapshot at or below it, then the
// events after the snapshot, folded from their typed columns.
std::optional<domain::Item> state_at_version(Database& db, std::string_view sku,
                                             std::int64_t version) {
  domain::Item item;
  item.sku = sku;
  {
    auto snapshot = db.cached(
        "SELECT sku, on_hand, reserved, available, version, updated_at FROM snapshots "
        "WHERE sku = ? AND version <= ? ORDER BY version DESC LIMIT 1");
    snapshot->bind(1, sku).bind(2, version);
    if (snapshot->step()) {
      item = read_item(*snapshot);
    }
  }
  auto row = db.cached(
      "SELECT version, type, qty, on_hand, available, previous, recorded_at, position FROM events "
      "WHERE sku = ? AND version > ? AND version <= ? ORDER BY version");
  row->bind(1, sku).bind(2, item.version).bind(3, version);
  while (row->step()) {
    const auto event = event_from_columns(row->text(1), row->int64(2), row->int64(3), row->int64(4),
                                          row->int64(5));
    if (!event || row->int64(0) != item.version + 1) {
      throw Error(ExitCode::integrity, "damaged_log",
                  "the log of '" + std::string(sku) + "' is damaged at position " +
                      std::to_string(row->int64(7)) + "; run 'inv verify'");
    }
    item = domain::evolve(std::move(item), *event);
    item.updated_at = row->text(6);
  }
  if (item.version != version) {
    return std::nullopt;
  }
  return item;
}

// The recorded_at of `sku`'s event at `version` (empty if there is none).
std::string recorded_at_of(Database& db, std::string_view sku, std::int64_t version) {
  auto row = db.cached("SELECT recorded_at FROM events WHERE sku = ? AND version = ?");
  row->bind(1, sku).bind(2, version);
  return row->step() ? std::string(row->text(0)) : std::string();
}

// The last version of `sku` recorded at or before `time` (0 if none), by binary search: recorded_at
// never decreases along positions, so it never decreases along an item's versions either.
std::int64_t last_version_at(Database& db, std::string_view sku, std::int64_t current_version,
                             std::string_view time) {
  std::int64_t low = 0;  // invariant: version `low` is at or before `time` (0: before the item)
  std::int64_t high = current_version;
  while (low < high) {
    const std::int64_t middle = low + (high - low + 1) / 2;
    if (recorded_at_of(db, sku, middle) <= time) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

std::optional<domain::Item> state_as_of(Database& db, std::string_view sku, std::string_view time) {
  const auto current = find_item_row(db, sku);
  if (!current) {
    return std::nullopt;
  }
  const std::int64_t version = last_version_at(db, sku, current->version, time);
  if (version == 0) {
    return std::nullopt;
  }
  return state_at_version(db, sku, version);
}

std::vector<domain::Item> items_with_prefix(Database& db, std::string_view prefix) {
  // A range scan on the primary key rather than LIKE, which would treat '%' and '_' in a SKU
  // as wildcards and ignore case. The upper bound is the prefix followed by the byte 0xFF, which
  // no UTF-8 text contains.
  std::vector<domain::Item> items;
  auto row = db.cached(
      "SELECT sku, on_hand, reserved, available, version, updated_at FROM items "
      "WHERE sku >= ?1 AND sku < ?2 ORDER BY sku");
  std::string upper(prefix);
  upper.push_back('\xFF');
  row->bind(1, prefix).bind(2, std::string_view(upper));
  while (row->step()) {
    items.push_back(read_item(*row));
  }
  return items;
}

class SqliteReadSession final : public ReadSession {
 public:
  explicit SqliteReadSession(Database& db) : m_db(db), m_transaction(db, Transaction::Mode::read) {}

  void scan_log(std::int64_t after_position,
                const std::function<void(const StoredEventView&)>& visit) override {
    scan_log_rows(m_db, after_position, visit);
  }
  std::vector<domain::Item> read_model() override { return read_model_rows(m_db); }
  std::vector<Snapshot> snapshots() override { return snapshot_rows(m_db); }
  Head head() override { return read_head(m_db); }

 private:
  Database& m_db;
  Transaction m_transaction;
};

// SPEC §12: a database the user may not open (a directory they cannot enter, a file they cannot
// read) is permission denied (exit 7), never "no inv database" (exit 4).
void refuse_if_forbidden(const std::filesystem::path& path, std::error_code exists_error) {
  const bool forbidden = exists_error == std::errc::permission_denied ||
                         (!exists_error && ::access(path.c_str(), R_OK) != 0 && errno == EACCES);
  if (forbidden) {
    throw Error(ExitCode::storage, "permission_denied",
                "cannot open '" + path.string() + "': permission denied");
  }
}

Error missing_database(const std::filesystem::path& path) {
  return Error(ExitCode::not_found, "database_not_found",
               "no inv database at '" + path.string() +
                   "' (create one with 'inv init', or pass --db / set INV_DB)");
}

class SqliteWriteSession final : public WriteSession {
 public:
  explicit SqliteWriteSession(Database& db)
      : m_db(db), m_transaction(db, Transaction::Mode::write) {}

  domain::Item load(std::string_view sku) override {
    if (const auto dirty = m_dirty.find(sku); dirty != m_dirty.end()) {
      return dirty->second;
    }
    if (auto item = find_item_row(m_db, sku)) {
      return *item;
    }
    domain::Item item;
    item.sku = sku;
    return item;
  }

  void scan_log(std::int64_t after_position,
                const std::function<void(const StoredEventView&)>& visit) override {
    scan_log_rows(m_db, after_position, visit);
  }
  std::vector<domain::Item> read_model() override { return read_model_rows(m_db); }
  std::vector<Snapshot> snapshots() override { return snapshot_rows(m_db); }
  Head head() override {
    if (!m_head) {
      m_head = read_head(m_db);
    }
    return *m_head;
  }

  void append_recorded(const RecordedEvent& event, const domain::Item& item_after) override {
    insert_event(event);
    if (item_after.version % k_snapshot_interval == 0) {
      insert_snapshot(item_after, event.position);
    }
    mark_dirty(item_after);
    m_head = Head{event.position, event.hash, event.recorded_at};
  }

  std::vector<RecordedEvent> find_by_idempotency_key(std::string_view key) override {
    std::vector<RecordedEvent> events;
    auto row = m_db.cached(std::string("SELECT ") + std::string(k_event_columns) +
                           " FROM events WHERE idempotency_key = ? ORDER BY position");
    row->bind(1, key);
    while (row->step()) {
      events.push_back(read_event(*row));
    }
    return events;
  }

  std::optional<domain::Item> item_at_version(std::string_view sku, std::int64_t version) override {
    return state_at_version(m_db, sku, version);
  }

  void remember_command(std::string_view key, std::string_view command) override {
    auto statement = m_db.cached(
        "INSERT OR IGNORE INTO idempotency_commands (idempotency_key, command) VALUES (?, ?)");
    statement->bind(1, key).bind(2, command).run();
  }

  std::optional<std::string> command_for_key(std::string_view key) override {
    auto statement =
        m_db.cached("SELECT command FROM idempotency_commands WHERE idempotency_key = ?");
    statement->bind(1, key);
    if (statement->step()) {
      return std::string(statement->text(0));
    }
    return std::nullopt;
  }

  void replace_read_models(const std::vector<domain::Item>& items,
                           const std::vector<Snapshot>& snapshots) override {
    m_dirty.clear();
    m_db.execute("DELETE FROM items; DELETE FROM snapshots;");
    for (const domain::Item& item : items) {
      upsert_item(item);
    }
    for (const Snapshot& snapshot : snapshots) {
      insert_snapshot(snapshot.item, snapshot.position);
    }
  }

  std::vector<RecordedEvent> append(const domain::Item& item,
                                    const std::vector<domain::Event>& events,
                                    const EventMetadata& metadata) override {
    head();
    // recorded_at never goes backwards along positions, even if the clock does, so that
    // "events at or before TIME" is always a prefix of the log.
    std::string now = util::format_rfc3339_micros(util::now_micros());
    if (now < m_head->recorded_at) {
      now = m_head->recorded_at;
    }
    std::vector<RecordedEvent> recorded;
    recorded.reserve(events.size());
    domain::Item state = item;
    for (const domain::Event& event : events) {
      RecordedEvent& r = recorded.emplace_back();
      r.position = m_head->position + 1;
      r.sku = item.sku;
      r.version = state.version + 1;
      r.event = event;
      r.data = event_data_json(event);
      r.recorded_at = now;
      r.metadata = metadata;
      r.prev_hash = m_head->hash;
      r.hash = chain_hash(r.prev_hash, canonical_json(r));
      insert_event(r);
      state = domain::evolve(std::move(state), event);
      state.updated_at = now;
      if (state.version % k_snapshot_interval == 0) {
        insert_snapshot(state, r.position);
      }
      m_head->position = r.position;
      m_head->hash = r.hash;
      m_head->recorded_at = now;
    }
    if (!events.empty()) {
      mark_dirty(state);
    }
    return recorded;
  }

  void commit() override {
    // The read model is written once per item at commit, not once per event: a batch of a
    // million reserves over a few SKUs then costs a few row updates, not a million.
    for (const auto& [sku, item] : m_dirty) {
      upsert_item(item);
    }
    m_dirty.clear();
    m_transaction.commit();
  }

 private:
  void insert_event(const RecordedEvent& r) {
    auto statement = m_db.cached(
        "INSERT INTO events (position, sku, version, type, data, recorded_at, actor, ref, note, "
        "idempotency_key, prev_hash, hash, qty, on_hand, available, previous) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const EventColumns columns = event_columns(r.event);
    statement->bind(1, r.position)
        .bind(2, std::string_view(r.sku))
        .bind(3, r.version)
        .bind(4, r.type())
        .bind(5, std::string_view(r.data))
        .bind(6, std::string_view(r.recorded_at))
        .bind(7, std::string_view(r.metadata.actor))
        .bind(8, r.metadata.ref)
        .bind(9, r.metadata.note)
        .bind(10, r.metadata.idempotency_key)
        .bind(11, std::string_view(r.prev_hash))
        .bind(12, std::string_view(r.hash));
    const std::optional<std::int64_t>* typed[] = {&columns.qty, &columns.on_hand,
                                                  &columns.available, &columns.previous};
    for (int i = 0; i < 4; ++i) {
      if (*typed[i]) {
        statement->bind(13 + i, **typed[i]);
      } else {
        statement->bind_null(13 + i);
      }
    }
    statement->run();
  }

  void upsert_item(const domain::Item& item) {
    auto statement = m_db.cached(
        "INSERT OR REPLACE INTO items (sku, on_hand, reserved, available, version, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    statement->bind(1, std::string_view(item.sku))
        .bind(2, item.on_hand)
        .bind(3, item.reserved)
        .bind(4, item.available)
        .bind(5, item.version)
        .bind(6, std::string_view(item.updated_at))
        .run();
  }

  void insert_snapshot(const domain::Item& item, std::int64_t position) {
    auto statement = m_db.cached(
        "INSERT OR REPLACE INTO snapshots "
        "(sku, version, position, on_hand, reserved, available, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    statement->bind(1, std::string_view(item.sku))
        .bind(2, item.version)
        .bind(3, position)
        .bind(4, item.on_hand)
        .bind(5, item.reserved)
        .bind(6, item.available)
        .bind(7, std::string_view(item.updated_at))
        .run();
  }

  void mark_dirty(const domain::Item& item) {
    auto found = m_dirty.find(item.sku);
    if (found == m_dirty.end()) {
      m_dirty.emplace(item.sku, item);
    } else {
      found->second = item;
    }
  }

  Database& m_db;
  Transaction m_transaction;
  std::optional<Head> m_head;  // read once per session, then advanced as events are appended
  // Items changed in this session and not yet written to the read model (see commit()).
  util::StringMap<domain::Item> m_dirty;
};

}  // namespace

SqliteEventStore::SqliteEventStore(const std::filesystem::path& path, Access access, int wait_ms)
    : m_path(path) {
  std::error_code error_code;
  const bool exists = std::filesystem::exists(path, error_code);
  if (exists || error_code) {
    refuse_if_forbidden(path, error_code);
  }
  switch (access) {
    case Access::read:
      if (!exists) {
        throw missing_database(path);
      }
      m_db = std::make_unique<Database>(path, OpenMode::read_only, wait_ms);
      try {
        m_initialized = inspect_file(*m_db, path.string()) != FileState::empty;
      } catch (const Error& error) {
        // A WAL database in a directory we cannot write cannot get its -shm file. With no -wal
        // file there, nobody can be writing it either, so it can be read as immutable.
        std::filesystem::path wal = path;
        wal += "-wal";
        if (error.exit_code() != ExitCode::storage || std::filesystem::exists(wal, error_code)) {
          throw;
        }
        m_db = std::make_unique<Database>(path, OpenMode::immutable, wait_ms);
        m_initialized = inspect_file(*m_db, path.string()) != FileState::empty;
      }
      // An older schema is read as is only if it is the current one; migration needs a writer.
      return;
    case Access::dry_run:
      if (!exists) {
        m_db = std::make_unique<Database>(":memory:", OpenMode::create, wait_ms);
        create_or_migrate(*m_db, ":memory:");
        return;
      }
      m_db = std::make_unique<Database>(path, OpenMode::read_write, wait_ms);
      if (inspect_file(*m_db, path.string()) != FileState::current) {
        // A dry run must not change the file, and an empty or older file has no current schema:
        // answer from an empty in-memory log instead.
        m_db = std::make_unique<Database>(":memory:", OpenMode::create, wait_ms);
        create_or_migrate(*m_db, ":memory:");
      }
      return;
    case Access::write:
      m_db = std::make_unique<Database>(path, OpenMode::create, wait_ms);
      ensure_schema(*m_db, path.string());
      // Bulk appends (apply, import) are bound by the UNIQUE(sku, version) index outgrowing the
      // default 2 MiB page cache. The limit costs nothing until pages are actually loaded.
      // synchronous=FULL (SQLite's default, stated so it cannot change under us): a command that
      // exits 0 has synced its commit to disk (SPEC §6).
      m_db->execute("PRAGMA cache_size = -65536; PRAGMA synchronous = FULL");
      return;
  }
}

bool initialize_database(const std::filesystem::path& path, int wait_ms) {
  Database db(path, OpenMode::create, wait_ms);
  return ensure_schema(db, path.string());
}

bool ensure_schema(Database& db, const std::string& path) {
  if (inspect_file(db, path) == FileState::current) {
    return false;
  }
  // WAL lets readers run while one writer appends; the mode is stored in the file. It cannot
  // change inside a transaction, so set it first (two processes racing here both ask for WAL).
  db.execute("PRAGMA journal_mode = WAL");
  Transaction transaction(db, Transaction::Mode::write);
  const bool created = inspect_file(db, path) != FileState::current;
  create_or_migrate(db, path);
  transaction.commit();
  return created;
}

std::unique_ptr<WriteSession> SqliteEventStore::begin_write() {
  return std::make_unique<SqliteWriteSession>(*m_db);
}

std::unique_ptr<ReadSession> SqliteEventStore::begin_read() {
  if (!m_initialized) {
    // An empty file opened for reading: answer as an empty log, from an empty in-memory schema.
    m_db = std::make_unique<Database>(":memory:", OpenMode::create, m_db->busy_timeout_ms());
    create_or_migrate(*m_db, ":memory:");
    m_initialized = true;
  }
  return std::make_unique<SqliteReadSession>(*m_db);
}

std::optional<domain::Item> SqliteEventStore::find_item(std::string_view sku) {
  if (!m_initialized) {
    return std::nullopt;
  }
  return find_item_row(*m_db, sku);
}

std::optional<domain::Item> SqliteEventStore::item_at_version(std::string_view sku,
                                                              std::int64_t version) {
  if (!m_initialized) {
    return std::nullopt;
  }
  Transaction transaction(*m_db, Transaction::Mode::read);
  return state_at_version(*m_db, sku, version);
}

std::optional<domain::Item> SqliteEventStore::item_as_of(std::string_view sku,
                                                         std::string_view time) {
  if (!m_initialized) {
    return std::nullopt;
  }
  Transaction transaction(*m_db, Transaction::Mode::read);
  return state_as_of(*m_db, sku, time);
}

std::vector<domain::Item> SqliteEventStore::list_as_of(std::string_view time,
                                                       std::string_view prefix) {
  std::vector<domain::Item> items;
  if (!m_initialized) {
    return items;
  }
  // Per item: a binary search for its last version at `time`, then a fold from the nearest
  // snapshot. Costs O(items * log(versions)), never a replay of the whole log.
  Transaction transaction(*m_db, Transaction::Mode::read);
  for (const domain::Item& current : items_with_prefix(*m_db, prefix)) {
    const std::int64_t version = last_version_at(*m_db, current.sku, current.version, time);
    if (version == current.version) {
      items.push_back(current);
    } else if (version > 0) {
      if (auto item = state_at_version(*m_db, current.sku, version)) {
        items.push_back(std::move(*item));
      }
    }
  }
  return items;
}

std::vector<domain::Item> SqliteEventStore::list_items(std::string_view prefix) {
  if (!m_initialized) {
    return {};
  }
  return items_with_prefix(*m_db, prefix);
}

void SqliteEventStore::history(const HistoryFilter& filter,
                               const std::function<void(const RecordedEvent&)>& visit) {
  if (!m_initialized) {
    return;
  }
  std::string sql = "SELECT ";
  sql += k_event_columns;
  sql += " FROM events WHERE position > ?1";
  if (filter.sku) {
    sql += " AND sku = ?2";
  }
  if (filter.type) {
    sql += " AND type = ?3";
  }
  // One item's events are in version order exactly when they are in position order; ordering by
  // (sku, version) lets SQLite walk the unique index instead of sorting.
  sql += filter.sku ? " ORDER BY sku, version" : " ORDER BY position";
  if (filter.limit) {
    sql += " LIMIT ?4";
  }
  Transaction transaction(*m_db, Transaction::Mode::read);
  auto statement = m_db->cached(sql);
  statement->bind(1, filter.after_position);
  if (filter.sku) {
    statement->bind(2, std::string_view(*filter.sku));
  }
  if (filter.type) {
    statement->bind(3, std::string_view(*filter.type));
  }
  if (filter.limit) {
    statement->bind(4, *filter.limit);
  }
  while (statement->step()) {
    visit(read_event(*statement));
  }
}

Head SqliteEventStore::head() {
  if (!m_initialized) {
    return {};
  }
  return read_head(*m_db);
}

Stats SqliteEventStore::stats() {
  Stats stats;
  std::error_code error;
  const auto size = std::filesystem::file_size(m_path, error);
  stats.file_bytes = error ? 0 : static_cast<std::int64_t>(size);
  if (!m_initialized) {
    return stats;
  }
  Transaction transaction(*m_db, Transaction::Mode::read);
  stats.head = read_head(*m_db);
  // Positions are gap-free from 1, so the head position is the number of events.
  stats.events = stats.head.position;
  const auto count = [&](const char* sql) {
    auto statement = m_db->cached(sql);
    return statement->step() ? statement->int64(0) : 0;
  };
  stats.items = count("SELECT count(*) FROM items");
  stats.snapshots = count("SELECT count(*) FROM snapshots");
  auto first = m_db->cached("SELECT recorded_at FROM events ORDER BY position LIMIT 1");
  if (first->step()) {
    stats.first_recorded_at = first->text(0);
  }
  stats.schema_version = m_db->pragma_int("user_version");
  return stats;
}

}  // namespace inv::store
