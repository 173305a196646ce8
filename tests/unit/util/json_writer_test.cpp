#include "inv/util/json_writer.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>

// SPEC §2: canonical JSON in the form of RFC 8785 — strings escape only '"', '\\' and control
// characters (the five with short forms as \b \t \n \f \r, the rest as lowercase \u00xx), and
// write all other UTF-8 as is; integers are plain decimal digits, exactly, at any size.

namespace inv::util {
namespace {

std::string json(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(AppendJsonString, QuotesPlainText) {
  EXPECT_EQ(json(""), R"("")");
  EXPECT_EQ(json("A-1"), R"("A-1")");
}

TEST(AppendJsonString, EscapesQuoteAndBackslash) {
  EXPECT_EQ(json("a\"b"), R"("a\"b")");
  EXPECT_EQ(json("a\\b"), R"("a\\b")");
  EXPECT_EQ(json("\\\""), R"("\\\"")");
}

TEST(AppendJsonString, EscapesControlCharactersAsLowercaseHex) {
  EXPECT_EQ(json(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(json("\x01"), R"("\u0001")");
  EXPECT_EQ(json("\x0b"), R"("\u000b")");
  EXPECT_EQ(json("\x1b"), R"("\u001b")");
  EXPECT_EQ(json("\x1f"), R"("\u001f")");
}

TEST(AppendJsonString, UsesTheShortFormsOfRfc8785) {
  EXPECT_EQ(json("\b\t\n\f\r"), R"("\b\t\n\f\r")");
}

TEST(AppendJsonString, WritesEverythingElseAsIs) {
  EXPECT_EQ(json("a/b"), R"("a/b")");
  EXPECT_EQ(json("\x7f"), "\"\x7f\"");  // DEL is not a JSON control character
  EXPECT_EQ(json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xA6"),
            "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xA6\"");
  EXPECT_EQ(json("\xE2\x80\xA8"), "\"\xE2\x80\xA8\"");  // U+2028 too
  EXPECT_EQ(json("<script>&'"), R"("<script>&'")");
}

TEST(AppendJsonString, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, R"({"k":"v")");
}

TEST(AppendJsonStringOrNull, WritesNullWhenAbsent) {
  std::string out;
  append_json_string_or_null(out, std::nullopt);
  out += ',';
  append_json_string_or_null(out, std::string("x\"y"));
  out += ',';
  append_json_string_or_null(out, std::string());
  EXPECT_EQ(out, R"(null,"x\"y","")");
}

TEST(AppendJsonInt, WritesPlainDecimalDigitsAtAnySize) {
  std::string out;
  append_json_int(out, 0);
  out += ',';
  append_json_int(out, -3);
  out += ',';
  append_json_int(out, std::numeric_limits<std::int64_t>::max());
  out += ',';
  append_json_int(out, std::numeric_limits<std::int64_t>::min());
  out += ',';
  append_json_int(out, 1'000'000'000'000'000'000);  // no exponent, no separators
  EXPECT_EQ(out, "0,-3,9223372036854775807,-9223372036854775808,1000000000000000000");
}

}  // namespace
}  // namespace inv::util
