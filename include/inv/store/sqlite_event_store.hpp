#pragma once
// The event store on one SQLite file (WAL, synchronous=FULL). See event_store.hpp for the
// contract; schema.hpp for the tables.

#include <filesystem>
#include <memory>

#include "inv/store/database.hpp"
#include "inv/store/event_store.hpp"

namespace inv::store {

enum class Access {
  read,     // queries: the file must exist and is never created or changed
  write,    // write commands: the file is created (with its schema) if missing
  dry_run,  // writes that roll back: an existing file, or an empty in-memory log if missing
};

class SqliteEventStore final : public EventStore {
 public:
  // Opens the database at `path`. `wait_ms` is how long to wait for another process's lock.
  // Throws inv::Error: not_found (read of a missing file), integrity (not an inv database,
  // newer schema), storage (cannot open, locked, read-only).
  SqliteEventStore(const std::filesystem::path& path, Access access, int wait_ms);

  std::unique_ptr<WriteSession> begin_write() override;
  std::unique_ptr<ReadSession> begin_read() override;
  std::optional<domain::Item> find_item(std::string_view sku) override;
  std::optional<domain::Item> item_at_version(std::string_view sku, std::int64_t version) override;
  std::optional<domain::Item> item_as_of(std::string_view sku, std::string_view time) override;
  std::vector<domain::Item> list_as_of(std::string_view time, std::string_view prefix) override;
  std::vector<domain::Item> list_items(std::string_view prefix) override;
  void history(const HistoryFilter& filter,
               const std::function<void(const RecordedEvent&)>& visit) override;
  Head head() override;
  Stats stats() override;

  Database& database() { return *m_db; }

 private:
  std::filesystem::path m_path;
  std::unique_ptr<Database> m_db;
  bool m_initialized = true;  // false: an empty file opened for reading; every query is empty
};

// Creates the database at `path` if needed (`inv init`). Returns true if it was created.
bool initialize_database(const std::filesystem::path& path, int wait_ms);

// Gives an open database the current schema if it has none (or an older one), in one write
// transaction. Returns true if it changed anything. Throws inv::Error (integrity) for a foreign
// file or a newer schema.
bool ensure_schema(Database& db, const std::string& path);

}  // namespace inv::store
