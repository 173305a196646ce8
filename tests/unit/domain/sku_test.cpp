#include "inv/domain/sku.hpp"

#include <string>

#include <gtest/gtest.h>

#include "../support.hpp"
#include "inv/error.hpp"

// SPEC §1: a SKU is 1–128 bytes of UTF-8, no whitespace or control characters, case-sensitive.
// A malformed SKU is a usage error (SPEC §5, exit 2).

namespace inv::domain {
namespace {

ExitCode exit_code_of(const std::string& sku) {
  return inv::exit_code_of([&] { validate_sku(sku); });
}

TEST(ValidateSku, AcceptsOneToOneHundredTwentyEightBytes) {
  EXPECT_EQ(exit_code_of("A"), ExitCode::ok);
  EXPECT_EQ(exit_code_of(std::string(128, 'x')), ExitCode::ok);
  EXPECT_EQ(k_max_sku_bytes, 128u);
}

TEST(ValidateSku, RejectsAnEmptySku) {
  ASSERT_EQ(exit_code_of("A1"), ExitCode::ok);  // control: a valid SKU passes
  EXPECT_EQ(exit_code_of(""), ExitCode::usage);
  EXPECT_EQ(inv::error_code_of([] { validate_sku(""); }), "invalid_sku");
}

TEST(ValidateSku, RejectsMoreThanOneHundredTwentyEightBytes) {
  ASSERT_EQ(exit_code_of(std::string(128, 'x')), ExitCode::ok);  // control
  EXPECT_EQ(exit_code_of(std::string(129, 'x')), ExitCode::usage);
  EXPECT_EQ(exit_code_of(std::string(1000, 'x')), ExitCode::usage);
}

TEST(ValidateSku, CountsBytesNotCharacters) {
  std::string two_byte;
  for (int i = 0; i < 64; ++i) {
    two_byte += "\xC3\xA9";  // é
  }
  EXPECT_EQ(two_byte.size(), 128u);
  EXPECT_EQ(exit_code_of(two_byte), ExitCode::ok);
  std::string three_byte;
  for (int i = 0; i < 43; ++i) {
    three_byte += "\xE2\x82\xAC";  // €: 43 of them are 129 bytes, but only 43 characters
  }
  EXPECT_EQ(three_byte.size(), 129u);
  EXPECT_EQ(exit_code_of(three_byte), ExitCode::usage);
}

TEST(ValidateSku, RejectsWhitespace) {
  ASSERT_EQ(exit_code_of("A1"), ExitCode::ok);  // control: a valid SKU passes
  for (const std::string sku : {"A 1", " A1", "A1 ", "A\t1", "A\n1", "A\r1", "A\v1", "A\f1"}) {
    EXPECT_EQ(exit_code_of(sku), ExitCode::usage) << "'" << sku << "'";
  }
}

TEST(ValidateSku, RejectsUnicodeWhitespace) {
  ASSERT_EQ(exit_code_of("A\xC3\xA9Z"),
            ExitCode::ok);  // control: é is not whitespace
  for (const std::string sku : {
           "A\xC2\xA0Z",      // U+00A0 no-break space
           "A\xE2\x80\x83Z",  // U+2003 em space
           "A\xE2\x80\xAFZ",  // U+202F narrow no-break space
           "A\xE3\x80\x80Z",  // U+3000 ideographic space
           "A\xE2\x80\xA8Z",  // U+2028 line separator
           "A\xC2\x85Z",      // U+0085 next line
       }) {
    EXPECT_EQ(exit_code_of(sku), ExitCode::usage) << "'" << sku << "'";
  }
}

TEST(ValidateSku, RejectsControlCharacters) {
  ASSERT_EQ(exit_code_of("A1"), ExitCode::ok);  // control: a valid SKU passes
  EXPECT_EQ(exit_code_of(std::string("A\0Z", 3)), ExitCode::usage);
  for (const std::string sku :
       {"A\x01Z", "A\x1BZ", "A\x1FZ", "A\x7FZ", "A\xC2\x80Z", "A\xC2\x9FZ"}) {
    EXPECT_EQ(exit_code_of(sku), ExitCode::usage) << "'" << sku << "'";
  }
}

TEST(ValidateSku, AcceptsUnicodeAndPunctuation) {
  for (const std::string sku : {
           "A-1",
           "a-1",
           "\xC3\x84\xC3\x96\xC3\x9C-\xC3\x9F",  // ÄÖÜ-ß
           "\xE6\x97\xA5\xE6\x9C\xAC-1",         // 日本-1
           "\xF0\x9F\x93\xA6-1",                 // 📦-1 (four bytes)
           "a\"b",
           "a'b",
           "a;b",
           "a%b_c",
           "a/b\\c",
           "';DROP-TABLE-events;--",
           "{\"sku\":1}",
       }) {
    EXPECT_EQ(exit_code_of(sku), ExitCode::ok) << "'" << sku << "'";
  }
}

TEST(ValidateSku, RejectsInvalidUtf8) {
  ASSERT_EQ(exit_code_of("A\xC3\xA9"), ExitCode::ok);  // control: valid UTF-8 passes
  for (const std::string sku : {
           "A\xFF",
           "A\x80",              // a lone continuation byte
           "A\xC3",              // truncated
           "A\xE2\x82",          // truncated
           "A\xC0\xAF",          // overlong '/'
           "A\xED\xA0\x80",      // surrogate U+D800
           "A\xF4\x90\x80\x80",  // above U+10FFFF
       }) {
    EXPECT_EQ(exit_code_of(sku), ExitCode::usage) << "'" << sku << "'";
  }
}

}  // namespace
}  // namespace inv::domain
