#pragma once
// Shell completion scripts for bash, zsh and fish, generated from the CLI11 app (through a neutral
// description of it), so they cannot drift from what inv accepts.

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace inv::cli {

// What a value (of an option or a positional argument) may be completed with.
enum class ValueKind { none, sku, file, choice };

struct CompletionOption {
  std::vector<std::string> names;  // "--format", "-q", …
  std::string help;
  bool takes_value = false;
  ValueKind value = ValueKind::none;
  std::vector<std::string> choices;  // for ValueKind::choice
  bool before_command_only = false;  // a global that is a mistake after the command (--version)
};

// A positional argument: what completes it.
struct CompletionPositional {
  ValueKind value = ValueKind::none;
  std::vector<std::string> choices;  // for ValueKind::choice
};

struct CompletionCommand {
  std::string name;
  std::string summary;
  std::vector<CompletionOption> options;
  std::vector<CompletionPositional> positionals;  // in order
};

struct CompletionModel {
  std::vector<CompletionOption> globals;
  std::vector<CompletionCommand> commands;
};

// The command line as the scripts see it, read off the CLI11 app `root` with every command built:
// visible commands, their options (not --help) and arguments, the globals.
CompletionModel completion_model(const CLI::App& root);

// The completion script for `shell` ("bash", "zsh" or "fish"); throws inv::Error (usage) for
// another shell. Scripts complete SKUs by running `inv __complete-skus PREFIX`.
std::string completion_script(std::string_view shell, const CompletionModel& model);

}  // namespace inv::cli
