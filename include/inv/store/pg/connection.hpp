#pragma once
// RAII over libpq, as database.hpp is over SQLite: a connection, results that clear themselves,
// statements with text parameters only (values never enter the SQL text), and transactions that
// roll back unless committed. Every libpq failure becomes an inv::Error (see throw_pg_error()),
// so callers never look at status codes. A password given in the URI never appears in a message.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// libpq's types, declared here so that no header of inv's includes <libpq-fe.h>.
struct pg_conn;
struct pg_result;

namespace inv::store::pg {

// True if `location` is a PostgreSQL connection URI (postgresql:// or postgres://), which --db
// and INV_DB take besides a file path (SPEC §10).
bool is_postgres_uri(std::string_view location);

// `uri` with any password in it (user:PASSWORD@host, or a password= parameter) replaced by
// "***", so it can be shown in a message or in `stats`.
std::string redact_uri(std::string_view uri);

// One query parameter: a text value, or SQL NULL.
using Param = std::optional<std::string_view>;

class Result {
 public:
  explicit Result(pg_result* result) : m_result(result) {}

  int rows() const;
  bool is_null(int row, int column) const;
  std::string_view text(int row, int column) const;  // valid while the Result lives
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t int64(int row, int column) const;  // throws if the value is not a whole number
  // The number of rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected_rows() const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> m_result;
};

class Connection {
 public:
  // Connects to `uri` (libpq also reads its PG* environment variables) within `timeout`.
  // Throws Error(storage, "connection_failed") with libpq's reason if the server cannot be
  // reached or refuses the login.
  Connection(std::string_view uri, std::chrono::milliseconds timeout);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  pg_conn* handle() const { return m_handle.get(); }

  // Runs one or more statements without parameters (DDL, BEGIN, SET …).
  void execute(const char* sql);
  // Runs one statement with `params` bound as $1, $2, … in text form.
  Result query(const char* sql, std::initializer_list<Param> params = {});
  Result query(const char* sql, const std::vector<Param>& params);
  // Runs `copy` (a COPY … FROM STDIN) and sends it `data`, rows in COPY's text format.
  void copy_in(const char* copy, std::string_view data);

 private:
  // `result` as a Result if the statement succeeded; else throws its inv::Error.
  Result checked(pg_result* result, const char* sql);

  struct Finish {
    void operator()(pg_conn* connection) const;
  };
  std::unique_ptr<pg_conn, Finish> m_handle;
  std::string m_redacted_uri;
};

// One transaction. The destructor rolls back unless commit() was called, and never throws.
class Transaction {
 public:
  // read: one consistent view until it ends (REPEATABLE READ READ ONLY), as SQLite's read
  // transaction; write: READ COMMITTED, each statement seeing what others committed before it.
  enum class Mode { read, write };
  Transaction(Connection& connection, Mode mode);
  Transaction(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& m_connection;
  bool m_open = true;
};

}  // namespace inv::store::pg
