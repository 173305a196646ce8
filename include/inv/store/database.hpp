#pragma once
// RAII over SQLite: a connection with a cache of prepared statements, statements that reset
// themselves after use, and explicit transactions. Every SQLite failure becomes an inv::Error
// (see sqlite_error()), so callers never look at result codes.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace inv::store {

// Throws the inv::Error for SQLite result `rc` on `db` (storage, integrity or conflict; see
// SPEC §5), with `context` and SQLite's own message.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view context);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, unsigned prepare_flags = 0);
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view value);  // bound as TEXT, copied by SQLite
  Statement& bind(int index, const std::optional<std::string>& value);  // NULL when absent
  Statement& bind_null(int index);

  // Steps once: true if a row is ready, false when done.
  bool step();
  // Steps to completion, for statements that return no rows.
  void run();
  // Resets the statement and clears its bindings, so it can be used again.
  void reset() noexcept;

  std::int64_t int64(int column) const;
  std::string_view text(int column) const;  // valid until the next step/reset
  std::optional<std::string> optional_text(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

// A statement in use: resets it when the scope ends, even if a step threw.
class StatementUse {
 public:
  explicit StatementUse(Statement& statement) : m_statement(statement) {}
  StatementUse(const StatementUse&) = delete;
  ~StatementUse() { m_statement.reset(); }
  Statement* operator->() { return &m_statement; }
  Statement& operator*() { return m_statement; }

 private:
  Statement& m_statement;
};

enum class OpenMode {
  read_only,
  // Read-only and never changing: no -wal or -shm files are used. Only for a file in a read-only
  // place with no -wal file, which therefore no process can be writing.
  immutable,
  read_write,
  create,
};

class Database {
 public:
  // Opens `file` (":memory:" for a private in-memory database). `busy_timeout_ms` is how long a
  // statement waits for a lock held by another connection before it fails with exit 7.
  Database(const std::filesystem::path& file, OpenMode mode, int busy_timeout_ms);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  sqlite3* handle() const { return m_handle.get(); }

  // Runs one or more statements that return no rows.
  void execute(const char* sql);
  // A statement prepared once per connection and reused (SQLITE_PREPARE_PERSISTENT).
  StatementUse cached(std::string_view sql);
  // The single integer of `PRAGMA name`.
  std::int64_t pragma_int(const char* name);

  int busy_timeout_ms() const { return m_busy_timeout_ms; }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> m_handle;  // declared first, so statements are finalized before
  std::map<std::string, Statement, std::less<>> m_cache;
  int m_busy_timeout_ms;
};

// One transaction. The destructor rolls back unless commit() was called, and never throws.
class Transaction {
 public:
  enum class Mode { read, write };  // write = BEGIN IMMEDIATE: take the write lock up front
  Transaction(Database& db, Mode mode);
  Transaction(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& m_db;
  bool m_open = true;
};

}  // namespace inv::store
