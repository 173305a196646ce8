#pragma once
// A minimal JSON writer for output and for the canonical form of events (RFC 8785 string
// escaping: only '"', '\\' and control characters are escaped; other UTF-8 is written as is).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inv::util {

// Appends `text` as a JSON string literal, quotes included. `text` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view text);

// Appends `value` as a JSON string, or `null` when absent.
void append_json_string_or_null(std::string& out, const std::optional<std::string>& value);

// Appends `value` as plain decimal digits.
void append_json_int(std::string& out, std::int64_t value);

}  // namespace inv::util
