#pragma once
// inv::Error and the exit codes of SPEC §5. Every failure that reaches the user is an inv::Error;
// inv::cli::run() is the one place that turns it into a message and an exit code.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace inv {

enum class ExitCode {
  ok = 0,
  failure = 1,    // internal error (a bug)
  usage = 2,      // unknown command or option, malformed number, SKU, TIME or batch line
  rejected = 3,   // a business rule said no
  not_found = 4,  // unknown SKU, no database at the path
  conflict = 5,  // stale --expect-version, item exists, idempotency key reused, broken continuation
  integrity = 6,  // verify found a problem; not an inv database; newer schema
  storage = 7,    // locked past --wait, read-only, disk full, I/O error, corrupt file
};

// An error with its exit code and a stable snake_case code for scripts (e.g. "version_conflict").
class Error : public std::runtime_error {
 public:
  Error(ExitCode exit_code, std::string code, const std::string& message)
      : std::runtime_error(message), m_exit_code(exit_code), m_code(std::move(code)) {}

  ExitCode exit_code() const { return m_exit_code; }
  const std::string& code() const { return m_code; }

  // The input line the error is about (a batch line), if any: JSON errors carry it (SPEC §12).
  std::optional<std::int64_t> line() const { return m_line; }
  Error& set_line(std::int64_t line) {
    m_line = line;
    return *this;
  }

  // Further errors of the same input (apply --dry-run reports every bad line), after this one.
  const std::vector<Error>& more() const { return m_more; }
  Error& add_more(std::vector<Error> errors) {
    m_more = std::move(errors);
    return *this;
  }

 private:
  ExitCode m_exit_code;
  std::string m_code;
  std::optional<std::int64_t> m_line;
  std::vector<Error> m_more;
};

// Shorthand for the most common kind: a usage error (exit 2) with code "usage".
inline Error usage_error(const std::string& message) {
  return Error(ExitCode::usage, "usage", message);
}

}  // namespace inv
