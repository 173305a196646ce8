#pragma once
// Strict base-10 integer parsing (SPEC §7): ASCII digits, a leading '-' only where negatives are
// allowed; no '+', spaces, separators, hex, octal or exponents; overflow is an error.

#include <cstdint>
#include <optional>
#include <string_view>

namespace inv::util {

enum class Sign { non_negative, any };

// The value of `text`, or nullopt if it is not a whole number of the allowed sign that fits in
// int64. "-0" is accepted only with Sign::any (it is 0).
std::optional<std::int64_t> parse_int64(std::string_view text, Sign sign);

}  // namespace inv::util
