#include "inv/util/utf8.hpp"

#include <cstddef>
#include <optional>
#include <string>

#include <gtest/gtest.h>

// Strict UTF-8 (SPEC §1: a SKU is UTF-8; SPEC §2: canonical JSON is UTF-8).

namespace inv::util {
namespace {

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ASCII, with \t and \x7f"));
  EXPECT_TRUE(is_valid_utf8(std::string("\0", 1)));
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));          // U+0080, smallest two-byte
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9"));          // é
  EXPECT_TRUE(is_valid_utf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));      // U+0800, smallest three-byte
  EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000, smallest four-byte
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x93\xA6"));  // 📦
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the largest
  EXPECT_TRUE(is_valid_utf8("SKU-\xE6\x97\xA5\xE6\x9C\xAC-\xC3\x9F"));
}

TEST(IsValidUtf8, RejectsOverlongForms) {
  ASSERT_TRUE(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xA6"));  // control
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));                             // NUL
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                             // '/'
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));                             // U+007F
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));                         // '/'
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));                         // U+07FF
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));                     // '/'
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));                     // U+FFFF
}

TEST(IsValidUtf8, RejectsSurrogates) {
  ASSERT_TRUE(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xA6"));  // control
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                         // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xAD\xBF"));                         // U+DB7F
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));                         // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\xBD\xED\xB2\xA9"));             // a CESU-8 surrogate pair
}

TEST(IsValidUtf8, RejectsTruncatedSequences) {
  ASSERT_TRUE(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xA6"));  // control
  EXPECT_FALSE(is_valid_utf8("\xC3"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x93"));
  EXPECT_FALSE(is_valid_utf8("abc\xE2\x82"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82x"));  // a non-continuation byte where one is due
  EXPECT_FALSE(is_valid_utf8("\xC3\xC3\xA9"));
}

TEST(IsValidUtf8, RejectsInvalidBytes) {
  ASSERT_TRUE(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xA6"));  // control
  EXPECT_FALSE(is_valid_utf8("\x80"));                                 // a lone continuation byte
  EXPECT_FALSE(is_valid_utf8("a\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000, beyond Unicode
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));  // five-byte form
}

TEST(DecodeUtf8, ReturnsTheCodePointAndAdvances) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\xA6";
  std::size_t pos = 0;
  EXPECT_EQ(decode_utf8(text, pos), std::optional<char32_t>(U'a'));
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(decode_utf8(text, pos), std::optional<char32_t>(U'\u00E9'));
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(decode_utf8(text, pos), std::optional<char32_t>(U'\u20AC'));
  EXPECT_EQ(pos, 6u);
  EXPECT_EQ(decode_utf8(text, pos), std::optional<char32_t>(U'\U0001F4E6'));
  EXPECT_EQ(pos, 10u);
}

TEST(DecodeUtf8, RejectsMalformedSequences) {
  std::size_t start = 0;
  ASSERT_EQ(decode_utf8("\xC3\xA9", start), std::optional<char32_t>(U'\u00E9'));  // control
  for (const std::string text : {"\x80", "\xC0\x80", "\xED\xA0\x80", "\xE2\x82", "\xFF"}) {
    std::size_t pos = 0;
    EXPECT_EQ(decode_utf8(text, pos), std::nullopt);
  }
}

}  // namespace
}  // namespace inv::util
