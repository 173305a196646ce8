// The command-line grammar of SPEC §3/§7, on a small grammar of the same shape as inv's.
#include "inv/cli/parser.hpp"

#include <gtest/gtest.h>

#include "inv/error.hpp"

namespace inv::cli {
namespace {

void run_nothing(Context&, const Invocation&) {}

constexpr OptionSpec k_globals[] = {
    {"--db", '\0', "PATH", "Database file", ValueKind::file},
    {"--json", '\0', "", "JSON output"},
    {"--quiet", 'q', "", "Print no results"},
    {"--version", '\0', "", "Print the version"},
};
constexpr OptionSpec k_write[] = {
    {"--ref", '\0', "REF", "Reference"},
    {"--note", '\0', "TEXT", "Note"},
    {"--dry-run", '\0', "", "Write nothing"},
};
constexpr PositionalSpec k_sku_qty[] = {{"SKU", "Item SKU", true, ValueKind::sku},
                                        {"QTY", "Units"}};
constexpr PositionalSpec k_optional_file[] = {{"FILE", "Input", false, ValueKind::file}};
constexpr OptionSpec k_history_options[] = {{"--limit", '\0', "N", "At most N"}};
constexpr CommandSpec k_commands[] = {
    {"reserve", "Reserve units", "inv reserve A 1", k_sku_qty, {}, k_write, &run_nothing},
    {"show", "Show an item", "inv show A", std::span(k_sku_qty, 1), {}, {}, &run_nothing},
    {"history", "Show events", "inv history", {}, k_history_options, {}, &run_nothing},
    {"apply", "Run a batch", "inv apply b.ndjson", k_optional_file, {}, {}, &run_nothing},
    {"__hidden", "", "", {}, {}, {}, &run_nothing, true},
};
const Grammar k_grammar{"inv", "test grammar", k_globals, k_commands, "FOOTER\n"};

Invocation parse(std::vector<std::string> args) {
  return parse_command_line(k_grammar, args);
}

// The exit code and message of the usage error that parsing `args` throws.
Error parse_error(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "no error";
  return Error(ExitCode::ok, "", "");
}

TEST(ParseCommandLine, ReadsTheCommandItsArgumentsAndOptions) {
  const Invocation in = parse({"reserve", "A", "2", "--ref", "order-7"});
  ASSERT_NE(in.command, nullptr);
  EXPECT_EQ(in.command->name, "reserve");
  EXPECT_EQ(in.arguments, (std::vector<std::string>{"A", "2"}));
  EXPECT_EQ(in.value("--ref"), "order-7");
  EXPECT_FALSE(in.value("--note"));
  EXPECT_FALSE(in.flag("--dry-run"));
  EXPECT_FALSE(in.help);
}

TEST(ParseCommandLine, TakesGlobalOptionsBeforeOrAfterTheCommand) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--db", "x.db", "--json", "show", "A"},
                                             {"show", "A", "--db", "x.db", "--json"},
                                             {"show", "--db=x.db", "A", "--json"}}) {
    const Invocation in = parse(args);
    EXPECT_EQ(in.command->name, "show");
    EXPECT_EQ(in.arguments, std::vector<std::string>{"A"});
    EXPECT_EQ(in.value("--db"), "x.db");
    EXPECT_TRUE(in.flag("--json"));
  }
}

TEST(ParseCommandLine, TakesACommandsOptionsOnlyAfterIt) {
  const Error error = parse_error({"--ref", "x", "reserve", "A", "1"});
  EXPECT_EQ(error.exit_code(), ExitCode::usage);
  EXPECT_NE(std::string(error.what()).find("'--ref' belongs after the command"), std::string::npos)
      << error.what();
  EXPECT_EQ(parse_error({"show", "A", "--ref", "x"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, LetsTheLastOfARepeatedOptionWin) {
  EXPECT_EQ(parse({"--db", "a.db", "show", "A", "--db", "b.db"}).value("--db"), "b.db");
}

TEST(ParseCommandLine, ReadsAnEmptyValueAfterEquals) {
  EXPECT_EQ(parse({"reserve", "A", "1", "--note="}).value("--note"), "");
  EXPECT_EQ(parse({"reserve", "A", "1", "--note", ""}).value("--note"), "");
}

TEST(ParseCommandLine, GivesAValueOptionTheNextWordWhateverItIs) {
  EXPECT_EQ(parse({"reserve", "A", "1", "--ref", "--json"}).value("--ref"), "--json");
  EXPECT_EQ(parse({"reserve", "A", "1", "--ref", "-3"}).value("--ref"), "-3");
}

TEST(ParseCommandLine, ReadsNegativeNumbersAndADashAsArguments) {
  EXPECT_EQ(parse({"reserve", "A", "-3"}).arguments[1], "-3");
  EXPECT_EQ(parse({"reserve", "--ref", "r", "A", "-3"}).arguments[1], "-3");
  EXPECT_EQ(parse_error({"reserve", "A", "-.5"}).exit_code(), ExitCode::usage);  // an option
  EXPECT_EQ(parse({"apply", "-"}).arguments, std::vector<std::string>{"-"});
}

TEST(ParseCommandLine, ReadsEveryWordAfterDoubleDashAsAnArgument) {
  const Invocation in = parse({"reserve", "--", "--json", "-q"});
  EXPECT_EQ(in.arguments, (std::vector<std::string>{"--json", "-q"}));
  EXPECT_FALSE(in.flag("--json"));
  EXPECT_FALSE(in.flag("--quiet"));
}

TEST(ParseCommandLine, KnowsShortNames) {
  EXPECT_TRUE(parse({"-q", "show", "A"}).flag("--quiet"));
  EXPECT_TRUE(parse({"show", "A", "-q"}).flag("--quiet"));
  EXPECT_EQ(parse_error({"show", "A", "-x"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, SuggestsTheClosestCommand) {
  const Error error = parse_error({"shwo", "A"});
  EXPECT_EQ(error.exit_code(), ExitCode::usage);
  EXPECT_EQ(error.code(), "unknown_command");
  EXPECT_NE(std::string(error.what()).find("did you mean 'show'?"), std::string::npos)
      << error.what();
}

TEST(ParseCommandLine, NeverSuggestsAHiddenCommand) {
  const Error error = parse_error({"__hidde"});
  EXPECT_EQ(std::string(error.what()).find("__hidden"), std::string::npos) << error.what();
}

TEST(ParseCommandLine, SuggestsTheClosestOptionInScope) {
  const Error error = parse_error({"reserve", "A", "1", "--rf", "x"});
  EXPECT_EQ(error.code(), "usage");
  EXPECT_NE(std::string(error.what()).find("unknown option '--rf'; did you mean '--ref'?"),
            std::string::npos)
      << error.what();
}

TEST(ParseCommandLine, RefusesMissingAndExtraArguments) {
  const Error missing = parse_error({"reserve", "A"});
  EXPECT_EQ(missing.exit_code(), ExitCode::usage);
  EXPECT_NE(std::string(missing.what()).find("missing QTY"), std::string::npos) << missing.what();
  const Error extra = parse_error({"show", "A", "B"});
  EXPECT_NE(std::string(extra.what()).find("unexpected argument 'B'"), std::string::npos)
      << extra.what();
  EXPECT_TRUE(parse({"apply"}).arguments.empty());  // FILE is optional
}

TEST(ParseCommandLine, RefusesAMissingValueAndAValueForAFlag) {
  EXPECT_NE(std::string(parse_error({"history", "--limit"}).what()).find("needs a value (N)"),
            std::string::npos);
  EXPECT_NE(std::string(parse_error({"show", "A", "--json=yes"}).what()).find("takes no value"),
            std::string::npos);
}

TEST(ParseCommandLine, RefusesNoCommand) {
  EXPECT_EQ(parse_error({}).exit_code(), ExitCode::usage);
  EXPECT_EQ(parse_error({"--json"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, LetsHelpWinOverEveryMistakeButAnUnknownCommand) {
  EXPECT_TRUE(parse({"reserve", "-h"}).help);
  EXPECT_TRUE(parse({"reserve", "A", "1", "2", "--bogus", "--help"}).help);
  EXPECT_EQ(parse({"reserve", "--help"}).command->name, "reserve");
  EXPECT_EQ(parse_error({"shwo", "--help"}).code(), "unknown_command");
  EXPECT_FALSE(parse({"show", "--", "--help"}).help);  // an argument after --
}

TEST(ParseCommandLine, ReadsHelpCommandAndTopic) {
  const Invocation main_help = parse({"help"});
  EXPECT_TRUE(main_help.help);
  EXPECT_EQ(main_help.command, nullptr);
  const Invocation command_help = parse({"help", "reserve"});
  EXPECT_TRUE(command_help.help);
  EXPECT_EQ(command_help.command->name, "reserve");
  const Invocation topic = parse({"help", "formats"});
  EXPECT_EQ(topic.command, nullptr);
  EXPECT_EQ(topic.help_topic, "formats");
}

TEST(ParseCommandLine, ReadsVersionWithoutACommand) {
  const Invocation in = parse({"--version"});
  EXPECT_TRUE(in.version);
  EXPECT_EQ(in.command, nullptr);
}

TEST(ParseCommandLine, ReadsBundledOneLetterFlags) {
  EXPECT_TRUE(parse({"show", "A", "-qh"}).help);
  EXPECT_TRUE(parse({"show", "A", "-qh"}).flag("--quiet"));
  EXPECT_EQ(parse_error({"show", "A", "-qx"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, LetsAValueOptionTakeWordsThatLookLikeHelpOrDoubleDash) {
  const Invocation ref = parse({"reserve", "A", "1", "--ref", "-h"});
  EXPECT_FALSE(ref.help);
  EXPECT_EQ(ref.value("--ref"), "-h");
  // "--" is --note's value here, so the --help after it is an option and wins.
  EXPECT_TRUE(parse({"reserve", "A", "1", "--note", "--", "--help"}).help);
}

TEST(ParseCommandLine, RefusesAValueForHelp) {
  EXPECT_EQ(parse_error({"reserve", "A", "1", "--help=x"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, TakesVersionOnlyBeforeTheCommand) {
  EXPECT_TRUE(parse({"--version", "bogus"}).version);  // the rest is not read, as in git
  EXPECT_EQ(parse_error({"show", "A", "--version"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, NeedsTheCommandBeforeDoubleDash) {
  EXPECT_EQ(parse_error({"--", "show", "A"}).exit_code(), ExitCode::usage);
}

TEST(ParseCommandLine, ReadsHelpHelpAsTheMainHelp) {
  const Invocation in = parse({"help", "help"});
  EXPECT_TRUE(in.help);
  EXPECT_EQ(in.command, nullptr);
  EXPECT_FALSE(in.help_topic);
}

TEST(ParseCommandLine, HidesHiddenCommandsFromHelp) {
  EXPECT_EQ(parse({"help", "__hidden"}).help_topic, "__hidden");  // not a command's help
}

TEST(ParseCommandLine, SuggestsNothingForAWordWithNothingInCommon) {
  const Error error = parse_error({"show", "A", "-A"});
  EXPECT_EQ(std::string(error.what()).find("did you mean"), std::string::npos) << error.what();
}

TEST(ParseCommandLine, SaysWhenAnOptionNamesAnArgument) {
  const Error error = parse_error({"reserve", "A", "--qty", "2"});
  EXPECT_NE(std::string(error.what()).find("QTY is an argument here, not an option"),
            std::string::npos)
      << error.what();
}

TEST(RenderHelp, ListsVisibleCommandsGlobalsAndTheFooter) {
  const std::string help = render_help(k_grammar, nullptr);
  EXPECT_NE(help.find("Commands:\n  reserve"), std::string::npos) << help;
  EXPECT_NE(help.find("  -q, --quiet"), std::string::npos) << help;
  EXPECT_NE(help.find("      --db PATH"), std::string::npos) << help;
  EXPECT_EQ(help.find("__hidden"), std::string::npos) << help;
  EXPECT_TRUE(help.ends_with("FOOTER\n")) << help;
}

TEST(RenderHelp, ShowsACommandsUsageArgumentsOptionsAndExample) {
  const std::string help = render_help(k_grammar, &k_commands[0]);
  EXPECT_NE(help.find("Usage: inv reserve [OPTIONS] SKU QTY\n"), std::string::npos) << help;
  EXPECT_NE(help.find("  SKU  Item SKU\n"), std::string::npos) << help;
  EXPECT_NE(help.find("      --ref REF"), std::string::npos) << help;
  EXPECT_NE(help.find("Example:\n  inv reserve A 1\n"), std::string::npos) << help;
  EXPECT_NE(render_help(k_grammar, &k_commands[3]).find("Usage: inv apply [FILE]\n"),
            std::string::npos);
}

TEST(CompletionModel, HasTheVisibleCommandsWithTheirOptionsAndArguments) {
  const CompletionModel model = completion_model(k_grammar);
  ASSERT_EQ(model.commands.size(), 4u);
  EXPECT_EQ(model.globals[2].names, (std::vector<std::string>{"-q", "--quiet"}));
  const CompletionCommand& reserve = model.commands[0];
  EXPECT_EQ(reserve.name, "reserve");
  ASSERT_EQ(reserve.options.size(), 3u);
  EXPECT_TRUE(reserve.options[0].takes_value);
  EXPECT_FALSE(reserve.options[2].takes_value);
  ASSERT_EQ(reserve.positionals.size(), 2u);
  EXPECT_EQ(reserve.positionals[0].value, ValueKind::sku);
}

}  // namespace
}  // namespace inv::cli
