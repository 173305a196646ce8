#include "inv/cli/run.hpp"

// The command line on CLI11. A normal run builds the root (the global options) and only the
// command it names: a `show` is one short process, and building every command costs more than
// its query (docs/benchmarks.md). Help, completion and errors build them all.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/cli/help.hpp"
#include "inv/cli/output.hpp"
#include "inv/error.hpp"
#include "inv/store/schema.hpp"
#include "inv/util/suggest.hpp"
#include "inv/util/text.hpp"

#ifndef INV_VERSION
#define INV_VERSION "0.0.0"
#endif

namespace inv::cli {
namespace {

constexpr const char* k_before_command = "Before the command";

Error usage_failure(const std::string& message) {
  return Error(ExitCode::usage, "usage", message);
}

// The options of the whole program, on the root only (a subcommand's own would shadow them),
// so that they may stand before or after the command.
struct Globals {
  CLI::Option* version = nullptr;
};

Globals add_globals(CLI::App& root, GlobalOptions& given) {
  root.name("inv");
  root.description("inventory over an append-only event log");
  root.formatter(std::make_shared<HelpFormatter>());
  root.set_help_flag("-h,--help", "Print this help and exit");
  root.fallthrough();  // before add_subcommand: a command inherits it when it is created
  Globals globals;
  globals.version = root.add_flag("--version", given.version,
                                  "Print the version and exit; before any command (--json: as "
                                  "JSON)")
                        ->group(k_before_command);
  add_text_option(root, "--db", given.db,
                  "Database file or postgresql:// URI (default: $INV_DB, else ./inventory.db)",
                  k_path_type);
  root.add_flag("--json", given.json, "Same as --format json");
  add_text_option(root, "--format", given.format, "Output: text, json, ndjson or csv (listings)",
                  "FORMAT")
      ->check(choices({"text", "json", "ndjson", "csv"}));
  root.add_flag("-q,--quiet", given.quiet, "Print no results (errors still go to stderr)");
  add_text_option(root, "--wait", given.wait,
                  "How long to wait for the database lock (default 5000)", "MS");
  add_text_option(root, "--color", given.color,
                  "Colour: auto (on a terminal, not with NO_COLOR), always, never", "WHEN")
      ->check(choices({"auto", "always", "never"}));
  return globals;
}

// The main help's closing lines: exit codes, and the help topics.
std::string root_footer() {
  std::string text =
      "Exit codes: 0 ok, 2 usage, 3 rejected, 4 not found, 5 conflict, 6 integrity,\n"
      "7 storage, 1 internal error.\n"
      "Run 'inv COMMAND --help' for a command's options and an example.\n\nHelp topics:\n";
  for (const HelpTopic& topic : help_topics()) {
    text += "  inv help " + std::string(topic.name) +
            std::string(14 - std::min<std::size_t>(13, topic.name.size()), ' ') +
            std::string(topic.summary) + "\n";
  }
  return text;
}

void add_command(CLI::App& root, const CommandSpec& spec, Context& ctx) {
  CLI::App* command = root.add_subcommand(std::string(spec.name), std::string(spec.summary));
  spec.setup(*command, ctx);
}

void add_all_commands(CLI::App& root, Context& ctx) {
  root.footer(root_footer());
  for (const CommandSpec& spec : command_registry()) {
    add_command(root, spec, ctx);
  }
}

// An option word, as opposed to an argument: "-x…" or "--x…", but not "-" or a negative number.
bool is_option_word(std::string_view word) {
  return word.size() >= 2 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9');
}

// The option of `app` (or of its parent: the globals) that `word` names ("--ref", "--ref=x", "-q").
const CLI::Option* option_named(const CLI::App& app, std::string_view word) {
  const std::string name(word.substr(0, word.starts_with("--") ? word.find('=') : word.size()));
  for (const CLI::App* scope = &app; scope != nullptr; scope = scope->get_parent()) {
    if (const CLI::Option* option = scope->get_option_no_throw(name)) {
      return option;
    }
  }
  return nullptr;
}

// "-qh": one-letter flags of `app` bundled in one word.
bool is_short_flags(const CLI::App& app, std::string_view word) {
  if (word.size() < 2 || word[0] != '-' || word[1] == '-') {
    return false;
  }
  return std::all_of(word.begin() + 1, word.end(), [&](char letter) {
    const CLI::Option* option = option_named(app, std::string{'-', letter});
    return option != nullptr && is_flag(*option);
  });
}

bool asks_for_help(const CLI::App& app, std::string_view word) {
  const CLI::Option* help = app.get_help_ptr();
  return (is_short_flags(app, word) && word.find('h') != std::string_view::npos) ||
         (help != nullptr && word.starts_with("--") && option_named(app, word) == help);
}

// What a look over the words finds before CLI11 parses them: the command word, a help request,
// and --version before the command.
struct Scan {
  std::optional<std::size_t> command;  // index of the command word
  bool help = false;
  std::optional<std::size_t> version;  // index of a --version before the command
  std::optional<std::size_t> unknown;  // index of the first unknown option before the command
};

Scan scan(const CLI::App& root, const Globals& globals, const std::vector<std::string>& args) {
  Scan found;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") {
      break;
    }
    if (!is_option_word(word)) {
      if (!found.command) {
        found.command = i;
      }
      continue;
    }
    found.help = found.help || asks_for_help(root, word);
    if (found.command) {
      continue;  // the command's own options are read once it is built
    }
    const CLI::Option* option = option_named(root, word);
    if (option == nullptr && !found.unknown && !asks_for_help(root, word) &&
        !is_short_flags(root, word)) {
      found.unknown = i;
    }
    if (option == globals.version && !found.version) {
      found.version = i;
    }
    if (option != nullptr && !is_flag(*option) && word.find('=') == std::string::npos) {
      ++i;  // its value
    }
  }
  return found;
}

// SPEC §12: a value option never takes one of inv's options as its value (write --ref=--x for
// that), and a flag takes no value. CLI11 would give `--ref --dry-run` the ref "--dry-run".
void check_option_values(const CLI::App& command, const Globals& globals,
                         const std::vector<std::string>& args, std::size_t command_index) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") {
      return;
    }
    if (!is_option_word(word) || !word.starts_with("--")) {
      continue;
    }
    const CLI::Option* option = option_named(command, word);
    if (option == nullptr) {
      continue;  // unknown: CLI11 reports it, with a suggestion
    }
    std::string name = word.substr(0, word.find('='));
    if (name.size() < 2) {
      name = word;  // `-=since`: name the whole word, not a bare '-'
    }
    if (option == globals.version && i > command_index) {
      throw usage_failure("--version goes before any command: inv --version");
    }
    if (is_flag(*option)) {
      if (word.find('=') != std::string::npos) {
        throw usage_failure("option " + name + " takes no value");
      }
      continue;
    }
    if (word.find('=') != std::string::npos) {
      continue;
    }
    const bool next_is_option =
        i + 1 < args.size() && ((args[i + 1].starts_with("--") && args[i + 1].size() > 2) ||
                                is_short_flags(command, args[i + 1]));
    if (i + 1 == args.size() || next_is_option) {
      throw usage_failure(fmt::format(
          "option {} needs a value ({}){}", name, value_name(*option),
          next_is_option ? fmt::format("; for a value that starts with '-', write {}=VALUE", name)
                         : ""));
    }
    ++i;
  }
}

std::string usage_of(const CLI::App& command) {
  const std::string help = render_help(command);
  const auto start = help.find("Usage: ");
  return help.substr(start + 7, help.find('\n', start) - start - 7);
}

Error unknown_command(const CLI::App& root, const std::string& word) {
  std::vector<std::string> names;
  for (const CLI::App* command : visible_commands(root)) {
    names.push_back(command->get_name());
  }
  std::string message = "unknown command '" + util::excerpt(word) + "'";
  if (const auto suggestion = util::closest(word, names)) {
    message += "; did you mean '" + *suggestion + "'?";
  }
  return Error(ExitCode::usage, "unknown_command", message + " (see 'inv --help')");
}

// "--format: yaml not in {text,json}" (CLI11's IsMember) as "--format must be one of text, json;
// got 'yaml'".
std::string choice_message(const std::string& message) {
  const auto colon = message.find(": ");
  const auto not_in = message.rfind(" not in {");
  if (colon == std::string::npos || not_in == std::string::npos || not_in < colon) {
    return message;
  }
  std::string list = message.substr(not_in + 9);
  list = list.substr(0, list.size() - 1);
  std::replace(list.begin(), list.end(), ',', ' ');
  std::string words;
  for (std::size_t start = 0; start < list.size();) {
    const auto end = std::min(list.find(' ', start), list.size());
    words += (words.empty() ? "" : ", ") + list.substr(start, end - start);
    start = end + 1;
  }
  return message.substr(0, colon) + " must be one of " + words + "; got '" +
         util::excerpt(message.substr(colon + 2, not_in - colon - 2)) + "'";
}

// A CLI11 parse error as inv's usage error, in inv's words.
Error usage_error_of(const CLI::ParseError& error, const CLI::App& root, const CLI::App* command,
                     const std::vector<std::string>& args, std::size_t command_index) {
  const CLI::App& scope = command != nullptr ? *command : root;
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const auto extras = root.remaining(true);
    const std::string word = extras.empty() ? std::string() : extras.front();
    if (!is_option_word(word)) {
      std::string message = "unexpected argument";
      for (const std::string& extra : extras) {
        message += " '" + util::excerpt(extra) + "'";
      }
      return usage_failure(message + " (usage: " + usage_of(scope) + ")");
    }
    std::string name = word.substr(0, word.find('='));
    if (name.size() < 2) {
      name = word;  // `-=since`: name the whole word, not a bare '-'
    }
    std::string message = "unknown option '" + util::excerpt(name) + "'";
    const auto at = std::find(args.begin(), args.end(), word) - args.begin();
    if (command != nullptr && static_cast<std::size_t>(at) < command_index &&
        option_named(*command, name) != nullptr) {
      return usage_failure("option '" + name + "' belongs after the command (only global " +
                           "options may come before it)");
    }
    // `-=x` and `-` reach here too, so only a long name is compared with the positionals.
    for (const CLI::Option* positional :
         scope.get_options([](const CLI::Option* o) { return o->get_positional(); })) {
      if (!name.starts_with("--")) {
        break;
      }
      std::string upper = name.substr(2);
      std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
      if (upper == value_name(*positional)) {
        return usage_failure(message + "; " + upper + " is an argument here, not an option " +
                             "(usage: " + usage_of(scope) + ")");
      }
    }
    if (const auto suggestion = util::closest(name, option_names(scope))) {
      message += "; did you mean '" + *suggestion + "'?";
    }
    return usage_failure(message);
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && command != nullptr) {
    for (const CLI::Option* positional :
         command->get_options([](const CLI::Option* o) { return o->get_positional(); })) {
      if (positional->get_required() && positional->count() == 0) {
        return usage_failure("missing " + value_name(*positional) +
                             " (usage: " + usage_of(*command) + ")");
      }
    }
  }
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    return usage_failure(choice_message(error.what()));
  }
  return usage_failure(util::excerpt(error.what(), 300));  // CLI11's words, with the input
}

// True if the arguments ask for JSON errors: --json, --format json, --format=json (also ndjson).
// Scanned before parsing, since a parse error must already be reported in the asked-for format.
bool wants_json_errors(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& token = args[i];
    if (token == "--") {
      break;
    }
    if (token == "--json" || token == "--format=json" || token == "--format=ndjson") {
      return true;
    }
    if (token == "--format" && i + 1 < args.size() &&
        (args[i + 1] == "json" || args[i + 1] == "ndjson")) {
      return true;
    }
  }
  return false;
}

void print_text(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

void print_version(bool json) {
  print_text(json ? fmt::format(R"({{"version":"{}","schema_version":{},"sqlite_version":"{}"}})"
                                "\n",
                                INV_VERSION, store::k_schema_version, sqlite3_libversion())
                  : fmt::format("inv {} (schema {}, SQLite {})\n", INV_VERSION,
                                store::k_schema_version, sqlite3_libversion()));
}

// The words as CLI11 is given them: last first, and `--opt=` (an empty value) as `--opt ""`,
// since CLI11 2.1.2 would take the next word as the value of `--opt=`.
std::vector<std::string> for_cli11(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (auto word = words.rbegin(); word != words.rend(); ++word) {
    const bool before_end_of_options =
        std::find(words.begin(), word.base() - 1, "--") == word.base() - 1;
    if (before_end_of_options && word->size() > 3 && word->starts_with("--") &&
        word->back() == '=' && word->find('=') == word->size() - 1) {
      out.emplace_back();
      out.push_back(word->substr(0, word->size() - 1));
    } else {
      out.push_back(*word);
    }
  }
  return out;
}

int run_command_line(const std::vector<std::string>& args, bool json_errors) {
  Context ctx;
  CLI::App root;
  const Globals globals = add_globals(root, ctx.given());
  const Scan found = scan(root, globals, args);
  if (found.version) {
    // Like git: `inv --version` before any command; the rest of the line is not read.
    try {
      root.parse(for_cli11({args.begin(), args.begin() + *found.version + 1}));
    } catch (const CLI::ParseError& error) {
      throw usage_error_of(error, root, nullptr, args, 0);
    }
    print_version(json_errors);
    return 0;
  }
  const CommandSpec* spec = found.command ? find_command(args[*found.command]) : nullptr;
  if (spec != nullptr && !spec->needs_all_commands && !(found.unknown && !found.help)) {
    add_command(root, *spec, ctx);
  } else {
    add_all_commands(root, ctx);
  }
  if (found.unknown && !found.help) {
    // Only the globals may come before the command: a command's option there is a mistake.
    const std::string word = args[*found.unknown];
    std::string name = word.substr(0, word.find('='));
    if (name.size() < 2) {
      name = word;  // `-=since`: name the whole word, not a bare '-'
    }
    for (const CLI::App* command : visible_commands(root)) {
      if (command->get_option_no_throw(name) != nullptr) {
        throw usage_failure("option '" + name + "' belongs after the command (only global " +
                            "options may come before it)");
      }
    }
    std::string message = "unknown option '" + util::excerpt(name) + "'";
    if (const auto suggestion = util::closest(name, option_names(root))) {
      message += "; did you mean '" + *suggestion + "'?";
    }
    throw usage_failure(message + " (see 'inv --help')");
  }
  if (found.command && spec == nullptr) {
    throw unknown_command(root, args[*found.command]);
  }
  if (!found.command) {
    if (found.help) {
      print_text(render_help(root));
      return 0;
    }
    throw usage_failure("no command given (see 'inv --help')");
  }
  root.require_subcommand(1);
  CLI::App* command = root.get_subcommand(std::string(spec->name));
  try {
    if (!found.help) {
      check_option_values(*command, globals, args, *found.command);
    }
    root.parse(for_cli11(args));
  } catch (const CLI::CallForHelp&) {
    print_text(render_help(root.get_subcommands().empty() ? root : *command));
    return 0;
  } catch (const CLI::ParseError& error) {
    if (found.help) {
      // -h anywhere prints help and runs nothing, even after a mistake.
      print_text(render_help(*command));
      return 0;
    }
    throw usage_error_of(error, root, command, args, *found.command);
  }
  if (std::fflush(stdout) != 0) {
    throw Error(ExitCode::storage, "output_error", "cannot write the output");
  }
  return 0;
}

// --color as given on the command line (errors are printed before, or without, a parse).
ColorMode scan_color(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string value;
    if (args[i] == "--color" && i + 1 < args.size()) {
      value = args[i + 1];
    } else if (args[i].rfind("--color=", 0) == 0) {
      value = args[i].substr(8);
    }
    if (value == "always")
      return ColorMode::always;
    if (value == "never")
      return ColorMode::never;
  }
  return ColorMode::automatic;
}

}  // namespace

int run(int argc, char** argv) {
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const ColorMode color = scan_color(args);
  const bool json_errors = wants_json_errors(args);
  try {
    return run_command_line(args, json_errors);
  } catch (const Error& error) {
    print_error(json_errors, error, use_color(color, stderr));
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    print_error(
        json_errors,
        Error(ExitCode::failure, "internal", std::string("internal error: ") + error.what()),
        use_color(color, stderr));
    return static_cast<int>(ExitCode::failure);
  }
}

}  // namespace inv::cli
