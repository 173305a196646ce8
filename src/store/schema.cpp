#include "inv/store/schema.hpp"

#include <string>

#include "inv/error.hpp"

namespace inv::store {
namespace {

// Version 1. Events keep their quantities twice: as canonical JSON in `data` (what is shown and
// hashed) and as typed columns (what replay folds, so replay never parses JSON). `verify` checks
// that the two agree.
constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE events (
  position        INTEGER PRIMARY KEY,
  sku             TEXT    NOT NULL,
  version         INTEGER NOT NULL CHECK (version >= 1),
  type            TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  recorded_at     TEXT    NOT NULL,
  actor           TEXT    NOT NULL,
  ref             TEXT,
  note            TEXT,
  idempotency_key TEXT,
  prev_hash       TEXT    NOT NULL,
  hash            TEXT    NOT NULL,
  qty             INTEGER,
  on_hand         INTEGER,
  available       INTEGER,
  previous        INTEGER,
  UNIQUE (sku, version)
);
CREATE INDEX events_idempotency_key ON events (idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Read model: the current state of each item, updated in the append transaction.
CREATE TABLE items (
  sku        TEXT PRIMARY KEY,
  on_hand    INTEGER NOT NULL,
  reserved   INTEGER NOT NULL,
  available  INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  updated_at TEXT    NOT NULL
) WITHOUT ROWID;

-- Which command an idempotency key was first used with. The log alone cannot always tell: `create`
-- and `set-soh` on a missing item append the same ItemCreated. Not part of the hash chain, so an
-- imported log falls back to matching the events (see CommandService).
CREATE TABLE idempotency_commands (
  idempotency_key TEXT PRIMARY KEY,
  command         TEXT NOT NULL
) WITHOUT ROWID;

-- Snapshots: an item's state every k_snapshot_interval versions, for point-in-time reads.
CREATE TABLE snapshots (
  sku        TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  on_hand    INTEGER NOT NULL,
  reserved   INTEGER NOT NULL,
  available  INTEGER NOT NULL,
  updated_at TEXT    NOT NULL,
  PRIMARY KEY (sku, version)
) WITHOUT ROWID;
)sql";

// Version 2: the committed head, kept apart from the events so that a truncated log is told from
// a short one, and a seal on each read model row, so that a write finds a hand-edited row with
// one look-up (SPEC §11). Rows migrated from version 1 have an empty seal until rebuilt or
// written.
constexpr const char* k_schema_v2 = R"sql(
CREATE TABLE head (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  position    INTEGER NOT NULL,
  hash        TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL
);
INSERT INTO head (id, position, hash, recorded_at)
  SELECT 1, coalesce(max(position), 0), '', '' FROM events;
UPDATE head SET hash = coalesce((SELECT hash FROM events ORDER BY position DESC LIMIT 1),
                                '0000000000000000000000000000000000000000000000000000000000000000'),
                recorded_at = coalesce((SELECT recorded_at FROM events ORDER BY position DESC
                                        LIMIT 1), '');
)sql";

constexpr const char* k_items_seal_v2 =
    "ALTER TABLE items ADD COLUMN seal TEXT NOT NULL DEFAULT ''";

// Version 3 (SPEC §8): the open reservations per SKU and ref, one row per reserve still open
// (oldest first within a ref gives `since`); a retired flag on items and snapshots; and the
// version of the rules the caches were built by, so that the first write after this migration
// rebuilds them from the log (app::LogWriter), in its own transaction.
constexpr const char* k_schema_v3 = R"sql(
ALTER TABLE items ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshots ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE head ADD COLUMN caches INTEGER NOT NULL DEFAULT 0;
CREATE TABLE reservations (
  sku         TEXT    NOT NULL,
  ref         TEXT    NOT NULL,  -- '' for the unnamed pool
  position    INTEGER NOT NULL,  -- of the StockReserved that opened the lot
  recorded_at TEXT    NOT NULL,
  qty         INTEGER NOT NULL,
  PRIMARY KEY (sku, ref, position)
) WITHOUT ROWID;
CREATE INDEX reservations_by_ref ON reservations (ref, sku, position);
)sql";

// Version 4 (SPEC §9): the reorder point of an item, NULL when it has none (as every item of an
// older log has: only schema 4 knows ReorderPointSet, so the caches need no rebuild).
constexpr const char* k_schema_v4 = R"sql(
ALTER TABLE items ADD COLUMN reorder_point INTEGER;
ALTER TABLE snapshots ADD COLUMN reorder_point INTEGER;
)sql";

Error foreign(const std::string& path, const std::string& why) {
  return Error(ExitCode::integrity, "not_an_inv_database",
               "'" + path + "' is not an inv database (" + why + ")");
}

}  // namespace

FileState inspect_file(Database& db, const std::string& path) {
  const std::int64_t application_id = db.pragma_int("application_id");
  const std::int64_t user_version = db.pragma_int("user_version");
  if (application_id == k_application_id) {
    if (user_version > k_schema_version) {
      throw Error(ExitCode::integrity, "newer_schema",
                  "'" + path + "' has schema version " + std::to_string(user_version) +
                      ", newer than this inv supports (" + std::to_string(k_schema_version) +
                      "); upgrade inv");
    }
    return user_version == k_schema_version ? FileState::current : FileState::needs_migration;
  }
  if (application_id != 0) {
    throw foreign(path, "application id " + std::to_string(application_id));
  }
  Statement tables(db.handle(), "SELECT count(*) FROM sqlite_schema");
  tables.step();
  if (tables.int64(0) != 0 || user_version != 0) {
    throw foreign(path, "it holds another application's tables");
  }
  return FileState::empty;
}

void create_or_migrate(Database& db, const std::string& path) {
  switch (inspect_file(db, path)) {
    case FileState::current:
      return;
    case FileState::empty:
      db.execute(k_schema_v1);
      db.execute(k_items_seal_v2);
      db.execute(k_schema_v2);
      db.execute(k_schema_v3);
      db.execute(k_schema_v4);
      db.execute(("PRAGMA application_id = " + std::to_string(k_application_id)).c_str());
      db.execute(("PRAGMA user_version = " + std::to_string(k_schema_version)).c_str());
      return;
    case FileState::needs_migration:
      // One step per version, in order.
      if (db.pragma_int("user_version") == 1) {
        db.execute(k_items_seal_v2);
        db.execute(k_schema_v2);
        db.execute("PRAGMA user_version = 2");
      }
      if (db.pragma_int("user_version") == 2) {
        db.execute(k_schema_v3);
        db.execute("PRAGMA user_version = 3");
      }
      if (db.pragma_int("user_version") == 3) {
        db.execute(k_schema_v4);
        db.execute("PRAGMA user_version = 4");
      }
      return;
  }
}

}  // namespace inv::store
