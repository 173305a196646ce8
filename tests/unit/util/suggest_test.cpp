#include "inv/util/suggest.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

// "Did you mean" (SPEC §7: typos in subcommands get a suggestion); the same helper names the
// closest option, help topic, and batch "cmd", field and CSV column.

namespace inv::util {
namespace {

const std::vector<std::string> k_commands = {"create",  "set-soh", "adjust",  "set-available",
                                             "reserve", "release", "complete"};

TEST(Closest, OneSubstitutionInsertionOrDeletion) {
  EXPECT_EQ(closest("reservr", k_commands), std::optional<std::string>("reserve"));
  EXPECT_EQ(closest("reserv", k_commands), std::optional<std::string>("reserve"));
  EXPECT_EQ(closest("reserves", k_commands), std::optional<std::string>("reserve"));
}

TEST(Closest, ASwapOfNeighbouringLettersIsOneEdit) {
  EXPECT_EQ(closest("qyt", {"cmd", "sku", "qty", "soh"}), std::optional<std::string>("qty"));
  EXPECT_EQ(closest("rsereve", k_commands), std::optional<std::string>("reserve"));
  EXPECT_EQ(closest("shwo", {"show", "list", "history"}), std::optional<std::string>("show"));
}

TEST(Closest, APrefixOfTwoOrMoreLettersCounts) {
  EXPECT_EQ(closest("comp", k_commands), std::optional<std::string>("complete"));
  EXPECT_EQ(closest("set-av", k_commands), std::optional<std::string>("set-available"));
}

TEST(Closest, NothingWhenNoCandidateIsClose) {
  EXPECT_EQ(closest("teleport", k_commands), std::nullopt);
  EXPECT_EQ(closest("quantity", {"cmd", "sku", "qty", "soh"}), std::nullopt);
  EXPECT_EQ(closest("anything", {}), std::nullopt);
}

TEST(Closest, ASuggestionKeepsMostOfTheWord) {
  // Two edits turn "--qty" into "-q", but that is not a misspelling of it.
  EXPECT_EQ(closest("--qty", {"-q", "-h"}), std::nullopt);
  // Leading dashes are not letters: "-A" is not one edit from "-h".
  EXPECT_EQ(closest("-A", {"-h", "-q"}), std::nullopt);
  EXPECT_EQ(closest("--josn", {"--json", "--db"}), std::optional<std::string>("--json"));
}

TEST(Closest, TheNearestCandidateWins) {
  EXPECT_EQ(closest("releese", k_commands), std::optional<std::string>("release"));
  EXPECT_EQ(closest("set-sho", k_commands), std::optional<std::string>("set-soh"));
}

}  // namespace
}  // namespace inv::util
