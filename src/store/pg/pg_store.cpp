#include "inv/store/pg/pg_store.hpp"

#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/pg/connection.hpp"
#include "inv/store/schema.hpp"

namespace inv::store::pg {
namespace {

// Rows fetched per round trip by the streaming scans (keyset pages: each page starts after the
// last key of the one before, so memory stays flat however long the log).
constexpr int k_page_rows = 10000;

// `sql` with the page limit appended.
std::string paged(std::string sql) {
  return sql + " LIMIT " + std::to_string(k_page_rows);
}

// The oldest schema this store reads (and upgrades): the one it was first released with.
constexpr std::int64_t k_oldest_schema = 2;

// The tables, in the schema version that SQLite's inv databases have (schema.hpp), so that one
// number names what a database holds whichever store keeps it. COLLATE "C" makes SKUs sort in
// byte order, as SPEC §4 lists them and as SQLite compares them. The columns of versions 3 and 4
// come last, where k_upgrade_v3 and k_upgrade_v4 add them, so a created and an upgraded database
// look the same.
// k_reservations_schema completes it.
constexpr const char* k_schema = R"sql(
CREATE TABLE inv_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE inv_events (
  position        bigint PRIMARY KEY,
  sku             text COLLATE "C" NOT NULL,
  version         bigint NOT NULL CHECK (version >= 1),
  type            text NOT NULL,
  data            text NOT NULL,
  recorded_at     text NOT NULL,
  actor           text NOT NULL,
  ref             text,
  note            text,
  idempotency_key text COLLATE "C",
  prev_hash       text NOT NULL,
  hash            text NOT NULL,
  qty             bigint,
  on_hand         bigint,
  available       bigint,
  previous        bigint,
  UNIQUE (sku, version)
);
CREATE INDEX inv_events_idempotency_key ON inv_events (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE FUNCTION inv_events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'inv events are append-only'; END $$;
CREATE TRIGGER inv_events_are_append_only BEFORE UPDATE OR DELETE ON inv_events
  FOR EACH ROW EXECUTE FUNCTION inv_events_are_append_only();
CREATE TABLE inv_head (
  id          integer PRIMARY KEY CHECK (id = 1),
  position    bigint NOT NULL,
  hash        text NOT NULL,
  recorded_at text NOT NULL,
  caches      bigint NOT NULL DEFAULT 0
);
INSERT INTO inv_head (id, position, hash, recorded_at) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '');
CREATE TABLE inv_items (
  sku        text COLLATE "C" PRIMARY KEY,
  on_hand    bigint NOT NULL,
  reserved   bigint NOT NULL,
  available  bigint NOT NULL,
  version    bigint NOT NULL,
  updated_at text NOT NULL,
  seal       text NOT NULL DEFAULT '',
  retired    boolean NOT NULL DEFAULT false,
  reorder_point bigint
);
CREATE TABLE inv_snapshots (
  sku        text COLLATE "C" NOT NULL,
  version    bigint NOT NULL,
  position   bigint NOT NULL,
  on_hand    bigint NOT NULL,
  reserved   bigint NOT NULL,
  available  bigint NOT NULL,
  updated_at text NOT NULL,
  retired    boolean NOT NULL DEFAULT false,
  reorder_point bigint,
  PRIMARY KEY (sku, version)
);
CREATE TABLE inv_commands (
  idempotency_key text COLLATE "C" PRIMARY KEY,
  command         text NOT NULL
);
)sql";

// Version 3 (SPEC §8): the open reservations, one row per reserve still open (ref '' is the
// unnamed pool); by ref for `reservations --ref`.
constexpr const char* k_reservations_schema = R"sql(
CREATE TABLE inv_reservations (
  sku         text COLLATE "C" NOT NULL,
  ref         text COLLATE "C" NOT NULL,
  position    bigint NOT NULL,
  recorded_at text NOT NULL,
  qty         bigint NOT NULL,
  PRIMARY KEY (sku, ref, position)
);
CREATE INDEX inv_reservations_by_ref ON inv_reservations (ref, sku, position);
)sql";

// Version 2 to 3: the retired flags, and the version of the rules the caches were built by (0:
// the first write rebuilds them, reservations included; app::LogWriter). inv_head first: a
// writer locks it before any other table, so the upgrade waits for running writers (of an older
// inv) to finish instead of holding a table one of them still needs. Adding a column with a
// constant default rewrites no rows.
constexpr const char* k_upgrade_v3 = R"sql(
ALTER TABLE inv_head ADD COLUMN caches bigint NOT NULL DEFAULT 0;
ALTER TABLE inv_items ADD COLUMN retired boolean NOT NULL DEFAULT false;
ALTER TABLE inv_snapshots ADD COLUMN retired boolean NOT NULL DEFAULT false;
)sql";

// Version 3 to 4 (SPEC §9): the reorder point, NULL for every item of an older log (only schema 4
// knows ReorderPointSet), so the caches stay valid. inv_head locked first, for the reason above:
// EXCLUSIVE waits for the writers that hold its row, and lets readers read.
constexpr const char* k_upgrade_v4 = R"sql(
LOCK TABLE inv_head IN EXCLUSIVE MODE;
ALTER TABLE inv_items ADD COLUMN reorder_point bigint;
ALTER TABLE inv_snapshots ADD COLUMN reorder_point bigint;
)sql";

constexpr const char* k_event_columns =
    "position, sku, version, type, data, recorded_at, actor, ref, note, idempotency_key, "
    "prev_hash, hash, qty, on_hand, available, previous";

// The statements that name every event column, in k_event_columns's order. Made on first use,
// not at start-up (every inv process would pay for them, SQLite runs included).
const std::string& insert_event_sql() {
  static const std::string sql =
      std::string("INSERT INTO inv_events (") + k_event_columns +
      ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";
  return sql;
}
const std::string& copy_events_sql() {
  static const std::string sql =
      std::string("COPY inv_events (") + k_event_columns + ") FROM STDIN";
  return sql;
}

std::string select_events(const char* where) {
  return std::string("SELECT ") + k_event_columns + " FROM inv_events " + where;
}

std::optional<std::int64_t> optional_int(const Result& rows, int row, int column) {
  return rows.is_null(row, column) ? std::nullopt
                                   : std::optional<std::int64_t>(rows.int64(row, column));
}

std::optional<std::string_view> optional_view(const Result& rows, int row, int column) {
  return rows.is_null(row, column) ? std::nullopt
                                   : std::optional<std::string_view>(rows.text(row, column));
}

// Reads row `row` of a result selected with k_event_columns.
RecordedEvent read_event(const Result& rows, int row) {
  RecordedEvent event;
  event.position = rows.int64(row, 0);
  event.sku = rows.text(row, 1);
  event.version = rows.int64(row, 2);
  const std::string_view type = rows.text(row, 3);
  const auto number = [&](int column) {
    return rows.is_null(row, column) ? 0 : rows.int64(row, column);
  };
  auto decoded = event_from_columns(type, number(12), number(13), number(14), number(15));
  if (!decoded) {
    throw Error(ExitCode::integrity, "unknown_event_type",
                "event at position " + std::to_string(event.position) + " has unknown type '" +
                    std::string(type) + "'; run 'inv verify'");
  }
  event.event = *decoded;
  event.data = rows.text(row, 4);
  event.recorded_at = rows.text(row, 5);
  event.metadata.actor = rows.text(row, 6);
  event.metadata.ref = rows.optional_text(row, 7);
  event.metadata.note = rows.optional_text(row, 8);
  event.metadata.idempotency_key = rows.optional_text(row, 9);
  event.prev_hash = rows.text(row, 10);
  event.hash = rows.text(row, 11);
  return event;
}

StoredEventView view_of(const Result& rows, int row) {
  StoredEventView view;
  view.position = rows.int64(row, 0);
  view.sku = rows.text(row, 1);
  view.version = rows.int64(row, 2);
  view.type = rows.text(row, 3);
  view.data = rows.text(row, 4);
  view.recorded_at = rows.text(row, 5);
  view.actor = rows.text(row, 6);
  view.ref = optional_view(rows, row, 7);
  view.note = optional_view(rows, row, 8);
  view.idempotency_key = optional_view(rows, row, 9);
  view.prev_hash = rows.text(row, 10);
  view.hash = rows.text(row, 11);
  view.qty = optional_int(rows, row, 12);
  view.on_hand = optional_int(rows, row, 13);
  view.available = optional_int(rows, row, 14);
  view.previous = optional_int(rows, row, 15);
  return view;
}

// `prefix` for `LIKE $n || '%' ESCAPE '\\'`: its own '%', '_' and '\\' escaped, so that it
// matches literally (and, on a COLLATE "C" column, walks the primary key).
std::string like_pattern(std::string_view prefix) {
  std::string pattern;
  for (const char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') {
      pattern += '\\';
    }
    pattern += c;
  }
  return pattern;
}

// The item columns read_item reads, in inv_items or inv_snapshots of a database of schema
// `schema` (an older database is read as it is: nobody retired before 3, no reorder point before
// 4).
std::string item_columns(std::int64_t schema) {
  return std::string("sku, on_hand, reserved, available, version, updated_at, ") +
         (schema >= 3 ? "retired, " : "false, ") + (schema >= 4 ? "reorder_point" : "NULL::bigint");
}

// Reads the item columns sku, on_hand, reserved, available, version, updated_at, retired,
// reorder_point from `first`.
domain::Item read_item(const Result& rows, int row, int first = 0) {
  domain::Item item;
  item.sku = rows.text(row, first);
  item.on_hand = rows.int64(row, first + 1);
  item.reserved = rows.int64(row, first + 2);
  item.available = rows.int64(row, first + 3);
  item.version = rows.int64(row, first + 4);
  item.updated_at = rows.text(row, first + 5);
  item.retired = rows.text(row, first + 6) == "t";
  if (!rows.is_null(row, first + 7)) {
    item.reorder_point = rows.int64(row, first + 7);
  }
  return item;
}

std::string number(std::int64_t value) {
  return std::to_string(value);
}

// A PostgreSQL array literal of text values ({"a","b"}), for unnest().
void append_array_text(std::string& out, std::string_view value) {
  out += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  out += '"';
}

// Builds the array literals of one column each for a multi-row statement.
class Columns {
 public:
  explicit Columns(std::size_t count) : m_columns(count, "{") {}
  void text(std::size_t column, std::string_view value) {
    separate(column);
    append_array_text(m_columns[column], value);
  }
  void integer(std::size_t column, std::int64_t value) {
    separate(column);
    m_columns[column] += std::to_string(value);
  }
  void optional_integer(std::size_t column, const std::optional<std::int64_t>& value) {
    separate(column);
    m_columns[column] += value ? std::to_string(*value) : std::string("NULL");
  }
  void boolean(std::size_t column, bool value) {
    separate(column);
    m_columns[column] += value ? 't' : 'f';
  }
  std::vector<Param> params() {
    std::vector<Param> params;
    for (std::string& column : m_columns) {
      column += '}';
      params.emplace_back(column);
    }
    return params;
  }

 private:
  void separate(std::size_t column) {
    if (m_columns[column].size() > 1) {
      m_columns[column] += ',';
    }
  }
  std::vector<std::string> m_columns;
};

// One value of a COPY … FROM STDIN text row (tab-separated, \N for NULL).
void append_copy_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

void append_copy_optional(std::string& out, const std::optional<std::string>& value) {
  if (value) {
    append_copy_value(out, *value);
  } else {
    out += "\\N";
  }
}

void append_copy_optional(std::string& out, const std::optional<std::int64_t>& value) {
  if (value) {
    out += std::to_string(*value);
  } else {
    out += "\\N";
  }
}

bool has_tables(Connection& connection) {
  return connection.query("SELECT to_regclass('inv_meta') IS NOT NULL").text(0, 0) == "t";
}

// Checks inv_meta: our application and a schema this inv reads (k_oldest_schema up to
// k_schema_version), which it returns. Throws inv::Error (integrity).
std::int64_t check_meta(Connection& connection, const std::string& where) {
  const Result rows = connection.query("SELECT key, value FROM inv_meta");
  std::optional<std::string> application, version;
  for (int row = 0; row < rows.rows(); ++row) {
    if (rows.text(row, 0) == "application_id") {
      application = rows.text(row, 1);
    } else if (rows.text(row, 0) == "schema_version") {
      version = rows.text(row, 1);
    }
  }
  if (application != std::to_string(k_application_id)) {
    throw Error(ExitCode::integrity, "not_an_inv_database",
                "'" + where + "' is not an inv database (its inv_meta table names application " +
                    application.value_or("(none)") + ")");
  }
  // Only the number as inv writes it ("3", not "03" or "3 ").
  std::int64_t schema = 0;
  if (version) {
    const char* end = version->data() + version->size();
    if (std::from_chars(version->data(), end, schema).ptr != end ||
        std::to_string(schema) != *version) {
      schema = 0;
    }
  }
  if (schema < k_oldest_schema || schema > k_schema_version) {
    throw Error(ExitCode::integrity, "newer_schema",
                "'" + where + "' has schema version " + version.value_or("(none)") +
                    ", which this inv does not support (" + std::to_string(k_schema_version) +
                    "); upgrade inv");
  }
  return schema;
}

// Creates the tables, or upgrades those of an older schema, inside the caller's transaction,
// once: concurrent writers queue on a transaction-scoped advisory lock, and all but the first
// find the work done (inv_meta is read again under the lock, which a READ COMMITTED statement
// sees committed). DDL is transactional: a write that fails, or a dry run, leaves the database
// as it was.
void make_tables_current(Connection& connection, const std::string& where) {
  connection.query("SELECT pg_advisory_xact_lock($1)", {std::to_string(k_application_id)});
  if (!has_tables(connection)) {
    connection.execute(k_schema);
    connection.execute(k_reservations_schema);
    connection.query(
        "INSERT INTO inv_meta (key, value) VALUES ('application_id', $1), "
        "('schema_version', $2)",
        {std::to_string(k_application_id), std::to_string(k_schema_version)});
    return;
  }
  // One step per version, in order.
  if (check_meta(connection, where) == 2) {
    connection.execute(k_upgrade_v3);
    connection.execute(k_reservations_schema);
    connection.execute("UPDATE inv_meta SET value = '3' WHERE key = 'schema_version'");
  }
  if (check_meta(connection, where) == 3) {
    connection.execute(k_upgrade_v4);
    connection.execute("UPDATE inv_meta SET value = '4' WHERE key = 'schema_version'");
  }
}

class PgSession final : public Session {
 public:
  // Starts the transaction. A write session creates the tables if `tables_exist` is false, or
  // upgrades them if `schema` (the version the store found) is older than k_schema_version,
  // then takes the write lock, waiting at most `wait`. Both are updated when it commits. A read
  // session reads the tables as `schema` has them.
  PgSession(Connection& connection, const std::string& where, Store::Mode mode,
            std::chrono::milliseconds wait, bool& tables_exist, std::int64_t& schema)
      : m_connection(connection),
        m_tables_exist(tables_exist),
        m_store_schema(schema),
        m_schema(schema),
        m_transaction(connection, mode == Store::Mode::read ? Transaction::Mode::read
                                                            : Transaction::Mode::write) {
    if (mode == Store::Mode::read) {
      return;
    }
    // If a statement below throws, m_transaction (already made) rolls back as it is destroyed.
    // A wait of 0 means "do not wait", which lock_timeout = 0 would not: it disables the limit.
    const bool no_wait = wait.count() <= 0;
    if (!no_wait) {
      m_connection.execute(("SET LOCAL lock_timeout = " + std::to_string(wait.count())).c_str());
    }
    if (!m_tables_exist || m_schema < k_schema_version) {
      // Before the write lock: the upgrade's ALTER TABLE must not wait for writers queued on
      // the head row while holding it.
      make_tables_current(m_connection, where);
      m_schema = k_schema_version;
      m_made_current = true;
    }
    m_connection.execute(no_wait ? "SELECT 1 FROM inv_head WHERE id = 1 FOR UPDATE NOWAIT"
                                 : "SELECT 1 FROM inv_head WHERE id = 1 FOR UPDATE");
  }
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  std::optional<Head> committed_head() override {
    const Result rows = m_connection.query("SELECT position, hash, recorded_at FROM inv_head");
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return Head{rows.int64(0, 0), std::string(rows.text(0, 1)), std::string(rows.text(0, 2))};
  }

  std::optional<RecordedEvent> last_event() override {
    return one_event(select_events("ORDER BY position DESC LIMIT 1").c_str(), {});
  }

  std::optional<RecordedEvent> event_at(std::int64_t position) override {
    return one_event(select_events("WHERE position = $1").c_str(), {number(position)});
  }

  std::optional<CachedItem> item(std::string_view sku) override {
    const Result rows = m_connection.query(
        ("SELECT " + item_columns(m_schema) + ", seal FROM inv_items WHERE sku = $1").c_str(),
        {sku});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return CachedItem{read_item(rows, 0), std::string(rows.text(0, 8))};
  }

  std::optional<ItemTip> item_tip(std::string_view sku) override {
    const Result rows = m_connection.query(
        "SELECT version, position, hash FROM inv_events WHERE sku = $1 "
        "ORDER BY version DESC LIMIT 1",
        {sku});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return ItemTip{rows.int64(0, 0), rows.int64(0, 1), std::string(rows.text(0, 2))};
  }

  std::optional<Snapshot> snapshot_at_or_before(std::string_view sku,
                                                std::int64_t version) override {
    const Result rows = m_connection.query(
        (snapshot_select() + "WHERE sku = $1 AND version <= $2 ORDER BY version DESC LIMIT 1")
            .c_str(),
        {sku, number(version)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return Snapshot{read_item(rows, 0), rows.int64(0, 8)};
  }

  void item_events(std::string_view sku, std::int64_t after_version, std::int64_t up_to_version,
                   const std::function<void(const StoredEventView&)>& visit) override {
    const std::string sql =
        paged(select_events("WHERE sku = $1 AND version > $2 AND version <= $3 ORDER BY version"));
    std::int64_t after = after_version;
    for (;;) {
      const Result rows =
          m_connection.query(sql.c_str(), {sku, number(after), number(up_to_version)});
      for (int row = 0; row < rows.rows(); ++row) {
        visit(view_of(rows, row));
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      after = rows.int64(rows.rows() - 1, 2);
    }
  }

  std::optional<util::Timestamp> recorded_at(std::string_view sku, std::int64_t version) override {
    const Result rows =
        m_connection.query("SELECT recorded_at FROM inv_events WHERE sku = $1 AND version = $2",
                           {sku, number(version)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    const auto micros = util::parse_time(rows.text(0, 0));
    return micros ? std::optional<util::Timestamp>(util::Timestamp{*micros}) : std::nullopt;
  }

  std::vector<RecordedEvent> events_with_key(std::string_view key) override {
    const Result rows = m_connection.query(
        select_events("WHERE idempotency_key = $1 ORDER BY position").c_str(), {key});
    std::vector<RecordedEvent> events;
    for (int row = 0; row < rows.rows(); ++row) {
      events.push_back(read_event(rows, row));
    }
    return events;
  }

  std::optional<std::string> command_for_key(std::string_view key) override {
    const Result rows =
        m_connection.query("SELECT command FROM inv_commands WHERE idempotency_key = $1", {key});
    return rows.rows() == 0 ? std::nullopt : rows.optional_text(0, 0);
  }

  void scan(std::int64_t after_position, std::int64_t up_to_position,
            const std::function<void(const StoredEventView&)>& visit) override {
    const std::string sql =
        paged(select_events("WHERE position > $1 AND position <= $2 ORDER BY position"));
    for (std::int64_t after = after_position;;) {
      const Result rows = m_connection.query(sql.c_str(), {number(after), number(up_to_position)});
      for (int row = 0; row < rows.rows(); ++row) {
        visit(view_of(rows, row));
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      after = rows.int64(rows.rows() - 1, 0);
    }
  }

  void scan_items(std::string_view prefix,
                  const std::function<void(const CachedItem&)>& visit) override {
    // LIKE with the prefix's own '%', '_' and '\\' escaped, so it matches literally (and, on a
    // COLLATE "C" column, walks the primary key).
    const std::string sql =
        paged("SELECT " + item_columns(m_schema) +
              ", seal FROM inv_items WHERE sku > $1 AND sku LIKE $2 || '%' ESCAPE '\\' "
              "ORDER BY sku");
    const std::string pattern = like_pattern(prefix);
    // Keyset pages start after the last SKU seen; the first starts before every SKU ("" sorts
    // first, and no SKU is empty).
    std::string after;
    CachedItem cached;
    for (;;) {
      const Result rows = m_connection.query(sql.c_str(), {after, pattern});
      for (int row = 0; row < rows.rows(); ++row) {
        cached.item = read_item(rows, row);
        cached.seal = rows.text(row, 8);
        visit(cached);
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      after = rows.text(rows.rows() - 1, 0);
    }
  }

  void scan_snapshots(const std::function<void(const Snapshot&)>& visit) override {
    const std::string sql =
        paged(snapshot_select() + "WHERE (sku, version) > ($1, $2) ORDER BY sku, version");
    std::string after_sku;
    std::int64_t after_version = 0;
    for (;;) {
      const Result rows = m_connection.query(sql.c_str(), {after_sku, number(after_version)});
      for (int row = 0; row < rows.rows(); ++row) {
        visit(Snapshot{read_item(rows, row), rows.int64(row, 8)});
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      after_sku = rows.text(rows.rows() - 1, 0);
      after_version = rows.int64(rows.rows() - 1, 4);
    }
  }

  void states_at(std::int64_t position, std::string_view prefix,
                 const std::function<void(const Snapshot&)>& visit) override {
    // Per item, the later of its read model row (if its last event is at or before `position`)
    // and its latest snapshot at or before `position`: the read model's position is its last
    // event's, so it wins whenever it qualifies. Keyset pages by SKU, as scan_items.
    const std::string columns = item_columns(m_schema);
    const std::string sql = paged(
        "SELECT i.sku, state.* FROM inv_items i "
        "LEFT JOIN inv_events e ON e.sku = i.sku AND e.version = i.version "
        "LEFT JOIN LATERAL (SELECT " +
        columns + ", e.position FROM inv_items x WHERE x.sku = i.sku AND e.position <= $3 " +
        "UNION ALL (SELECT " + columns +
        ", position FROM inv_snapshots s WHERE s.sku = i.sku AND s.position <= $3 "
        "ORDER BY version DESC LIMIT 1) ORDER BY 9 DESC LIMIT 1) state ON true "
        "WHERE i.sku > $1 AND i.sku LIKE $2 || '%' ESCAPE '\\' ORDER BY i.sku");
    const std::string pattern = like_pattern(prefix);
    std::string after;
    for (;;) {
      const Result rows = m_connection.query(sql.c_str(), {after, pattern, number(position)});
      for (int row = 0; row < rows.rows(); ++row) {
        if (!rows.is_null(row, 1)) {
          visit(Snapshot{read_item(rows, row, 1), rows.int64(row, 9)});
        }
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      after = rows.text(rows.rows() - 1, 0);
    }
  }

  void scan_lots(const LotFilter& filter,
                 const std::function<void(const LotRow&)>& visit) override {
    if (m_schema < 3) {
      return;  // no reservations table yet (cache_version() is 0: callers replay the log)
    }
    // Keyset pages on (sku, ref, position). $1 and $2 are the filter's SKU and ref, or else the
    // last row's; a column the filter fixes drops out of the key, so that each page walks an
    // index (the primary key, or inv_reservations_by_ref for a ref alone).
    std::string sql = "SELECT sku, ref, position, recorded_at, qty FROM inv_reservations ";
    if (filter.sku && filter.ref) {
      sql += "WHERE sku = $1 AND ref = $2 AND position > $3 ORDER BY position";
    } else if (filter.sku) {
      sql += "WHERE sku = $1 AND (ref, position) > ($2, $3) ORDER BY ref, position";
    } else if (filter.ref) {
      sql += "WHERE ref = $2 AND (sku, position) > ($1, $3) ORDER BY sku, position";
    } else {
      sql += "WHERE (sku, ref, position) > ($1, $2, $3) ORDER BY sku, ref, position";
    }
    sql = paged(std::move(sql));
    // The first page starts before every key ("" sorts first; positions are never that low).
    std::string after_sku = filter.sku.value_or("");
    std::string after_ref = filter.ref.value_or("");
    std::int64_t after_position = std::numeric_limits<std::int64_t>::min();
    LotRow lot;
    for (;;) {
      const Result rows =
          m_connection.query(sql.c_str(), {after_sku, after_ref, number(after_position)});
      for (int row = 0; row < rows.rows(); ++row) {
        lot.sku = rows.text(row, 0);
        lot.ref = rows.text(row, 1);
        lot.lot.position = rows.int64(row, 2);
        lot.lot.recorded_at = rows.text(row, 3);
        lot.lot.qty = rows.int64(row, 4);
        visit(lot);
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      // The last row matches the filter, so its SKU and ref are also the filter's.
      after_sku = rows.text(rows.rows() - 1, 0);
      after_ref = rows.text(rows.rows() - 1, 1);
      after_position = rows.int64(rows.rows() - 1, 2);
    }
  }

  std::int64_t cache_version() override {
    if (m_schema < 3) {
      return 0;
    }
    const Result rows = m_connection.query("SELECT caches FROM inv_head WHERE id = 1");
    return rows.rows() == 0 ? 0 : rows.int64(0, 0);
  }

  void scan_command_keys(const std::function<void(const CommandKey&)>& visit) override {
    const Result rows = m_connection.query(
        "SELECT idempotency_key, command FROM inv_commands ORDER BY idempotency_key");
    for (int row = 0; row < rows.rows(); ++row) {
      visit(CommandKey{std::string(rows.text(row, 0)), std::string(rows.text(row, 1))});
    }
  }

  void history(const HistoryFilter& filter,
               const std::function<void(const RecordedEvent&)>& visit) override {
    // Absent filters are NULL parameters. Pages of positions as in scan(), ascending; newest
    // first needs a limit (--last N) and takes it in one query. One item's events are in version
    // order exactly when they are in position order, and ordering by version walks the
    // (sku, version) index.
    const char* where =
        "WHERE ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR type = $3) "
        "AND ($4::bigint IS NULL OR position <= $4) AND ($5::text IS NULL OR ref = $5) "
        "AND ($6::text IS NULL OR actor = $6) AND position > $1 ";
    const auto param = [](const std::optional<std::string>& value) {
      return value ? Param(*value) : std::nullopt;
    };
    const std::string up_to = filter.up_to_position ? number(*filter.up_to_position) : "";
    const auto run_query = [&](const std::string& sql, std::int64_t after) {
      const std::string after_text = number(after);
      return m_connection.query(sql.c_str(), {after_text, param(filter.sku), param(filter.type),
                                              filter.up_to_position ? Param(up_to) : std::nullopt,
                                              param(filter.ref), param(filter.actor)});
    };
    const std::string order = filter.sku ? "ORDER BY version" : "ORDER BY position";
    if (filter.newest_first) {
      const Result rows =
          run_query(select_events(where) + order + " DESC" +
                        (filter.limit ? " LIMIT " + std::to_string(*filter.limit) : ""),
                    filter.after_position);
      for (int row = 0; row < rows.rows(); ++row) {
        visit(read_event(rows, row));
      }
      return;
    }
    const std::string sql = paged(select_events(where) + order);
    std::int64_t left = filter.limit.value_or(-1);
    for (std::int64_t after = filter.after_position; left != 0;) {
      const Result rows = run_query(sql, after);
      for (int row = 0; row < rows.rows() && left != 0; ++row, --left) {
        visit(read_event(rows, row));
      }
      if (rows.rows() < k_page_rows) {
        return;
      }
      after = rows.int64(rows.rows() - 1, 0);
    }
  }

  Stats counts() override {
    Stats stats;
    const Result rows = m_connection.query(
        "SELECT (SELECT count(*) FROM inv_items), (SELECT count(*) FROM inv_snapshots), "
        "(SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c "
        "  WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
        "  AND c.relname LIKE 'inv\\_%'), "
        "(SELECT recorded_at FROM inv_events ORDER BY position LIMIT 1), "
        "(SELECT value FROM inv_meta WHERE key = 'schema_version')");
    stats.items = rows.int64(0, 0);
    stats.snapshots = rows.int64(0, 1);
    stats.storage_bytes = rows.int64(0, 2);
    stats.first_recorded_at = rows.optional_text(0, 3).value_or("");
    stats.schema_version = rows.is_null(0, 4) ? 0 : rows.int64(0, 4);
    return stats;
  }

  void insert(std::span<const RecordedEvent> events) override {
    if (events.size() <= 4) {
      // A command's few events: one INSERT each is fewer round trips than a COPY.
      for (const RecordedEvent& r : events) {
        const EventColumns columns = event_columns(r.event);
        // The parameters are views: the texts they view must outlive the query.
        std::string typed[4];
        const std::optional<std::int64_t>* values[] = {&columns.qty, &columns.on_hand,
                                                       &columns.available, &columns.previous};
        for (int i = 0; i < 4; ++i) {
          typed[i] = *values[i] ? std::to_string(**values[i]) : "";
        }
        const auto optional_number = [&](int i) {
          return *values[i] ? Param(typed[i]) : std::nullopt;
        };
        m_connection.query(
            insert_event_sql().c_str(),
            {number(r.position), r.sku, number(r.version), r.type(), r.data, r.recorded_at,
             r.metadata.actor, as_param(r.metadata.ref), as_param(r.metadata.note),
             as_param(r.metadata.idempotency_key), r.prev_hash, r.hash, optional_number(0),
             optional_number(1), optional_number(2), optional_number(3)});
      }
      return;
    }
    // A batch or an import: COPY, in pieces of a few MB.
    std::string data;
    const auto flush = [&] {
      m_connection.copy_in(copy_events_sql().c_str(), data);
      data.clear();
    };
    for (const RecordedEvent& r : events) {
      const EventColumns columns = event_columns(r.event);
      data += std::to_string(r.position);
      data += '\t';
      append_copy_value(data, r.sku);
      data += '\t';
      data += std::to_string(r.version);
      data += '\t';
      append_copy_value(data, r.type());
      data += '\t';
      append_copy_value(data, r.data);
      data += '\t';
      append_copy_value(data, r.recorded_at);
      data += '\t';
      append_copy_value(data, r.metadata.actor);
      data += '\t';
      append_copy_optional(data, r.metadata.ref);
      data += '\t';
      append_copy_optional(data, r.metadata.note);
      data += '\t';
      append_copy_optional(data, r.metadata.idempotency_key);
      data += '\t';
      append_copy_value(data, r.prev_hash);
      data += '\t';
      append_copy_value(data, r.hash);
      data += '\t';
      append_copy_optional(data, columns.qty);
      data += '\t';
      append_copy_optional(data, columns.on_hand);
      data += '\t';
      append_copy_optional(data, columns.available);
      data += '\t';
      append_copy_optional(data, columns.previous);
      data += '\n';
      if (data.size() > (8u << 20)) {
        flush();
      }
    }
    if (!data.empty()) {
      flush();
    }
  }

  void put_items(std::span<const CachedItem> items) override {
    for (std::size_t begin = 0; begin < items.size(); begin += k_page_rows) {
      const std::size_t end = std::min(items.size(), begin + k_page_rows);
      Columns columns(9);
      for (std::size_t i = begin; i < end; ++i) {
        const domain::Item& item = items[i].item;
        columns.text(0, item.sku);
        columns.integer(1, item.on_hand);
        columns.integer(2, item.reserved);
        columns.integer(3, item.available);
        columns.integer(4, item.version);
        columns.text(5, item.updated_at);
        columns.text(6, items[i].seal);
        columns.boolean(7, item.retired);
        columns.optional_integer(8, item.reorder_point);
      }
      m_connection.query(
          "INSERT INTO inv_items (sku, on_hand, reserved, available, version, updated_at, seal, "
          "retired, reorder_point) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], "
          "$4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::boolean[], $9::bigint[]) "
          "ON CONFLICT (sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = "
          "excluded.reserved, available = excluded.available, version = excluded.version, "
          "updated_at = excluded.updated_at, seal = excluded.seal, retired = excluded.retired, "
          "reorder_point = excluded.reorder_point",
          columns.params());
    }
  }

  void put_snapshots(std::span<const Snapshot> snapshots) override {
    for (std::size_t begin = 0; begin < snapshots.size(); begin += k_page_rows) {
      const std::size_t end = std::min(snapshots.size(), begin + k_page_rows);
      Columns columns(9);
      for (std::size_t i = begin; i < end; ++i) {
        const domain::Item& item = snapshots[i].item;
        columns.text(0, item.sku);
        columns.integer(1, item.version);
        columns.integer(2, snapshots[i].position);
        columns.integer(3, item.on_hand);
        columns.integer(4, item.reserved);
        columns.integer(5, item.available);
        columns.text(6, item.updated_at);
        columns.boolean(7, item.retired);
        columns.optional_integer(8, item.reorder_point);
      }
      m_connection.query(
          "INSERT INTO inv_snapshots (sku, version, position, on_hand, reserved, available, "
          "updated_at, retired, reorder_point) SELECT * FROM unnest($1::text[], $2::bigint[], "
          "$3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::boolean[], "
          "$9::bigint[]) "
          "ON CONFLICT (sku, version) DO UPDATE SET position = excluded.position, on_hand = "
          "excluded.on_hand, reserved = excluded.reserved, available = excluded.available, "
          "updated_at = excluded.updated_at, retired = excluded.retired, "
          "reorder_point = excluded.reorder_point",
          columns.params());
    }
  }

  void put_lots(std::span<const LotRow> lots) override {
    // One statement a page: the lots given for one key are reduced to the last (as if stored
    // one by one; ON CONFLICT may not touch a row twice), then those of qty 0 are deleted and
    // the others inserted or replaced. The two parts touch different keys.
    for (std::size_t begin = 0; begin < lots.size(); begin += k_page_rows) {
      const std::size_t end = std::min(lots.size(), begin + k_page_rows);
      Columns columns(5);
      for (std::size_t i = begin; i < end; ++i) {
        columns.text(0, lots[i].sku);
        columns.text(1, lots[i].ref);
        columns.integer(2, lots[i].lot.position);
        columns.text(3, lots[i].lot.recorded_at);
        columns.integer(4, lots[i].lot.qty);
      }
      m_connection.query(
          "WITH given AS ("
          "  SELECT DISTINCT ON (sku, ref, position) sku, ref, position, recorded_at, qty "
          "  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) "
          "    WITH ORDINALITY AS lot (sku, ref, position, recorded_at, qty, n) "
          "  ORDER BY sku, ref, position, n DESC), "
          "removed AS ("
          "  DELETE FROM inv_reservations r USING given g WHERE g.qty = 0 AND r.sku = g.sku "
          "  AND r.ref = g.ref AND r.position = g.position) "
          "INSERT INTO inv_reservations (sku, ref, position, recorded_at, qty) "
          "SELECT sku, ref, position, recorded_at, qty FROM given WHERE qty <> 0 "
          "ON CONFLICT (sku, ref, position) DO UPDATE SET recorded_at = excluded.recorded_at, "
          "qty = excluded.qty",
          columns.params());
    }
  }

  void set_cache_version(std::int64_t version) override {
    m_connection.query("UPDATE inv_head SET caches = $1 WHERE id = 1", {number(version)});
  }

  void put_command_key(const CommandKey& row) override {
    m_connection.query(
        "INSERT INTO inv_commands (idempotency_key, command) VALUES ($1, $2) "
        "ON CONFLICT (idempotency_key) DO NOTHING",
        {row.key, row.command});
  }

  void remove_command_key(std::string_view key) override {
    m_connection.query("DELETE FROM inv_commands WHERE idempotency_key = $1", {key});
  }

  void set_head(const Head& head) override {
    m_connection.query(
        "INSERT INTO inv_head (id, position, hash, recorded_at) VALUES (1, $1, $2, $3) "
        "ON CONFLICT (id) DO UPDATE SET position = excluded.position, hash = excluded.hash, "
        "recorded_at = excluded.recorded_at",
        {number(head.position), head.hash, head.recorded_at});
  }

  void clear_caches() override {
    // DELETE, not TRUNCATE: readers in a repeatable-read view must keep seeing the old rows.
    m_connection.execute(
        "DELETE FROM inv_items; DELETE FROM inv_snapshots; DELETE FROM inv_reservations");
  }

  void commit() override {
    m_transaction.commit();
    if (m_made_current) {
      m_tables_exist = true;
      m_store_schema = m_schema;
    }
  }

 private:
  static Param as_param(const std::optional<std::string>& value) {
    return value ? Param(*value) : std::nullopt;
  }

  // The select of snapshot rows: read_item's columns, then the position.
  std::string snapshot_select() const {
    return "SELECT " + item_columns(m_schema) + ", position FROM inv_snapshots ";
  }

  std::optional<RecordedEvent> one_event(const char* sql, std::initializer_list<Param> params) {
    const Result rows = m_connection.query(sql, params);
    return rows.rows() == 0 ? std::nullopt : std::optional<RecordedEvent>(read_event(rows, 0));
  }

  Connection& m_connection;
  bool& m_tables_exist;
  std::int64_t& m_store_schema;
  std::int64_t m_schema;  // of the tables this session reads and writes
  Transaction m_transaction;
  bool m_made_current = false;
};

}  // namespace

PgStore::PgStore(std::string_view uri, Access access, std::chrono::milliseconds wait)
    : m_wait(wait) {
  m_location = redact_uri(uri);
  m_connection =
      std::make_unique<Connection>(uri, std::max(wait, std::chrono::milliseconds(10000)));
  m_has_tables = has_tables(*m_connection);
  if (m_has_tables) {
    // An older schema is read as it is; the first write session upgrades it.
    m_schema = check_meta(*m_connection, m_location);
  } else if (access == Access::read) {
    throw Error(ExitCode::not_found, "database_not_found",
                "no inv database at '" + m_location +
                    "' (its schema has no inv tables; create them with 'inv init')");
  }
}

PgStore::~PgStore() = default;

std::unique_ptr<Session> PgStore::begin(Mode mode) {
  return std::make_unique<PgSession>(*m_connection, m_location, mode, m_wait, m_has_tables,
                                     m_schema);
}

bool PgStore::initialize() {
  if (m_has_tables) {
    return false;
  }
  Transaction transaction(*m_connection, Transaction::Mode::write);
  make_tables_current(*m_connection, m_location);
  transaction.commit();
  m_has_tables = true;
  m_schema = k_schema_version;
  return true;
}

}  // namespace inv::store::pg
