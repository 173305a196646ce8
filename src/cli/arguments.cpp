#include "inv/cli/arguments.hpp"

#include <cstdlib>
#include <fstream>
#include <limits>
#include <unistd.h>

#include <fmt/format.h>

#include "inv/domain/sku.hpp"
#include "inv/error.hpp"
#include "inv/util/number.hpp"
#include "inv/util/text.hpp"
#include "inv/util/time.hpp"
#include "inv/util/utf8.hpp"

namespace inv::cli {
namespace {

Error invalid_number(std::string_view name, std::string_view expected, std::string_view text) {
  return Error(ExitCode::usage, "invalid_number",
               std::string(name) + " must be " + std::string(expected) + ", got '" +
                   util::excerpt(text) + "'");
}

// The login name of the current user, from the environment or /etc/passwd. (getpwuid() would
// pull NSS into a static binary.)
std::string login_name() {
  for (const char* variable : {"LOGNAME", "USER"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') {
      return value;
    }
  }
  const std::string uid = std::to_string(getuid());
  std::ifstream passwd("/etc/passwd");
  std::string line;
  while (std::getline(passwd, line)) {
    // name:password:uid:...
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    const auto third = line.find(':', second + 1);
    if (third != std::string::npos && line.compare(second + 1, third - second - 1, uid) == 0) {
      return line.substr(0, first);
    }
  }
  return "uid " + uid;
}

// Throws a clear message if `text` is a well-formed whole number that int64 cannot hold.
void refuse_out_of_range(std::string_view text, std::string_view name) {
  const bool negative = text.starts_with('-');
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return;
  }
  throw Error(ExitCode::usage, "invalid_number",
              negative ? fmt::format("{} is too small: at least {}, got '{}'", name,
                                     std::numeric_limits<std::int64_t>::min(), text)
                       : fmt::format("{} is too large: at most {}, got '{}'", name,
                                     std::numeric_limits<std::int64_t>::max(), text));
}

}  // namespace

std::int64_t parse_number(std::string_view text, std::string_view name, NumberKind kind) {
  // SPEC §12: a DELTA may say it is a receipt with a leading '+' (`adjust SKU +24`).
  if (kind == NumberKind::delta && text.size() > 1 && text[0] == '+' && text[1] >= '0' &&
      text[1] <= '9') {
    const std::int64_t value = parse_number(text.substr(1), name, NumberKind::count);
    if (value == 0) {
      throw invalid_number(name, "a non-zero whole number (negative for a write-off)", text);
    }
    return value;
  }
  const util::Sign sign = kind == NumberKind::delta ? util::Sign::any : util::Sign::non_negative;
  const auto value = util::parse_int64(text, sign);
  if (!value && (sign == util::Sign::any || !text.starts_with('-'))) {
    refuse_out_of_range(text, name);
  }
  switch (kind) {
    case NumberKind::positive:
      if (value && *value >= 1) {
        return *value;
      }
      throw invalid_number(name, "a whole number >= 1", text);
    case NumberKind::count:
      if (value) {
        return *value;
      }
      throw invalid_number(name, "a whole number >= 0", text);
    case NumberKind::delta:
      if (value && *value != 0) {
        return *value;
      }
      throw invalid_number(name, "a non-zero whole number (negative for a write-off)", text);
  }
  throw invalid_number(name, "a number", text);
}

std::string parse_time_argument(std::string_view text, std::string_view name, DateMeans date) {
  if (text == "now") {
    return util::format_rfc3339_micros(util::now_micros());
  }
  // A bare date (2026-12-31) or a time without seconds is the end of that day or minute, or
  // for --from its start.
  const bool start = date == DateMeans::start;
  const auto instant =
      util::parse_time(text, start ? util::PeriodEnd::first : util::PeriodEnd::last);
  if (!instant) {
    throw Error(ExitCode::usage, "invalid_time",
                std::string(name) + " must be RFC 3339 (2026-11-28T06:15:14Z), a date " +
                    (start ? "(2026-12-31, meaning the start of that day, UTC)"
                           : "(2026-12-31, meaning the end of that day, UTC)") +
                    " or now; got '" + util::excerpt(text) + "'");
  }
  return util::format_rfc3339_micros(*instant);
}

util::Timestamp time_point(std::string_view canonical) {
  return util::Timestamp{util::parse_time(canonical).value_or(0)};
}

TimeWindow parse_time_window(const std::optional<std::string>& from,
                             const std::optional<std::string>& to) {
  TimeWindow window;
  if (from) {
    window.from = time_point(parse_time_argument(*from, "--from", DateMeans::start));
  }
  if (to) {
    window.to = time_point(parse_time_argument(*to, "--to"));
  }
  if (window.from && window.to && window.to->micros < window.from->micros) {
    throw usage_error("--to " + *to + " is before --from " + *from);
  }
  return window;
}

util::Timestamp parse_older_than(std::string_view text, std::string_view name) {
  const auto invalid = [&] {
    return Error(ExitCode::usage, "invalid_duration",
                 std::string(name) + " must be a whole number with a unit: s, m, h or d " +
                     "(90s, 30m, 2h, 7d); got '" + util::excerpt(text) + "'");
  };
  if (text.size() < 2) {
    throw invalid();
  }
  const char unit = text.back();
  const std::int64_t seconds_per_unit = unit == 's'   ? 1
                                        : unit == 'm' ? 60
                                        : unit == 'h' ? 3600
                                        : unit == 'd' ? 86400
                                                      : 0;
  const std::string_view digits = text.substr(0, text.size() - 1);
  if (seconds_per_unit == 0 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    throw invalid();
  }
  std::int64_t count = 0;
  std::int64_t micros = 0;
  for (const char digit : digits) {
    if (__builtin_mul_overflow(count, 10, &count) ||
        __builtin_add_overflow(count, digit - '0', &count)) {
      throw invalid();
    }
  }
  if (__builtin_mul_overflow(count, seconds_per_unit * 1000000, &micros)) {
    throw invalid();
  }
  // Saturates at the epoch: "older than 10000000d" is everything.
  const std::int64_t now = util::now_micros();
  return util::Timestamp{micros >= now ? 0 : now - micros};
}

std::string checked_sku(std::string_view sku) {
  domain::validate_sku(sku);
  return std::string(sku);
}

std::string resolve_actor(const std::optional<std::string>& option) {
  if (option && !option->empty()) {
    return *option;
  }
  const char* from_environment = std::getenv("INV_ACTOR");
  if (from_environment != nullptr && *from_environment != '\0') {
    check_text(from_environment, "INV_ACTOR", TextKind::label);
    return from_environment;
  }
  std::string login = login_name();
  check_text(login, "the login name", TextKind::label);
  return login;
}

void check_text(std::string_view text, std::string_view name, TextKind kind) {
  if (!util::is_valid_utf8(text)) {
    throw usage_error(std::string(name) + " is not valid UTF-8");
  }
  if (const auto forbidden = util::forbidden_character(text, kind)) {
    throw usage_error(std::string(name) + " must not hold " + *forbidden);
  }
}

std::optional<std::string> optional_text(const std::optional<std::string>& value,
                                         std::string_view name, TextKind kind) {
  if (!value || value->empty()) {
    return std::nullopt;
  }
  check_text(*value, name, kind);
  return value;
}

std::optional<std::string> idempotency_key(const std::optional<std::string>& value) {
  if (!value) {
    return std::nullopt;
  }
  auto key = optional_text(value, "--idempotency-key");
  if (!key) {
    throw usage_error("--idempotency-key must not be empty");
  }
  return key;
}

}  // namespace inv::cli
