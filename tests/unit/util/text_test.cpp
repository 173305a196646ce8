#include "inv/util/text.hpp"

#include <string>

#include <gtest/gtest.h>

using inv::util::display_width;
using inv::util::escape_controls;
using inv::util::excerpt;
using inv::util::forbidden_character;
using inv::util::TextKind;
using inv::util::to_valid_utf8;

// SPEC §12: text output never carries a control character that came from data.
TEST(EscapeControls, ShowsTabNewlineAndEscapeAsEscapes) {
  EXPECT_EQ(escape_controls("a\tb\nc\x1b[31m"), "a\\tb\\nc\\x1b[31m");
  EXPECT_EQ(escape_controls(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(escape_controls("del\x7f"), "del\\x7f");
  EXPECT_EQ(escape_controls("c1 \xc2\x85"), "c1 \\u0085");
}

TEST(EscapeControls, KeepsPrintableTextAndShowsStrayBytes) {
  EXPECT_EQ(escape_controls("ü 日本 📦 \\ \"q\""), "ü 日本 📦 \\ \"q\"");
  EXPECT_EQ(escape_controls("a\xff"
                            "b"),
            "a\\xffb");
}

TEST(ToValidUtf8, ReplacesEachStrayByte) {
  EXPECT_EQ(to_valid_utf8("ok ü"), "ok ü");
  EXPECT_EQ(to_valid_utf8("a\xff\xfe"
                          "b"),
            "a\xEF\xBF\xBD\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

// SPEC §12: an error message quotes at most 100 characters of any input (then …).
TEST(Excerpt, CutsAfterTheLimitInCharactersNotBytes) {
  EXPECT_EQ(excerpt(std::string(100, 'x')), std::string(100, 'x'));
  EXPECT_EQ(excerpt(std::string(1000000, 'x')), std::string(100, 'x') + "…");
  std::string wide;
  for (int i = 0; i < 150; ++i) {
    wide += "日";
  }
  std::string hundred;
  for (int i = 0; i < 100; ++i) {
    hundred += "日";
  }
  EXPECT_EQ(excerpt(wide), hundred + "…");
  EXPECT_EQ(excerpt("a\tb", 2), "a\\t…");
}

TEST(ForbiddenCharacter, LabelsRefuseControlsNotesOnlyNul) {
  EXPECT_EQ(forbidden_character("order-7 ü", TextKind::label), std::nullopt);
  EXPECT_EQ(forbidden_character("a\tb", TextKind::label), "a control character (U+0009) at byte 2");
  EXPECT_TRUE(forbidden_character("\xc2\x85", TextKind::label));
  EXPECT_EQ(forbidden_character("a\tb\n\x1b", TextKind::note), std::nullopt);
  EXPECT_EQ(forbidden_character(std::string("a\0b", 3), TextKind::note),
            "a NUL character (U+0000) at byte 2");
}

// SPEC §12: tables align by display width (a CJK character is two columns).
TEST(DisplayWidth, CountsColumnsAsATerminalDraws) {
  EXPECT_EQ(display_width("SKU-1"), 5u);
  EXPECT_EQ(display_width("日本"), 4u);
  EXPECT_EQ(display_width("ü"), 1u);
  EXPECT_EQ(display_width("e\xcc\x81"), 1u);  // e + combining acute
  EXPECT_EQ(display_width("📦"), 2u);
}
