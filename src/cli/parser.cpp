#include "inv/cli/parser.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "inv/cli/arguments.hpp"
#include "inv/error.hpp"

namespace inv::cli {

std::optional<std::string> Invocation::value(std::string_view option) const {
  for (auto it = m_options.rbegin(); it != m_options.rend(); ++it) {
    if (it->first == option) {
      return it->second;
    }
  }
  return std::nullopt;
}

bool Invocation::flag(std::string_view option) const {
  return std::any_of(m_options.begin(), m_options.end(),
                     [&](const auto& given) { return given.first == option; });
}

std::optional<std::string> Invocation::argument(std::size_t index) const {
  if (index < arguments.size()) {
    return arguments[index];
  }
  return std::nullopt;
}

void Invocation::set(std::string_view option, std::string value) {
  m_options.emplace_back(option, std::move(value));
}

namespace {

constexpr std::string_view k_help_name = "--help";

Error usage_failure(std::string message) {
  return Error(ExitCode::usage, "usage", std::move(message));
}

// An option word, as opposed to an argument: "-x…" or "--x…", but not "-" or a negative number.
bool is_option_word(std::string_view word) {
  if (word.size() < 2 || word[0] != '-') {
    return false;
  }
  return !(word[1] >= '0' && word[1] <= '9') && word[1] != '.';
}

const CommandSpec* find_command(const Grammar& grammar, std::string_view name) {
  for (const CommandSpec& command : grammar.commands) {
    if (command.name == name) {
      return &command;
    }
  }
  return nullptr;
}

std::vector<std::string> visible_command_names(const Grammar& grammar) {
  std::vector<std::string> names;
  for (const CommandSpec& command : grammar.commands) {
    if (!command.hidden) {
      names.emplace_back(command.name);
    }
  }
  return names;
}

Error unknown_command(const Grammar& grammar, const std::string& word) {
  std::string message = "unknown command '" + word + "'";
  if (const auto suggestion = closest(word, visible_command_names(grammar))) {
    message += "; did you mean '" + *suggestion + "'?";
  }
  return Error(ExitCode::usage, "unknown_command", message + " (see 'inv --help')");
}

// True if some command has an option called `name` (which then stood before its command).
bool names_a_command_option(const Grammar& grammar, std::string_view name) {
  return std::any_of(grammar.commands.begin(), grammar.commands.end(), [&](const CommandSpec& c) {
    const auto named = [&](const OptionSpec& option) { return option.name == name; };
    return std::any_of(c.options.begin(), c.options.end(), named) ||
           std::any_of(c.shared_options.begin(), c.shared_options.end(), named);
  });
}

// The options a word may name at this point: the globals, and once the command is known, its own.
class OptionScope {
 public:
  explicit OptionScope(const Grammar& grammar) : m_grammar(grammar) {}
  void enter(const CommandSpec* command) { m_command = command; }

  // The option called `name` ("--ref" or "-q"), if it is in scope.
  const OptionSpec* find(std::string_view name) const {
    const OptionSpec* found = nullptr;
    for_each([&](const OptionSpec& option) {
      if (found == nullptr && matches(option, name)) {
        found = &option;
      }
    });
    return found;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> names{std::string(k_help_name), "-h"};
    for_each([&](const OptionSpec& option) {
      names.emplace_back(option.name);
      if (option.short_name != '\0') {
        names.push_back(std::string("-") + option.short_name);
      }
    });
    return names;
  }

 private:
  static bool matches(const OptionSpec& option, std::string_view name) {
    return name == option.name ||
           (option.short_name != '\0' && name.size() == 2 && name[1] == option.short_name);
  }
  template <class Visit>
  void for_each(Visit visit) const {
    if (m_command != nullptr) {
      std::for_each(m_command->options.begin(), m_command->options.end(), visit);
      std::for_each(m_command->shared_options.begin(), m_command->shared_options.end(), visit);
    }
    std::for_each(m_grammar.globals.begin(), m_grammar.globals.end(), visit);
  }

  const Grammar& m_grammar;
  const CommandSpec* m_command = nullptr;
};

std::string usage_line(const Grammar& grammar, const CommandSpec& command) {
  std::string line = fmt::format("{} {}", grammar.program, command.name);
  if (!command.options.empty() || !command.shared_options.empty()) {
    line += " [OPTIONS]";
  }
  for (const PositionalSpec& positional : command.positionals) {
    line += fmt::format(fmt::runtime(positional.required ? " {}" : " [{}]"), positional.name);
  }
  return line;
}

}  // namespace

Invocation parse_command_line(const Grammar& grammar, const std::vector<std::string>& args) {
  Invocation invocation;
  // Help wins over every mistake but an unknown command: `inv reserve A -h` shows help.
  const auto end_of_options = std::find(args.begin(), args.end(), "--");
  invocation.help = std::any_of(args.begin(), end_of_options, [](const std::string& word) {
    return word == "-h" || word == k_help_name;
  });
  OptionScope scope(grammar);
  bool help_command = false;  // `inv help …`: the next word names a command or topic
  bool options_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (!options_ended && word == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && is_option_word(word)) {
      const auto equals = word.starts_with("--") ? word.find('=') : std::string::npos;
      const std::string name = word.substr(0, equals);
      if (name == "-h" || name == k_help_name) {
        continue;
      }
      const OptionSpec* option = scope.find(name);
      if (option == nullptr) {
        if (invocation.help) {
          continue;
        }
        std::string message = "unknown option '" + name + "'";
        if (const auto suggestion = closest(name, scope.names())) {
          message += "; did you mean '" + *suggestion + "'?";
        } else if (invocation.command == nullptr && names_a_command_option(grammar, name)) {
          message = "option '" + name + "' belongs after the command (only global options " +
                    "may come before it)";
        }
        throw usage_failure(message);
      }
      if (!option->takes_value()) {
        if (equals != std::string::npos && !invocation.help) {
          throw usage_failure("option " + name + " takes no value");
        }
        invocation.set(option->name, std::string());
        continue;
      }
      if (equals != std::string::npos) {
        invocation.set(option->name, word.substr(equals + 1));
      } else if (i + 1 < args.size()) {
        invocation.set(option->name, args[++i]);
      } else if (!invocation.help) {
        throw usage_failure("option " + name + " needs a value (" +
                            std::string(option->value_name) + ")");
      }
      continue;
    }
    if (invocation.command == nullptr && !help_command && !invocation.help_topic) {
      // The first argument is the command.
      if (word == "help") {
        help_command = true;
        invocation.help = true;
        continue;
      }
      const CommandSpec* command = find_command(grammar, word);
      if (command == nullptr) {
        throw unknown_command(grammar, word);
      }
      invocation.command = command;
      scope.enter(command);
      continue;
    }
    if (help_command) {
      // `inv help WORD`: a command's help, else a topic (which the caller looks up).
      help_command = false;
      if (const CommandSpec* command = find_command(grammar, word)) {
        invocation.command = command;
        scope.enter(command);
      } else {
        invocation.help_topic = word;
      }
      continue;
    }
    invocation.arguments.push_back(word);
  }
  invocation.version = invocation.flag("--version");
  if (invocation.help || invocation.version) {
    return invocation;
  }
  if (invocation.command == nullptr) {
    throw usage_failure("no command given (see 'inv --help')");
  }
  const CommandSpec& command = *invocation.command;
  if (invocation.arguments.size() > command.positionals.size()) {
    const auto extra = std::span(invocation.arguments).subspan(command.positionals.size());
    std::string message = extra.size() == 1 ? "unexpected argument" : "unexpected arguments";
    for (const std::string& word : extra) {
      message += " '" + word + "'";
    }
    throw usage_failure(message + " (usage: " + usage_line(grammar, command) + ")");
  }
  for (std::size_t i = invocation.arguments.size(); i < command.positionals.size(); ++i) {
    if (command.positionals[i].required) {
      throw usage_failure("missing " + std::string(command.positionals[i].name) +
                          " (usage: " + usage_line(grammar, command) + ")");
    }
  }
  return invocation;
}

namespace {

// "  -q, --quiet" / "      --ref REF": the left column of an option in help.
std::string option_label(const OptionSpec& option) {
  std::string label = option.short_name != '\0' ? fmt::format("  -{}, ", option.short_name)
                                                : std::string(6, ' ');
  label += option.name;
  if (option.takes_value()) {
    label += fmt::format(" {}", option.value_name);
  }
  return label;
}

// Lines of `label  help`, the help column aligned across `rows`.
std::string aligned(const std::vector<std::pair<std::string, std::string_view>>& rows) {
  std::size_t width = 0;
  for (const auto& [label, help] : rows) {
    width = std::max(width, label.size());
  }
  std::string text;
  for (const auto& [label, help] : rows) {
    text += label + std::string(width + 2 - label.size(), ' ') + std::string(help) + "\n";
  }
  return text;
}

void add_option_rows(std::vector<std::pair<std::string, std::string_view>>& rows,
                     std::span<const OptionSpec> options) {
  for (const OptionSpec& option : options) {
    rows.emplace_back(option_label(option), option.help);
  }
}

}  // namespace

std::string render_help(const Grammar& grammar, const CommandSpec* command) {
  const OptionSpec help_option{k_help_name, 'h', "", "Print this help and exit"};
  std::string text;
  if (command == nullptr) {
    text += std::string(grammar.program) + ": " + std::string(grammar.description) + "\n\n";
    text += "Usage: " + std::string(grammar.program) + " [OPTIONS] COMMAND [ARGS]\n\n";
    text += "Commands:\n";
    std::vector<std::pair<std::string, std::string_view>> rows;
    for (const CommandSpec& spec : grammar.commands) {
      if (!spec.hidden) {
        rows.emplace_back("  " + std::string(spec.name), spec.summary);
      }
    }
    text += aligned(rows);
    text += "\nOptions (before or after the command):\n";
    rows.clear();
    add_option_rows(rows, std::span(&help_option, 1));
    add_option_rows(rows, grammar.globals);
    text += aligned(rows);
    return text + "\n" + grammar.footer;
  }
  text += std::string(command->summary) + "\n\n";
  text += "Usage: " + usage_line(grammar, *command) + "\n";
  std::vector<std::pair<std::string, std::string_view>> rows;
  if (!command->positionals.empty()) {
    text += "\nArguments:\n";
    for (const PositionalSpec& positional : command->positionals) {
      rows.emplace_back("  " + std::string(positional.name), positional.help);
    }
    text += aligned(rows);
    rows.clear();
  }
  text += "\nOptions:\n";
  add_option_rows(rows, command->options);
  add_option_rows(rows, command->shared_options);
  add_option_rows(rows, std::span(&help_option, 1));
  text += aligned(rows);
  text += fmt::format("\nGlobal options (before or after the command; see '{} --help'):\n ",
                      grammar.program);
  for (const OptionSpec& option : grammar.globals) {
    text += fmt::format(" {}", option.name);
  }
  text += "\n";
  if (!command->example.empty()) {
    text += "\nExample:\n  " + std::string(command->example) + "\n";
  }
  return text;
}

CompletionModel completion_model(const Grammar& grammar) {
  const auto convert = [](std::span<const OptionSpec> options,
                          std::vector<CompletionOption>& into) {
    for (const OptionSpec& option : options) {
      CompletionOption completion;
      if (option.short_name != '\0') {
        completion.names.push_back(std::string("-") + option.short_name);
      }
      completion.names.emplace_back(option.name);
      completion.help = option.help;
      completion.takes_value = option.takes_value();
      completion.value = option.completes;
      completion.choices.assign(option.choices.begin(), option.choices.end());
      into.push_back(std::move(completion));
    }
  };
  CompletionModel model;
  convert(grammar.globals, model.globals);
  for (const CommandSpec& command : grammar.commands) {
    if (command.hidden) {
      continue;
    }
    CompletionCommand completion;
    completion.name = command.name;
    completion.summary = command.summary;
    convert(command.options, completion.options);
    convert(command.shared_options, completion.options);
    for (const PositionalSpec& positional : command.positionals) {
      completion.positionals.push_back(
          {positional.completes, {positional.choices.begin(), positional.choices.end()}});
    }
    model.commands.push_back(std::move(completion));
  }
  return model;
}

}  // namespace inv::cli
