#include "inv/cli/parser.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "inv/error.hpp"
#include "inv/util/suggest.hpp"

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
constexpr std::string_view k_version_name = "--version";  // before any command only, as in git

Error usage_failure(std::string message) {
  return Error(ExitCode::usage, "usage", std::move(message));
}

// An option word, as opposed to an argument: "-x…" or "--x…", but not "-" or a negative number.
bool is_option_word(std::string_view word) {
  return word.size() >= 2 && word[0] == '-' && !(word[1] >= '0' && word[1] <= '9');
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
  if (const auto suggestion = util::closest(word, visible_command_names(grammar))) {
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

// One pass over the words of a command line. Mistakes are remembered, not thrown at once, so that
// a help request anywhere (in option position) still wins; only the first mistake is reported.
class CommandLineParser {
 public:
  CommandLineParser(const Grammar& grammar, const std::vector<std::string>& args)
      : m_grammar(grammar), m_args(args), m_scope(grammar) {}

  Invocation parse() {
    for (m_next = 0; m_next < m_args.size() && !m_in.version;) {
      const std::string& word = m_args[m_next++];
      if (!m_options_ended && word == "--") {
        m_options_ended = true;
      } else if (!m_options_ended && is_option_word(word)) {
        read_option(word);
      } else if (!read_word(word)) {
        break;  // an unknown command: nothing after it can be read
      }
    }
    if (m_in.help && !m_unknown_command) {
      return m_in;
    }
    if (m_error) {
      throw *m_error;
    }
    if (m_unknown_command) {
      throw *m_unknown_command;
    }
    if (m_in.version) {
      return m_in;
    }
    if (m_in.command == nullptr) {
      throw usage_failure("no command given (see 'inv --help')");
    }
    check_arguments();
    return m_in;
  }

 private:
  void fail(std::string message) {
    if (!m_error) {
      m_error = usage_failure(std::move(message));
    }
  }

  void read_option(const std::string& word) {
    const auto equals = word.starts_with("--") ? word.find('=') : std::string::npos;
    const std::string name = word.substr(0, equals);
    if (name == "-h" || name == k_help_name) {
      if (equals != std::string::npos) {
        fail("option " + name + " takes no value");
      } else {
        m_in.help = true;
      }
      return;
    }
    const OptionSpec* option = m_scope.find(name);
    if (option == nullptr && !word.starts_with("--") && read_short_flags(word)) {
      return;
    }
    if (option == nullptr) {
      unknown_option(name);
      return;
    }
    if (option->name == k_version_name) {
      // Like git: `inv --version` before any command; the rest of the line is not read.
      if (m_in.command == nullptr && !m_help_command) {
        m_in.version = true;
      } else {
        fail("--version goes before any command: inv --version");
      }
      return;
    }
    if (!option->takes_value()) {
      if (equals != std::string::npos) {
        fail("option " + name + " takes no value");
      }
      m_in.set(option->name, std::string());
    } else if (equals != std::string::npos) {
      m_in.set(option->name, word.substr(equals + 1));
    } else if (m_next < m_args.size()) {
      m_in.set(option->name, m_args[m_next++]);  // whatever it is, as getopt does
    } else {
      fail("option " + name + " needs a value (" + std::string(option->value_name) + ")");
    }
  }

  // "-qh": several one-letter flags in one word. False if some letter is not such a flag.
  bool read_short_flags(std::string_view word) {
    std::vector<const OptionSpec*> flags;
    bool help = false;
    for (const char letter : word.substr(1)) {
      const OptionSpec* option = m_scope.find(std::string{'-', letter});
      if (letter == 'h') {
        help = true;
      } else if (option != nullptr && !option->takes_value()) {
        flags.push_back(option);
      } else {
        return false;
      }
    }
    m_in.help = m_in.help || help;
    for (const OptionSpec* flag : flags) {
      m_in.set(flag->name, std::string());
    }
    return true;
  }

  void unknown_option(const std::string& name) {
    std::string message = "unknown option '" + name + "'";
    if (const PositionalSpec* positional = positional_named(name)) {
      message += fmt::format("; {} is an argument here, not an option (usage: {})",
                             positional->name, usage_line(m_grammar, *m_in.command));
    } else if (m_in.command == nullptr && names_a_command_option(m_grammar, name)) {
      message = "option '" + name + "' belongs after the command (only global options may " +
                "come before it)";
    } else if (const auto suggestion = util::closest(name, m_scope.names())) {
      message += "; did you mean '" + *suggestion + "'?";
    }
    fail(message);
  }

  // The current command's positional argument that `option` names ("--qty" for QTY), if any.
  const PositionalSpec* positional_named(std::string_view option) const {
    if (m_in.command == nullptr || !option.starts_with("--")) {
      return nullptr;
    }
    for (const PositionalSpec& positional : m_in.command->positionals) {
      const std::string_view name = option.substr(2);
      if (std::equal(
              name.begin(), name.end(), positional.name.begin(), positional.name.end(),
              [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; })) {
        return &positional;
      }
    }
    return nullptr;
  }

  // A word that is not an option: the command, what `help` asks about, or an argument. False
  // for an unknown command.
  bool read_word(const std::string& word) {
    if (m_help_command) {
      // `inv help WORD`: a command's help, else a topic (which the caller looks up).
      m_help_command = false;
      if (word == "help") {
        return true;  // `inv help help`: the main help
      }
      if (const CommandSpec* command = find_visible_command(word)) {
        enter(command);
      } else {
        m_in.help_topic = word;
      }
      return true;
    }
    if (m_in.command != nullptr || m_in.help_topic) {
      m_in.arguments.push_back(word);
      return true;
    }
    if (m_options_ended) {
      fail("no command given before '--' (see 'inv --help')");
      return true;
    }
    if (word == "help") {
      m_help_command = true;
      m_in.help = true;
      return true;
    }
    const CommandSpec* command = find_command(m_grammar, word);
    if (command == nullptr) {
      m_unknown_command = unknown_command(m_grammar, word);
      return false;
    }
    enter(command);
    return true;
  }

  const CommandSpec* find_visible_command(std::string_view name) const {
    const CommandSpec* command = find_command(m_grammar, name);
    return command != nullptr && !command->hidden ? command : nullptr;
  }

  void enter(const CommandSpec* command) {
    m_in.command = command;
    m_scope.enter(command);
  }

  void check_arguments() const {
    const CommandSpec& command = *m_in.command;
    if (m_in.arguments.size() > command.positionals.size()) {
      const auto extra = std::span(m_in.arguments).subspan(command.positionals.size());
      std::string message = extra.size() == 1 ? "unexpected argument" : "unexpected arguments";
      for (const std::string& word : extra) {
        message += " '" + word + "'";
      }
      throw usage_failure(message + " (usage: " + usage_line(m_grammar, command) + ")");
    }
    for (std::size_t i = m_in.arguments.size(); i < command.positionals.size(); ++i) {
      if (command.positionals[i].required) {
        throw usage_failure("missing " + std::string(command.positionals[i].name) +
                            " (usage: " + usage_line(m_grammar, command) + ")");
      }
    }
  }

  const Grammar& m_grammar;
  const std::vector<std::string>& m_args;
  OptionScope m_scope;
  Invocation m_in;
  std::size_t m_next = 0;
  bool m_options_ended = false;
  bool m_help_command = false;  // after `help`: the next word names a command or topic
  std::optional<Error> m_error;
  std::optional<Error> m_unknown_command;
};

}  // namespace

Invocation parse_command_line(const Grammar& grammar, const std::vector<std::string>& args) {
  return CommandLineParser(grammar, args).parse();
}

namespace {

// "  -q, --quiet" / "      --ref REF": the left column of an option in help.
std::string option_label(const OptionSpec& option) {
  std::string label =
      option.short_name != '\0' ? fmt::format("  -{}, ", option.short_name) : std::string(6, ' ');
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
    if (option.name != k_version_name) {
      text += fmt::format(" {}", option.name);
    }
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
      completion.before_command_only = option.name == k_version_name;
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
