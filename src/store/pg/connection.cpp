#include "inv/store/pg/connection.hpp"

#include <charconv>
#include <cstdlib>
#include <libpq-fe.h>
#include <string>

#include "inv/error.hpp"

namespace inv::store::pg {
namespace {

// The password of `uri` (user:PASSWORD@… or password=PASSWORD), or empty.
std::string_view password_of(std::string_view uri) {
  if (const auto scheme = uri.find("://"); scheme != std::string_view::npos) {
    const std::string_view rest = uri.substr(scheme + 3);
    const auto at = rest.find('@');
    const auto authority_end = rest.find_first_of("/?");
    if (at != std::string_view::npos &&
        (authority_end == std::string_view::npos || at < authority_end)) {
      const std::string_view userinfo = rest.substr(0, at);
      if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
        return userinfo.substr(colon + 1);
      }
    }
  }
  if (const auto key = uri.find("password="); key != std::string_view::npos) {
    const std::string_view value = uri.substr(key + 9);
    return value.substr(0, value.find_first_of("& "));
  }
  return {};
}

// `text` with every occurrence of `secret` replaced by "***".
std::string scrub(std::string text, std::string_view secret) {
  if (secret.empty()) {
    return text;
  }
  for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

// libpq's messages end with a newline (sometimes several lines); one line reads better after
// "inv: error: ".
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  // "…failed: Connection refused\n\tIs the server running…": one space between the lines.
  std::string line;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\t';
    if (!space) {
      line += c;
    } else if (!line.empty() && line.back() != ' ') {
      line += ' ';
    }
  }
  return line;
}

// The inv::Error for a failed statement, by its SQLSTATE (PostgreSQL's appendix A).
[[noreturn]] void throw_statement_error(const PGresult* result, pg_conn* connection,
                                        std::string_view context) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  const std::string detail =
      one_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection));
  const std::string message = std::string(context) + ": " + detail;
  if (PQstatus(connection) == CONNECTION_BAD || sqlstate.starts_with("08")) {
    throw Error(ExitCode::storage, "connection_failed", message);
  }
  if (sqlstate == "55P03" || sqlstate == "57014") {  // lock_not_available, query_canceled
    throw Error(ExitCode::storage, "database_locked",
                std::string(context) +
                    ": the database is locked by another process; try again or raise --wait");
  }
  if (sqlstate == "23505") {  // unique_violation: another writer appended first
    throw Error(ExitCode::conflict, "version_conflict", message);
  }
  if (sqlstate == "53100") {
    throw Error(ExitCode::storage, "disk_full", message);
  }
  if (sqlstate == "25006" || sqlstate == "42501") {  // read_only_sql_transaction, no privilege
    throw Error(ExitCode::storage, "read_only", message);
  }
  if (sqlstate.starts_with("53") || sqlstate.starts_with("58") || sqlstate.starts_with("XX")) {
    throw Error(ExitCode::storage, "io_error", message);
  }
  throw Error(ExitCode::failure, "internal", message);
}

}  // namespace

bool is_postgres_uri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redact_uri(std::string_view uri) {
  return scrub(std::string(uri), password_of(uri));
}

void Result::Clear::operator()(pg_result* result) const {
  PQclear(result);
}

int Result::rows() const {
  return PQntuples(m_result.get());
}

bool Result::is_null(int row, int column) const {
  return PQgetisnull(m_result.get(), row, column) != 0;
}

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(m_result.get(), row, column),
          static_cast<std::size_t>(PQgetlength(m_result.get(), row, column))};
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return std::string(text(row, column));
}

std::int64_t Result::int64(int row, int column) const {
  const std::string_view value = text(row, column);
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw Error(ExitCode::integrity, "corrupt_database",
                "expected a whole number in the database, found '" + std::string(value) + "'");
  }
  return number;
}

std::int64_t Result::affected_rows() const {
  const std::string_view count = PQcmdTuples(m_result.get());
  std::int64_t number = 0;
  std::from_chars(count.data(), count.data() + count.size(), number);
  return number;
}

void Connection::Finish::operator()(pg_conn* connection) const {
  PQfinish(connection);
}

Connection::Connection(std::string_view uri, std::chrono::milliseconds timeout)
    : m_redacted_uri(redact_uri(uri)) {
  const std::string dbname(uri);
  // libpq's own connect_timeout is in whole seconds (at least 2); a URI's connect_timeout or
  // PGCONNECT_TIMEOUT wins over ours, since keywords after an expanded dbname override it.
  const std::string seconds =
      std::to_string(std::max<long long>(2, (timeout.count() + 999) / 1000));
  const bool env_timeout = std::getenv("PGCONNECT_TIMEOUT") != nullptr;
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* values[] = {env_timeout ? nullptr : seconds.c_str(), "inv", dbname.c_str(), nullptr};
  const int first = env_timeout ? 1 : 0;
  m_handle.reset(PQconnectdbParams(keywords + first, values + first, /*expand_dbname=*/1));
  if (m_handle == nullptr) {
    throw Error(ExitCode::storage, "out_of_memory", "cannot allocate a PostgreSQL connection");
  }
  if (PQstatus(m_handle.get()) != CONNECTION_OK) {
    throw Error(ExitCode::storage, "connection_failed",
                scrub("cannot connect to " + m_redacted_uri + ": " +
                          one_line(PQerrorMessage(m_handle.get())),
                      password_of(uri)));
  }
  // Notices (e.g. "relation already exists, skipping") are not for the user of a CLI.
  PQsetNoticeProcessor(
      m_handle.get(), [](void*, const char*) {}, nullptr);
}

Result Connection::checked(pg_result* result, const char* sql) {
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Result owner(result);  // cleared however this ends
    throw_statement_error(result, m_handle.get(), std::string_view(sql).substr(0, 60));
  }
  return Result(result);
}

void Connection::execute(const char* sql) {
  checked(PQexec(m_handle.get(), sql), sql);
}

Result Connection::query(const char* sql, std::initializer_list<Param> params) {
  return query(sql, std::vector<Param>(params));
}

Result Connection::query(const char* sql, const std::vector<Param>& params) {
  // Text parameters need NUL-terminated copies; lengths are passed too, so values are exact.
  std::vector<std::string> copies;
  copies.reserve(params.size());
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (const Param& param : params) {
    if (param) {
      copies.emplace_back(*param);
      values.push_back(copies.back().c_str());
      lengths.push_back(static_cast<int>(copies.back().size()));
    } else {
      values.push_back(nullptr);
      lengths.push_back(0);
    }
  }
  return checked(PQexecParams(m_handle.get(), sql, static_cast<int>(params.size()), nullptr,
                              values.data(), lengths.data(), nullptr, /*resultFormat=*/0),
                 sql);
}

void Connection::copy_in(const char* copy, std::string_view data) {
  pg_conn* connection = m_handle.get();
  PGresult* started = PQexec(connection, copy);
  if (PQresultStatus(started) != PGRES_COPY_IN) {
    checked(started, copy);  // throws the statement's error
    throw Error(ExitCode::failure, "internal", std::string("not a COPY FROM STDIN: ") + copy);
  }
  PQclear(started);
  // PQputCopyData takes an int length: send large data in pieces.
  constexpr std::size_t k_piece = 1u << 20;
  for (std::size_t at = 0; at < data.size(); at += k_piece) {
    const std::string_view piece = data.substr(at, k_piece);
    if (PQputCopyData(connection, piece.data(), static_cast<int>(piece.size())) != 1) {
      break;  // the error is reported by the result below
    }
  }
  PQputCopyEnd(connection, nullptr);
  // The COPY's result, then nothing: a failure (a taken position, say) is in the first.
  Result result = checked(PQgetResult(connection), copy);
  while (PGresult* extra = PQgetResult(connection)) {
    PQclear(extra);
  }
}

Transaction::Transaction(Connection& connection, Mode mode) : m_connection(connection) {
  m_connection.execute(mode == Mode::read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                          : "BEGIN");
}

Transaction::~Transaction() {
  if (m_open) {
    // Never throws: a failed rollback leaves the server to abort the transaction on disconnect.
    PQclear(PQexec(m_connection.handle(), "ROLLBACK"));
  }
}

void Transaction::commit() {
  m_connection.execute("COMMIT");
  m_open = false;
}

}  // namespace inv::store::pg
