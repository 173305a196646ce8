#include "inv/cli/arguments.hpp"

#include <cstdlib>
#include <fstream>
#include <limits>
#include <unistd.h>

#include <fmt/format.h>

#include "inv/domain/sku.hpp"
#include "inv/error.hpp"
#include "inv/util/number.hpp"
#include "inv/util/utf8.hpp"

namespace inv::cli {
namespace {

Error invalid_number(std::string_view name, std::string_view expected, std::string_view text) {
  return Error(ExitCode::usage, "invalid_number",
               std::string(name) + " must be " + std::string(expected) + ", got '" +
                   std::string(text) + "'");
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
    if (!util::is_valid_utf8(from_environment)) {
      throw usage_error("INV_ACTOR is not valid UTF-8");
    }
    return from_environment;
  }
  return login_name();
}

std::optional<std::string> optional_text(const std::optional<std::string>& value,
                                         std::string_view name) {
  if (!value || value->empty()) {
    return std::nullopt;
  }
  if (!util::is_valid_utf8(*value)) {
    throw usage_error(std::string(name) + " is not valid UTF-8");
  }
  return value;
}

}  // namespace inv::cli
