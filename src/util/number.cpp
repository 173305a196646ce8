#include "inv/util/number.hpp"

#include <charconv>

namespace inv::util {

std::optional<std::int64_t> parse_int64(std::string_view text, Sign sign) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '-') {
    if (sign != Sign::any) {
      return std::nullopt;
    }
    digits.remove_prefix(1);
  }
  // from_chars alone would accept a leading '-' again ("--5"); insist on digits only.
  if (digits.empty()) {
    return std::nullopt;
  }
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;  // out of range
  }
  return value;
}

}  // namespace inv::util
