#include "inv/store/sqlite_event_store.hpp"

#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/schema.hpp"

namespace inv::store {
namespace {

constexpr std::string_view k_event_columns =
    "position, sku, version, type, data, recorded_at, actor, ref, note, idempotency_key, "
    "prev_hash, hash, qty, on_hand, available, previous";

std::string select_events(std::string_view where) {
  std::string sql = "SELECT ";
  sql += k_event_columns;
  sql += " FROM events ";
  sql += where;
  return sql;
}

std::optional<std::int64_t> optional_int(const Statement& row, int column) {
  return row.is_null(column) ? std::nullopt : std::optional<std::int64_t>(row.int64(column));
}

void bind_optional(Statement& statement, int index, const std::optional<std::int64_t>& value) {
  if (value) {
    statement.bind(index, *value);
  } else {
    statement.bind_null(index);
  }
}

std::optional<std::string_view> optional_view(const Statement& row, int column) {
  return row.is_null(column) ? std::nullopt : std::optional<std::string_view>(row.text(column));
}

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

// Calls `visit` with a view of each row selected with k_event_columns.
void visit_rows(Statement& row, const std::function<void(const StoredEventView&)>& visit) {
  StoredEventView view;
  while (row.step()) {
    view.position = row.int64(0);
    view.sku = row.text(1);
    view.version = row.int64(2);
    view.type = row.text(3);
    view.data = row.text(4);
    view.recorded_at = row.text(5);
    view.actor = row.text(6);
    view.ref = optional_view(row, 7);
    view.note = optional_view(row, 8);
    view.idempotency_key = optional_view(row, 9);
    view.prev_hash = row.text(10);
    view.hash = row.text(11);
    view.qty = optional_int(row, 12);
    view.on_hand = optional_int(row, 13);
    view.available = optional_int(row, 14);
    view.previous = optional_int(row, 15);
    visit(view);
  }
}

// Reads a row selected as sku, on_hand, reserved, available, version, updated_at, retired,
// reorder_point.
domain::Item read_item(const Statement& row) {
  domain::Item item;
  item.sku = row.text(0);
  item.on_hand = row.int64(1);
  item.reserved = row.int64(2);
  item.available = row.int64(3);
  item.version = row.int64(4);
  item.updated_at = row.text(5);
  item.retired = row.int64(6) != 0;
  item.reorder_point = optional_int(row, 7);
  return item;
}

// The columns read_item reads, then the seal, from `items` of a file of schema `schema` (older
// files are read as they are: no seal before 2, nobody retired before 3, no reorder point before
// 4).
std::string item_columns(std::int64_t schema) {
  return std::string("sku, on_hand, reserved, available, version, updated_at, ") +
         (schema >= 3 ? "retired, " : "0, ") + (schema >= 4 ? "reorder_point, " : "NULL, ") +
         (schema >= 2 ? "seal" : "''");
}

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

// One transaction on the SQLite file. Write primitives run only in a write transaction.
class SqliteSession final : public Session {
 public:
  // `schema`: the file's schema version; older ones are opened for reading only (writers migrate
  // them first).
  SqliteSession(SqliteStore& store, Database& db, Transaction::Mode mode, std::int64_t schema)
      : m_store(store), m_db(db), m_transaction(db, mode), m_schema(schema) {}

  std::optional<Head> committed_head() override {
    if (m_schema < 2) {
      const auto last = last_event();
      return last ? Head{last->position, last->hash, last->recorded_at} : Head{};
    }
    auto row = m_db.cached("SELECT position, hash, recorded_at FROM head WHERE id = 1");
    if (!row->step()) {
      return std::nullopt;
    }
    return Head{row->int64(0), std::string(row->text(1)), std::string(row->text(2))};
  }

  std::optional<RecordedEvent> last_event() override {
    auto row = m_db.cached(select_events("ORDER BY position DESC LIMIT 1"));
    return row->step() ? std::optional<RecordedEvent>(read_event(*row)) : std::nullopt;
  }

  std::optional<RecordedEvent> event_at(std::int64_t position) override {
    auto row = m_db.cached(select_events("WHERE position = ?"));
    row->bind(1, position);
    return row->step() ? std::optional<RecordedEvent>(read_event(*row)) : std::nullopt;
  }

  std::optional<CachedItem> item(std::string_view sku) override {
    auto row = m_db.cached("SELECT " + item_columns(m_schema) + " FROM items WHERE sku = ?");
    row->bind(1, sku);
    if (!row->step()) {
      return std::nullopt;
    }
    return CachedItem{read_item(*row), std::string(row->text(8))};
  }

  std::optional<ItemTip> item_tip(std::string_view sku) override {
    auto row = m_db.cached(
        "SELECT version, position, hash FROM events WHERE sku = ? ORDER BY version DESC LIMIT 1");
    row->bind(1, sku);
    if (!row->step()) {
      return std::nullopt;
    }
    return ItemTip{row->int64(0), row->int64(1), std::string(row->text(2))};
  }

  std::optional<Snapshot> snapshot_at_or_before(std::string_view sku,
                                                std::int64_t version) override {
    auto row = m_db.cached(snapshot_select() +
                           "WHERE sku = ? AND version <= ? ORDER BY version DESC LIMIT 1");
    row->bind(1, sku).bind(2, version);
    if (!row->step()) {
      return std::nullopt;
    }
    return Snapshot{read_item(*row), row->int64(8)};
  }

  void item_events(std::string_view sku, std::int64_t after_version, std::int64_t up_to_version,
                   const std::function<void(const StoredEventView&)>& visit) override {
    auto row = m_db.cached(
        select_events("WHERE sku = ? AND version > ? AND version <= ? ORDER BY version"));
    row->bind(1, sku).bind(2, after_version).bind(3, up_to_version);
    visit_rows(*row, visit);
  }

  std::optional<util::Timestamp> recorded_at(std::string_view sku, std::int64_t version) override {
    auto row = m_db.cached("SELECT recorded_at FROM events WHERE sku = ? AND version = ?");
    row->bind(1, sku).bind(2, version);
    if (!row->step()) {
      return std::nullopt;
    }
    const auto micros = util::parse_time(row->text(0));
    return micros ? std::optional<util::Timestamp>(util::Timestamp{*micros}) : std::nullopt;
  }

  std::vector<RecordedEvent> events_with_key(std::string_view key) override {
    std::vector<RecordedEvent> events;
    auto row = m_db.cached(select_events("WHERE idempotency_key = ? ORDER BY position"));
    row->bind(1, key);
    while (row->step()) {
      events.push_back(read_event(*row));
    }
    return events;
  }

  std::optional<std::string> command_for_key(std::string_view key) override {
    auto row = m_db.cached("SELECT command FROM idempotency_commands WHERE idempotency_key = ?");
    row->bind(1, key);
    return row->step() ? std::optional<std::string>(row->text(0)) : std::nullopt;
  }

  void scan(std::int64_t after_position, std::int64_t up_to_position,
            const std::function<void(const StoredEventView&)>& visit) override {
    auto row = m_db.cached(select_events("WHERE position > ? AND position <= ? ORDER BY position"));
    row->bind(1, after_position).bind(2, up_to_position);
    visit_rows(*row, visit);
  }

  void scan_items(std::string_view prefix,
                  const std::function<void(const CachedItem&)>& visit) override {
    // A range scan on the primary key rather than LIKE, which would treat '%' and '_' in a SKU
    // as wildcards and ignore case. The upper bound is the prefix followed by the byte 0xFF,
    // which no UTF-8 text contains.
    auto row = m_db.cached("SELECT " + item_columns(m_schema) +
                           " FROM items WHERE sku >= ?1 AND sku < ?2 ORDER BY sku");
    std::string upper(prefix);
    upper.push_back('\xFF');
    row->bind(1, prefix).bind(2, std::string_view(upper));
    CachedItem cached;
    while (row->step()) {
      cached.item = read_item(*row);
      cached.seal = row->text(8);
      visit(cached);
    }
  }

  void scan_snapshots(const std::function<void(const Snapshot&)>& visit) override {
    auto row = m_db.cached(snapshot_select() + "ORDER BY sku, version");
    while (row->step()) {
      visit(Snapshot{read_item(*row), row->int64(8)});
    }
  }

  void states_at(std::int64_t position, std::string_view prefix,
                 const std::function<void(const Snapshot&)>& visit) override {
    // The read model row with the position of its last event (a covering seek in the (sku,
    // version) index); an item moved since `position` falls back on its latest snapshot at or
    // before it: a backward walk over its few snapshots after `position`.
    auto row = m_db.cached("SELECT " + item_columns(m_schema) +
                           ", (SELECT position FROM events WHERE events.sku = items.sku AND "
                           "events.version = items.version) FROM items WHERE sku >= ?1 AND sku < "
                           "?2 ORDER BY sku");
    std::string upper(prefix);
    upper.push_back('\xFF');
    row->bind(1, prefix).bind(2, std::string_view(upper));
    while (row->step()) {
      const auto last = optional_int(*row, 9);
      if (last && *last <= position) {
        visit(Snapshot{read_item(*row), *last});
        continue;
      }
      auto earlier = m_db.cached(snapshot_select() +
                                 "WHERE sku = ? AND position <= ? ORDER BY version DESC LIMIT 1");
      earlier->bind(1, row->text(0)).bind(2, position);
      if (earlier->step()) {
        visit(Snapshot{read_item(*earlier), earlier->int64(8)});
      }
    }
  }

  void scan_lots(const LotFilter& filter,
                 const std::function<void(const LotRow&)>& visit) override {
    if (m_schema < 3) {
      return;  // an older file has no open reservations cache (cache_version() says so)
    }
    std::string sql = "SELECT sku, ref, position, recorded_at, qty FROM reservations WHERE 1";
    if (filter.sku) {
      sql += " AND sku = ?1";
    }
    if (filter.ref) {
      sql += " AND ref = ?2";
    }
    sql +=
        filter.ref && !filter.sku ? " ORDER BY ref, sku, position" : " ORDER BY sku, ref, position";
    auto row = m_db.cached(sql);
    if (filter.sku) {
      row->bind(1, std::string_view(*filter.sku));
    }
    if (filter.ref) {
      row->bind(2, std::string_view(*filter.ref));
    }
    LotRow lot;
    while (row->step()) {
      lot.sku = row->text(0);
      lot.ref = row->text(1);
      lot.lot.position = row->int64(2);
      lot.lot.recorded_at = row->text(3);
      lot.lot.qty = row->int64(4);
      visit(lot);
    }
  }

  std::int64_t cache_version() override {
    if (m_schema < 3) {
      return 0;
    }
    auto row = m_db.cached("SELECT caches FROM head WHERE id = 1");
    return row->step() ? row->int64(0) : 0;
  }

  void scan_command_keys(const std::function<void(const CommandKey&)>& visit) override {
    auto row = m_db.cached(
        "SELECT idempotency_key, command FROM idempotency_commands ORDER BY idempotency_key");
    while (row->step()) {
      visit(CommandKey{std::string(row->text(0)), std::string(row->text(1))});
    }
  }

  void history(const HistoryFilter& filter,
               const std::function<void(const RecordedEvent&)>& visit) override {
    std::string where = "WHERE position > ?1";
    if (filter.sku) {
      where += " AND sku = ?2";
    }
    if (filter.type) {
      where += " AND type = ?3";
    }
    if (filter.up_to_position) {
      where += " AND position <= ?5";
    }
    if (filter.ref) {
      where += " AND ref = ?6";
    }
    if (filter.actor) {
      where += " AND actor = ?7";
    }
    // One item's events are in version order exactly when they are in position order; ordering
    // by (sku, version) lets SQLite walk the unique index instead of sorting.
    const char* direction = filter.newest_first ? " DESC" : "";
    where += filter.sku ? std::string(" ORDER BY sku") + direction + ", version" + direction
                        : std::string(" ORDER BY position") + direction;
    if (filter.limit) {
      where += " LIMIT ?4";
    }
    auto statement = m_db.cached(select_events(where));
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
    if (filter.up_to_position) {
      statement->bind(5, *filter.up_to_position);
    }
    if (filter.ref) {
      statement->bind(6, std::string_view(*filter.ref));
    }
    if (filter.actor) {
      statement->bind(7, std::string_view(*filter.actor));
    }
    while (statement->step()) {
      visit(read_event(*statement));
    }
  }

  Stats counts() override {
    Stats stats;
    const auto count = [&](const char* sql) {
      auto statement = m_db.cached(sql);
      return statement->step() ? statement->int64(0) : 0;
    };
    stats.items = count("SELECT count(*) FROM items");
    stats.snapshots = count("SELECT count(*) FROM snapshots");
    stats.storage_bytes =
        count("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    auto first = m_db.cached("SELECT recorded_at FROM events ORDER BY position LIMIT 1");
    if (first->step()) {
      stats.first_recorded_at = first->text(0);
    }
    stats.schema_version = m_db.pragma_int("user_version");
    return stats;
  }

  void insert(std::span<const RecordedEvent> events) override {
    auto statement = m_db.cached(
        "INSERT INTO events (position, sku, version, type, data, recorded_at, actor, ref, note, "
        "idempotency_key, prev_hash, hash, qty, on_hand, available, previous) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const RecordedEvent& r : events) {
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
      statement->reset();
    }
  }

  void put_items(std::span<const CachedItem> items) override {
    auto statement = m_db.cached(
        "INSERT OR REPLACE INTO items (sku, on_hand, reserved, available, version, updated_at, "
        "seal, retired, reorder_point) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const CachedItem& cached : items) {
      const domain::Item& item = cached.item;
      statement->bind(1, std::string_view(item.sku))
          .bind(2, item.on_hand)
          .bind(3, item.reserved)
          .bind(4, item.available)
          .bind(5, item.version)
          .bind(6, std::string_view(item.updated_at))
          .bind(7, std::string_view(cached.seal))
          .bind(8, std::int64_t{item.retired});
      bind_optional(*statement, 9, item.reorder_point);
      statement->run();
      statement->reset();
    }
  }

  void put_snapshots(std::span<const Snapshot> snapshots) override {
    auto statement = m_db.cached(
        "INSERT OR REPLACE INTO snapshots "
        "(sku, version, position, on_hand, reserved, available, updated_at, retired, "
        "reorder_point) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const Snapshot& snapshot : snapshots) {
      const domain::Item& item = snapshot.item;
      statement->bind(1, std::string_view(item.sku))
          .bind(2, item.version)
          .bind(3, snapshot.position)
          .bind(4, item.on_hand)
          .bind(5, item.reserved)
          .bind(6, item.available)
          .bind(7, std::string_view(item.updated_at))
          .bind(8, std::int64_t{item.retired});
      bind_optional(*statement, 9, item.reorder_point);
      statement->run();
      statement->reset();
    }
  }

  void put_lots(std::span<const LotRow> lots) override {
    auto put = m_db.cached(
        "INSERT OR REPLACE INTO reservations (sku, ref, position, recorded_at, qty) "
        "VALUES (?, ?, ?, ?, ?)");
    auto remove =
        m_db.cached("DELETE FROM reservations WHERE sku = ? AND ref = ? AND position = ?");
    for (const LotRow& row : lots) {
      if (row.lot.qty == 0) {
        remove->bind(1, std::string_view(row.sku))
            .bind(2, std::string_view(row.ref))
            .bind(3, row.lot.position)
            .run();
        remove->reset();
        continue;
      }
      put->bind(1, std::string_view(row.sku))
          .bind(2, std::string_view(row.ref))
          .bind(3, row.lot.position)
          .bind(4, std::string_view(row.lot.recorded_at))
          .bind(5, row.lot.qty)
          .run();
      put->reset();
    }
  }

  void set_cache_version(std::int64_t version) override {
    auto statement = m_db.cached("UPDATE head SET caches = ? WHERE id = 1");
    statement->bind(1, version).run();
  }

  void put_command_key(const CommandKey& key) override {
    auto statement = m_db.cached(
        "INSERT OR IGNORE INTO idempotency_commands (idempotency_key, command) VALUES (?, ?)");
    statement->bind(1, std::string_view(key.key)).bind(2, std::string_view(key.command)).run();
  }

  void remove_command_key(std::string_view key) override {
    auto statement = m_db.cached("DELETE FROM idempotency_commands WHERE idempotency_key = ?");
    statement->bind(1, key).run();
  }

  void set_head(const Head& head) override {
    auto statement = m_db.cached(
        "INSERT INTO head (id, position, hash, recorded_at) VALUES (1, ?1, ?2, ?3) "
        "ON CONFLICT (id) DO UPDATE SET position = ?1, hash = ?2, recorded_at = ?3");
    statement->bind(1, head.position)
        .bind(2, std::string_view(head.hash))
        .bind(3, std::string_view(head.recorded_at))
        .run();
  }

  void clear_caches() override {
    m_db.execute("DELETE FROM items; DELETE FROM snapshots; DELETE FROM reservations;");
  }

  void commit() override {
    m_transaction.commit();
    m_store.committed();
  }

 private:
  SqliteStore& m_store;
  Database& m_db;
  Transaction m_transaction;
  std::int64_t m_schema;

  // read_item's columns, then the position.
  std::string snapshot_select() const {
    return std::string("SELECT sku, on_hand, reserved, available, version, updated_at, ") +
           (m_schema >= 3 ? "retired, " : "0, ") + (m_schema >= 4 ? "reorder_point" : "NULL") +
           ", position FROM snapshots ";
  }
};

void open_in_memory(std::unique_ptr<Database>& db, int wait_ms) {
  db = std::make_unique<Database>(":memory:", OpenMode::create, wait_ms);
  create_or_migrate(*db, ":memory:");
}

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& path, Access access, int wait_ms)
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
        const FileState state = inspect_file(*m_db, path.string());
        m_initialized = state != FileState::empty;
        m_schema = m_db->pragma_int("user_version");
      } catch (const Error& error) {
        // A WAL database in a directory we cannot write cannot get its -shm file. With no -wal
        // file there, nobody can be writing it either, so it can be read as immutable.
        std::filesystem::path wal = path;
        wal += "-wal";
        if (error.exit_code() != ExitCode::storage || std::filesystem::exists(wal, error_code)) {
          throw;
        }
        m_db = std::make_unique<Database>(path, OpenMode::immutable, wait_ms);
        const FileState state = inspect_file(*m_db, path.string());
        m_initialized = state != FileState::empty;
        m_schema = m_db->pragma_int("user_version");
      }
      // An older schema is read as it is (migration needs a writer).
      return;
    case Access::dry_run:
      if (!exists) {
        open_in_memory(m_db, wait_ms);
        return;
      }
      m_db = std::make_unique<Database>(path, OpenMode::read_write, wait_ms);
      switch (inspect_file(*m_db, path.string())) {
        case FileState::current:
          break;
        case FileState::needs_migration:
          // Migrated inside the dry run's own transaction, which is never committed.
          m_migrate_path = path.string();
          m_schema = m_db->pragma_int("user_version");
          break;
        case FileState::empty:
          // A dry run must not change the file: answer from an empty in-memory log instead.
          open_in_memory(m_db, wait_ms);
          break;
      }
      return;
    case Access::write:
      if (!exists && path != ":memory:") {
        // Built under a temporary name with a rollback journal, moved into place (and switched
        // to WAL) by committed(): a command that fails leaves nothing behind (SPEC §11).
        m_final = path;
        std::string name = ".";
        name += path.filename().string();
        name += ".inv-new-";
        name += std::to_string(::getpid());
        m_path = path.parent_path() / name;
        std::filesystem::remove(m_path, error_code);
        m_db = std::make_unique<Database>(m_path, OpenMode::create, wait_ms);
        Transaction transaction(*m_db, Transaction::Mode::write);
        create_or_migrate(*m_db, m_path.string());
        transaction.commit();
      } else {
        m_db = std::make_unique<Database>(path, OpenMode::create, wait_ms);
        ensure_schema(*m_db, path.string());
      }
      // Bulk appends (apply, import) are bound by the UNIQUE(sku, version) index outgrowing the
      // default 2 MiB page cache. The limit costs nothing until pages are actually loaded.
      // synchronous=FULL (SQLite's default, stated so it cannot change under us): a command that
      // exits 0 has synced its commit to disk (SPEC §6).
      m_db->execute("PRAGMA cache_size = -65536; PRAGMA synchronous = FULL");
      return;
  }
}

SqliteStore::~SqliteStore() {
  if (!m_final.empty()) {
    // Never committed: the new database was never published.
    m_db.reset();
    std::error_code ignored;
    std::filesystem::remove(m_path, ignored);
    std::filesystem::path journal = m_path;
    journal += "-journal";
    std::filesystem::remove(journal, ignored);
  }
}

void SqliteStore::committed() {
  if (m_final.empty()) {
    return;
  }
  const int wait_ms = m_db->busy_timeout_ms();
  // WAL lets readers run while one writer appends; the mode is stored in the file.
  m_db->execute("PRAGMA journal_mode = WAL");
  m_db.reset();  // checkpoints and removes the -wal file
  const std::filesystem::path made = m_path;
  m_path = m_final;
  m_final.clear();
  // link() fails if the name is taken: another process created the database meanwhile, and
  // neither file may be lost. Our commit stays in the temporary file, which goes.
  const int rc = ::link(made.c_str(), m_path.c_str());
  const int link_errno = errno;
  std::error_code ignored;
  std::filesystem::remove(made, ignored);
  if (rc != 0) {
    throw Error(ExitCode::storage, link_errno == EEXIST ? "database_locked" : "io_error",
                "cannot create '" + m_path.string() + "': " +
                    (link_errno == EEXIST ? std::string("another process created it meanwhile")
                                          : std::generic_category().message(link_errno)) +
                    "; nothing was written, run the command again");
  }
  m_db = std::make_unique<Database>(m_path, OpenMode::read_write, wait_ms);
  m_db->execute("PRAGMA cache_size = -65536; PRAGMA synchronous = FULL");
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

std::unique_ptr<Session> SqliteStore::begin(Mode mode) {
  if (!m_initialized) {
    // An empty file opened for reading: answer as an empty log, from an empty in-memory schema.
    open_in_memory(m_db, m_db->busy_timeout_ms());
    m_initialized = true;
    m_schema = k_schema_version;
  }
  auto session = std::make_unique<SqliteSession>(
      *this, *m_db, mode == Mode::write ? Transaction::Mode::write : Transaction::Mode::read,
      m_migrate_path.empty() || mode != Mode::write ? m_schema : k_schema_version);
  if (!m_migrate_path.empty() && mode == Mode::write) {
    create_or_migrate(*m_db, m_migrate_path);
  }
  return session;
}

}  // namespace inv::store
