#include "inv/util/time.hpp"

#include <chrono>
#include <cstdio>

namespace inv::util {
namespace {

constexpr std::int64_t k_micros_per_second = 1'000'000;
constexpr std::int64_t k_seconds_per_day = 86'400;

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// Reads exactly `count` ASCII digits at text[pos], advancing pos.
std::optional<unsigned> read_digits(std::string_view text, std::size_t& pos, std::size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  pos += count;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::int64_t now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_rfc3339_micros(std::int64_t micros) {
  std::int64_t seconds = micros / k_micros_per_second;
  std::int64_t fraction = micros % k_micros_per_second;
  if (fraction < 0) {
    fraction += k_micros_per_second;
    --seconds;
  }
  std::int64_t days = seconds / k_seconds_per_day;
  std::int64_t second_of_day = seconds % k_seconds_per_day;
  if (second_of_day < 0) {
    second_of_day += k_seconds_per_day;
    --days;
  }
  const Civil date = civil_from_days(days);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(second_of_day / 3600),
                static_cast<long long>(second_of_day / 60 % 60),
                static_cast<long long>(second_of_day % 60), static_cast<long long>(fraction));
  return buffer;
}

std::optional<std::int64_t> parse_time(std::string_view text, PeriodEnd end) {
  const bool first = end == PeriodEnd::first;
  std::size_t pos = 0;
  const auto year = read_digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto month = read_digits(text, pos, 2);
  if (!month || *month < 1 || *month > 12 || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  const auto day = read_digits(text, pos, 2);
  if (!day || *day < 1 || *day > days_in_month(*year, *month)) {
    return std::nullopt;
  }
  const std::int64_t days = days_from_civil(*year, *month, *day);
  if (pos == text.size()) {
    // A bare date means the whole of that day (UTC): its last (or first) microsecond.
    return first ? days * k_seconds_per_day * k_micros_per_second
                 : (days + 1) * k_seconds_per_day * k_micros_per_second - 1;
  }
  if (!(expect(text, pos, 'T') || expect(text, pos, 't') || expect(text, pos, ' '))) {
    return std::nullopt;
  }
  const auto hour = read_digits(text, pos, 2);
  if (!hour || *hour > 23 || !expect(text, pos, ':')) {
    return std::nullopt;
  }
  const auto minute = read_digits(text, pos, 2);
  if (!minute || *minute > 59) {
    return std::nullopt;
  }
  // Without seconds (SPEC §12: 2026-12-04T14:39Z), the time means the whole of that minute, as a
  // bare date means the whole day: its last microsecond.
  const bool whole_minute = !expect(text, pos, ':');
  const auto second =
      whole_minute ? std::optional<unsigned>(first ? 0 : 59) : read_digits(text, pos, 2);
  if (!second || *second > 60) {  // 60: a leap second, counted as the end of :59
    return std::nullopt;
  }
  std::int64_t micros = whole_minute && !first ? k_micros_per_second - 1 : 0;
  if (!whole_minute && expect(text, pos, '.')) {
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) {
        micros = micros * 10 + (text[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (std::size_t i = digits; i < 6; ++i) {
      micros *= 10;
    }
  }
  std::int64_t offset_seconds = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const bool negative = text[pos] == '-';
    ++pos;
    const auto offset_hours = read_digits(text, pos, 2);
    if (!offset_hours || *offset_hours > 23 || !expect(text, pos, ':')) {
      return std::nullopt;
    }
    const auto offset_minutes = read_digits(text, pos, 2);
    if (!offset_minutes || *offset_minutes > 59) {
      return std::nullopt;
    }
    offset_seconds = (static_cast<std::int64_t>(*offset_hours) * 3600 + *offset_minutes * 60) *
                     (negative ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  std::int64_t seconds =
      days * k_seconds_per_day + *hour * 3600 + *minute * 60 + std::min(*second, 59u);
  if (*second == 60) {
    micros = k_micros_per_second - 1;
  }
  seconds -= offset_seconds;
  return seconds * k_micros_per_second + micros;
}

}  // namespace inv::util
