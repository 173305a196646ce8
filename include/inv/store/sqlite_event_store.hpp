#pragma once
// The store on one SQLite file (WAL, synchronous=FULL). See event_store.hpp for the primitives;
// schema.hpp for the tables.

#include <filesystem>
#include <memory>

#include "inv/store/database.hpp"
#include "inv/store/event_store.hpp"
#include "inv/store/schema.hpp"

namespace inv::store {

class SqliteStore final : public Store {
 public:
  // Opens the database at `path`. `wait_ms` is how long to wait for another process's lock.
  // A write to a missing file builds the new database under a temporary name beside it and
  // moves it into place at the first commit, so a command that fails leaves no file behind.
  // Throws inv::Error: not_found (read of a missing file), integrity (not an inv database,
  // newer schema), storage (cannot open, locked, read-only).
  SqliteStore(const std::filesystem::path& path, Access access, int wait_ms);
  ~SqliteStore() override;

  std::unique_ptr<Session> begin(Mode mode) override;

  Database& database() { return *m_db; }

  // Called by a write session after its commit: a new database moves into place. Throws
  // inv::Error (storage) if another process created the file meanwhile; nothing was written then.
  void committed();

 private:
  std::filesystem::path m_path;   // the file that is open
  std::filesystem::path m_final;  // where a new database goes at its first commit (or empty)
  std::unique_ptr<Database> m_db;
  bool m_initialized = true;  // false: an empty file opened for reading; every query is empty
  // The file's schema version: older than k_schema_version only for a file opened for reading
  // (writers migrate it first, and read it as current).
  std::int64_t m_schema = k_schema_version;
  // An older file opened for a dry run: migrated in each write session, which rolls back.
  std::string m_migrate_path;
};

// Creates the database at `path` if needed (`inv init`). Returns true if it was created.
bool initialize_database(const std::filesystem::path& path, int wait_ms);

// Gives an open database the current schema if it has none (or an older one), in one write
// transaction. Returns true if it changed anything. Throws inv::Error (integrity) for a foreign
// file or a newer schema.
bool ensure_schema(Database& db, const std::string& path);

}  // namespace inv::store
