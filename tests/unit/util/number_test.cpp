#include "inv/util/number.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>

// SPEC §7: numbers are ASCII digits, with a leading '-' only where negatives are allowed; no '+',
// spaces, separators, hex or exponents. Quantities are 64-bit signed integers (SPEC §1).

namespace inv::util {
namespace {

constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();

TEST(ParseInt64, AcceptsPlainDigits) {
  EXPECT_EQ(parse_int64("0", Sign::non_negative), std::optional<std::int64_t>(0));
  EXPECT_EQ(parse_int64("7", Sign::non_negative), std::optional<std::int64_t>(7));
  EXPECT_EQ(parse_int64("1234567890", Sign::any), std::optional<std::int64_t>(1234567890));
}

TEST(ParseInt64, AcceptsTheExtremesOfInt64) {
  EXPECT_EQ(parse_int64("9223372036854775807", Sign::non_negative),
            std::optional<std::int64_t>(k_max));
  EXPECT_EQ(parse_int64("9223372036854775807", Sign::any), std::optional<std::int64_t>(k_max));
  EXPECT_EQ(parse_int64("-9223372036854775808", Sign::any), std::optional<std::int64_t>(k_min));
}

TEST(ParseInt64, AcceptsANegativeOnlyWithSignAny) {
  EXPECT_EQ(parse_int64("-5", Sign::any), std::optional<std::int64_t>(-5));
  EXPECT_EQ(parse_int64("-5", Sign::non_negative), std::nullopt);
  EXPECT_EQ(parse_int64("-9223372036854775808", Sign::non_negative), std::nullopt);
  EXPECT_EQ(parse_int64("-0", Sign::non_negative), std::nullopt);
}

TEST(ParseInt64, ReadsLeadingZerosAsDecimal) {
  // README: leading zeros mean nothing; "010" is ten, never eight.
  EXPECT_EQ(parse_int64("010", Sign::non_negative), std::optional<std::int64_t>(10));
  EXPECT_EQ(parse_int64("-007", Sign::any), std::optional<std::int64_t>(-7));
}

TEST(ParseInt64, RejectsOverflow) {
  ASSERT_EQ(parse_int64("9223372036854775807", Sign::any), std::optional<std::int64_t>(k_max));
  EXPECT_EQ(parse_int64("9223372036854775808", Sign::non_negative), std::nullopt);
  EXPECT_EQ(parse_int64("9223372036854775808", Sign::any), std::nullopt);
  EXPECT_EQ(parse_int64("-9223372036854775809", Sign::any), std::nullopt);
  EXPECT_EQ(parse_int64("99999999999999999999999", Sign::any), std::nullopt);
}

TEST(ParseInt64, RejectsEverythingButDigits) {
  ASSERT_EQ(parse_int64("5", Sign::any), std::optional<std::int64_t>(5));  // control
  for (const std::string text : {"",
                                 "-",
                                 "+5",
                                 " 5",
                                 "5 ",
                                 "\t5",
                                 "5\n",
                                 "0x10",
                                 "0X10",
                                 "1e3",
                                 "1E3",
                                 "1,000",
                                 "1_000",
                                 "1.0",
                                 "1.",
                                 ".5",
                                 "--5",
                                 "-+5",
                                 "+-5",
                                 "5-",
                                 "abc",
                                 "5a",
                                 "\xEF\xBC\x95" /* fullwidth 5 */,
                                 "٥"}) {
    EXPECT_EQ(parse_int64(text, Sign::any), std::nullopt) << "'" << text << "'";
    EXPECT_EQ(parse_int64(text, Sign::non_negative), std::nullopt) << "'" << text << "'";
  }
  EXPECT_EQ(parse_int64(std::string("5\0", 2), Sign::any), std::nullopt);
}

}  // namespace
}  // namespace inv::util
