#pragma once
// inv's command-line grammar (SPEC §3, §7), described as constant tables and parsed by hand.
//
// Why not a CLI library: a `show` is one short process, and building a CLI11 parser, with the
// `<iostream>` objects its headers bring, cost more per process than the SQLite work itself
// (docs/benchmarks.md). These tables cost nothing at start-up, and the same tables produce the
// help text, the "did you mean" candidates and the completion scripts, so none can drift.
//
// The grammar: `inv [GLOBAL...] COMMAND [ARG | OPTION | GLOBAL]... [-- ARG...]`
// - global options may stand before or after the command; a command's options only after it;
// - `--opt VALUE` or `--opt=VALUE`; a value option takes the next word whatever it is (as getopt
//   does), so `--ref --json` records the ref "--json"; `--opt=` gives an empty value;
// - a repeated option: the last one wins (as in git);
// - a word starting with '-' is an option, except "-" itself and negative numbers ("-3"), which
//   are arguments; after "--" every word is an argument;
// - `-h`/`--help` anywhere prints help and runs nothing; `inv help [COMMAND|TOPIC]` likewise.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inv/cli/completion.hpp"

namespace inv::cli {

struct OptionSpec {
  std::string_view name;        // "--ref"
  char short_name = '\0';       // 'q' for -q; '\0' for none
  std::string_view value_name;  // "REF"; empty for a flag
  std::string_view help;
  ValueKind completes = ValueKind::none;
  std::span<const std::string_view> choices = {};  // for ValueKind::choice

  bool takes_value() const { return !value_name.empty(); }
};

struct PositionalSpec {
  std::string_view name;  // "SKU", as help and error messages call it
  std::string_view help;
  bool required = true;
  ValueKind completes = ValueKind::none;
  std::span<const std::string_view> choices = {};
};

class Invocation;
class Context;

struct CommandSpec {
  std::string_view name;
  std::string_view summary;
  std::string_view example;  // one command line, shown under "Example:" in its help
  std::span<const PositionalSpec> positionals;
  std::span<const OptionSpec> options;         // the command's own
  std::span<const OptionSpec> shared_options;  // a set several commands take (write options)
  void (*run)(Context&, const Invocation&);
  bool hidden = false;  // not in help or completions (e.g. __complete-skus)
};

struct Grammar {
  std::string_view program;      // "inv"
  std::string_view description;  // first line of the main help
  std::span<const OptionSpec> globals;
  std::span<const CommandSpec> commands;
  std::string footer;  // after the main help's lists
};

// What a command line asked for. Values are as typed; checking them is the command's job.
class Invocation {
 public:
  const CommandSpec* command = nullptr;   // null with `inv`, `inv --help`, `inv --version`
  bool help = false;                      // -h, --help or `inv help …`
  bool version = false;                   // --version
  std::optional<std::string> help_topic;  // `inv help WORD` where WORD is not a command
  std::vector<std::string> arguments;     // positional arguments of the command, in order

  // The value of a value option (by its long name), if given; the last one if repeated.
  std::optional<std::string> value(std::string_view option) const;
  // True if the flag (by its long name) was given.
  bool flag(std::string_view option) const;
  // The positional argument at `index`, if given.
  std::optional<std::string> argument(std::size_t index) const;

  void set(std::string_view option, std::string value);

 private:
  std::vector<std::pair<std::string_view, std::string>> m_options;
};

// Parses `args` (argv without the program name). Throws inv::Error (exit 2): "unknown_command"
// with a suggestion for an unknown command word, "usage" for an unknown option (with a
// suggestion), a missing option value, a value given to a flag, and missing or extra arguments.
// With help asked for, only an unknown command is an error.
Invocation parse_command_line(const Grammar& grammar, const std::vector<std::string>& args);

// The help of the whole program (`command` null) or of one command.
std::string render_help(const Grammar& grammar, const CommandSpec* command);

// The grammar as the completion generators see it: visible commands, options without --help.
CompletionModel completion_model(const Grammar& grammar);

}  // namespace inv::cli
