#include "inv/store/database.hpp"

#include <string>
#include <utility>

#include "inv/error.hpp"

namespace inv::store {

void throw_sqlite_error(sqlite3* db, int rc, std::string_view context) {
  const std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const std::string message = std::string(context) + ": " + detail;
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // SQLite's own text adds nothing unless it is more specific than "database is locked".
      throw Error(ExitCode::storage, "database_locked",
                  std::string(context) + ": the database is locked by another process" +
                      (detail == "database is locked" ? "" : " (" + detail + ")") +
                      "; try again or raise --wait");
    case SQLITE_READONLY:
      throw Error(ExitCode::storage, "read_only", message);
    case SQLITE_FULL:
      throw Error(ExitCode::storage, "disk_full", message);
    case SQLITE_CORRUPT:
      throw Error(ExitCode::storage, "corrupt_database", message);
    case SQLITE_NOTADB:
      throw Error(ExitCode::integrity, "not_an_inv_database", message);
    case SQLITE_CANTOPEN:
      throw Error(ExitCode::storage, "io_error",
                  message + " (does its directory exist, and may you write there?)");
    case SQLITE_IOERR:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      throw Error(ExitCode::storage, "io_error", message);
    case SQLITE_NOMEM:
      throw Error(ExitCode::storage, "out_of_memory", message);
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        // UNIQUE(sku, version) lost a race: another writer appended first.
        throw Error(ExitCode::conflict, "version_conflict", message);
      }
      throw Error(ExitCode::failure, "internal", message);
    default:
      throw Error(ExitCode::failure, "internal", message);
  }
}

Statement::Statement(sqlite3* db, std::string_view sql, unsigned prepare_flags) : m_db(db) {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), prepare_flags,
                                    &m_stmt, nullptr);
  if (rc != SQLITE_OK) {
    throw_sqlite_error(db, rc, "cannot prepare a statement");
  }
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Statement::~Statement() {
  sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(m_stmt, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(m_stmt, index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  throw_sqlite_error(m_db, sqlite3_extended_errcode(m_db), "database error");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() noexcept {
  sqlite3_reset(m_stmt);
  sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(m_stmt, column);
}

std::string_view Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
  if (data == nullptr) {
    return {};
  }
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return std::string(text(column));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Database::Database(const std::filesystem::path& file, OpenMode mode, int busy_timeout_ms)
    : m_busy_timeout_ms(busy_timeout_ms) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one thread per connection
  std::string name = file.string();
  switch (mode) {
    case OpenMode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case OpenMode::immutable: {
      flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      std::string uri = "file:";
      for (const char c : name) {
        if (c == '?' || c == '#' || c == '%') {
          static constexpr char k_hex[] = "0123456789ABCDEF";
          uri += '%';
          uri += k_hex[static_cast<unsigned char>(c) >> 4];
          uri += k_hex[static_cast<unsigned char>(c) & 0xF];
        } else {
          uri += c;
        }
      }
      name = uri + "?immutable=1";
      break;
    }
    case OpenMode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
  m_handle.reset(raw);
  if (rc != SQLITE_OK) {
    throw_sqlite_error(raw, rc, "cannot open database '" + file.string() + "'");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
}

void Database::execute(const char* sql) {
  const int rc = sqlite3_exec(handle(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    throw_sqlite_error(handle(), sqlite3_extended_errcode(handle()), "database error");
  }
}

StatementUse Database::cached(std::string_view sql) {
  auto found = m_cache.find(sql);
  if (found == m_cache.end()) {
    found = m_cache.emplace(std::string(sql), Statement(handle(), sql, SQLITE_PREPARE_PERSISTENT))
                .first;
  }
  return StatementUse(found->second);
}

std::int64_t Database::pragma_int(const char* name) {
  Statement statement(handle(), std::string("PRAGMA ") + name);
  return statement.step() ? statement.int64(0) : 0;
}

Transaction::Transaction(Database& db, Mode mode) : m_db(db) {
  db.execute(mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (m_open) {
    sqlite3_exec(m_db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  m_db.execute("COMMIT");
  m_open = false;
}

}  // namespace inv::store
