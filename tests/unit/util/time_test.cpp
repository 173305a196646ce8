#include "inv/util/time.hpp"

#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>

// SPEC §3: TIME is RFC 3339 ("2026-11-28T06:15:14Z") or a date ("2026-12-31", meaning the end of
// that day, UTC). SPEC §2: recorded_at is UTC, RFC 3339 with microseconds.

namespace inv::util {
namespace {

constexpr std::int64_t k_second = 1'000'000;
constexpr std::int64_t k_2026_11_28_061514 = 1'795'846'514 * k_second;  // 2026-11-28T06:15:14Z
constexpr std::int64_t k_2027_01_01 = 1'798'761'600 * k_second;         // 2027-01-01T00:00:00Z
constexpr std::int64_t k_2024_02_29 = 1'709'164'800 * k_second;         // 2024-02-29T00:00:00Z

std::optional<std::int64_t> at(std::int64_t micros) {
  return micros;
}

TEST(ParseTime, ReadsUtc) {
  EXPECT_EQ(parse_time("2026-11-28T06:15:14Z"), at(k_2026_11_28_061514));
  EXPECT_EQ(parse_time("1970-01-01T00:00:00Z"), at(0));
  EXPECT_EQ(parse_time("2027-01-01T00:00:00Z"), at(k_2027_01_01));
}

TEST(ParseTime, ReadsFractionsOfASecond) {
  EXPECT_EQ(parse_time("2026-11-28T06:15:14.5Z"), at(k_2026_11_28_061514 + 500'000));
  EXPECT_EQ(parse_time("2026-11-28T06:15:14.000001Z"), at(k_2026_11_28_061514 + 1));
  EXPECT_EQ(parse_time("2026-11-28T06:15:14.123456Z"), at(k_2026_11_28_061514 + 123'456));
  // Below a microsecond is truncated, never rounded up past an event recorded at .123456.
  EXPECT_EQ(parse_time("2026-11-28T06:15:14.123456999Z"), at(k_2026_11_28_061514 + 123'456));
}

TEST(ParseTime, ShiftsOffsetsToUtc) {
  EXPECT_EQ(parse_time("2026-11-28T08:15:14+02:00"), at(k_2026_11_28_061514));
  EXPECT_EQ(parse_time("2026-11-28T00:45:14-05:30"), at(k_2026_11_28_061514));
  EXPECT_EQ(parse_time("2026-11-28T06:15:14+00:00"), at(k_2026_11_28_061514));
  EXPECT_EQ(parse_time("2026-11-28T06:15:14-00:00"), at(k_2026_11_28_061514));
  // Across midnight and a year boundary.
  EXPECT_EQ(parse_time("2027-01-01T01:00:00+01:00"), at(k_2027_01_01));
  EXPECT_EQ(parse_time("2026-12-31T23:00:00.25-01:00"), at(k_2027_01_01 + 250'000));
}

TEST(ParseTime, ReadsADateAsTheLastMicrosecondOfThatDayUtc) {
  EXPECT_EQ(parse_time("2026-12-31"), at(k_2027_01_01 - 1));
  EXPECT_EQ(parse_time("2026-12-31"), parse_time("2026-12-31T23:59:59.999999Z"));
  EXPECT_EQ(parse_time("2024-02-29"), at(k_2024_02_29 + 86'400 * k_second - 1));
}

TEST(ParseTime, KnowsTheCalendar) {
  EXPECT_EQ(parse_time("2024-02-29T00:00:00Z"), at(k_2024_02_29));
  EXPECT_NE(parse_time("2000-02-29"), std::nullopt);  // divisible by 400: leap
  EXPECT_NE(parse_time("2026-04-30"), std::nullopt);
  EXPECT_NE(parse_time("2026-01-31"), std::nullopt);
  for (const std::string text :
       {"2026-02-29", "2100-02-29", "2026-02-30", "2026-04-31", "2026-06-31", "2026-13-01",
        "2026-00-10", "2026-01-00", "2026-01-32", "2026-02-29T00:00:00Z"}) {
    EXPECT_EQ(parse_time(text), std::nullopt) << text;
  }
}

// SPEC §12: minutes without seconds mean the whole of that minute, as a date means the whole day.
TEST(ParseTime, ReadsMinutesWithoutSecondsAsTheEndOfThatMinute) {
  EXPECT_EQ(parse_time("2026-11-28T06:15Z"), parse_time("2026-11-28T06:15:59.999999Z"));
  EXPECT_EQ(parse_time("2026-11-28T07:15+01:00"), parse_time("2026-11-28T06:15:59.999999Z"));
}

// SPEC §9: --from takes the start of the day or minute it names.
TEST(ParseTime, ReadsTheFirstMicrosecondOfADayOrMinuteWhenAsked) {
  EXPECT_EQ(parse_time("2026-12-31", PeriodEnd::first), parse_time("2026-12-31T00:00:00Z"));
  EXPECT_EQ(parse_time("2026-11-28T06:15Z", PeriodEnd::first), parse_time("2026-11-28T06:15:00Z"));
  EXPECT_EQ(parse_time("2026-11-28T07:15+01:00", PeriodEnd::first),
            parse_time("2026-11-28T06:15:00Z"));
  // A time that names its second is that instant either way.
  EXPECT_EQ(parse_time("2026-11-28T06:15:14.5Z", PeriodEnd::first),
            parse_time("2026-11-28T06:15:14.5Z"));
  EXPECT_EQ(parse_time("2026-02-30", PeriodEnd::first), std::nullopt);
}

TEST(ParseTime, RejectsMalformedTimes) {
  ASSERT_EQ(parse_time("2026-11-28T06:15:14Z"), at(k_2026_11_28_061514));  // control
  for (const std::string text : {
           "",
           "yesterday",
           "now",
           "2026",
           "2026-11",
           "26-11-28",
           "2026-1-28",
           "2026/11/28",
           "2026-11-28T06:15:14",       // no zone
           "2026-11-28T06:15",          // no seconds, no zone
           "2026-11-28T06:15.5Z",       // a fraction needs seconds
           "2026-11-28T06:1Z",          // one digit of minutes
           "2026-11-28T24:00:00Z",      // hour 24
           "2026-11-28T06:60:00Z",      // minute 60
           "2026-11-28T06:15:14.Z",     // empty fraction
           "2026-11-28T06:15:14+0200",  // offset without a colon
           "2026-11-28T06:15:14+02",    // offset without minutes
           "2026-11-28T06:15:14 Z",
           "2026-11-28T06:15:14Z ",  // trailing space
           " 2026-11-28",            // leading space
           "2026-11-28 ",
           "2026-11-28Z",
           "2026-11-28T",
           "1795846514",
       }) {
    EXPECT_EQ(parse_time(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(FormatRfc3339Micros, WritesUtcWithSixFractionDigits) {
  EXPECT_EQ(format_rfc3339_micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339_micros(k_2026_11_28_061514), "2026-11-28T06:15:14.000000Z");
  EXPECT_EQ(format_rfc3339_micros(k_2026_11_28_061514 + 123'456), "2026-11-28T06:15:14.123456Z");
  EXPECT_EQ(format_rfc3339_micros(k_2027_01_01 - 1), "2026-12-31T23:59:59.999999Z");
  EXPECT_EQ(format_rfc3339_micros(k_2024_02_29), "2024-02-29T00:00:00.000000Z");
  EXPECT_EQ(format_rfc3339_micros(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(FormatRfc3339Micros, RoundTripsThroughParseTime) {
  for (const std::string text :
       {"2026-11-28T06:15:14.123456Z", "1970-01-01T00:00:00.000000Z", "2000-02-29T12:34:56.000001Z",
        "2099-12-31T23:59:59.999999Z", "2026-03-29T01:00:00.500000Z"}) {
    const auto micros = parse_time(text);
    ASSERT_NE(micros, std::nullopt) << text;
    EXPECT_EQ(format_rfc3339_micros(*micros), text);
  }
  for (std::int64_t micros = k_2024_02_29 - 3 * 86'400 * k_second;
       micros < k_2024_02_29 + 400 * 86'400 * k_second; micros += 7'777'777'777) {
    const std::string text = format_rfc3339_micros(micros);
    EXPECT_EQ(parse_time(text), at(micros)) << text;
  }
}

TEST(FormatRfc3339Micros, IsFixedWidthSoByteOrderIsTimeOrder) {
  std::string previous = format_rfc3339_micros(k_2026_11_28_061514 - 1'000'001);
  for (std::int64_t micros = k_2026_11_28_061514 - 1'000'000;
       micros < k_2026_11_28_061514 + 90'000 * k_second; micros += 9'999'991) {
    const std::string text = format_rfc3339_micros(micros);
    EXPECT_EQ(text.size(), 27u) << text;
    EXPECT_LT(previous, text);
    previous = text;
  }
}

TEST(NowMicros, IsTheWallClock) {
  // Sanity: after this file was written (2024) and within a few centuries.
  EXPECT_GT(now_micros(), k_2024_02_29);
  EXPECT_LT(now_micros(), parse_time("2300-01-01").value());
}

}  // namespace
}  // namespace inv::util
