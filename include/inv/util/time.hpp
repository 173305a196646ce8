#pragma once
// Timestamps. Events record `recorded_at` as UTC RFC 3339 with microseconds
// ("2026-11-28T06:15:14.123456Z"); that fixed width makes byte order equal time order.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inv::util {

// An instant, in microseconds since the Unix epoch (UTC).
struct Timestamp {
  std::int64_t micros = 0;
  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// Microseconds since the Unix epoch, now (wall clock).
std::int64_t now_micros();

// `micros` as "YYYY-MM-DDTHH:MM:SS.ffffffZ".
std::string format_rfc3339_micros(std::int64_t micros);

// Parses a TIME argument (SPEC §3): RFC 3339 with a 'Z' or ±HH:MM offset and optional fraction,
// or a date "YYYY-MM-DD" meaning the last microsecond of that day, UTC; a time without seconds
// ("2026-12-04T14:39Z") means the last microsecond of that minute. Returns the instant in
// microseconds since the epoch (fractions below a microsecond are truncated, which keeps
// "at or before TIME" exact for recorded_at values), or nullopt if malformed.
// With PeriodEnd::first, a date or a time without seconds means the first microsecond of its
// day or minute instead (what `--from` asks).
enum class PeriodEnd { last, first };
std::optional<std::int64_t> parse_time(std::string_view text, PeriodEnd end = PeriodEnd::last);

}  // namespace inv::util
