// Help and completion models, both read off the CLI11 app: what it accepts is what they show.
#include <algorithm>

#include <fmt/format.h>

#include "inv/cli/cli11_support.hpp"
#include "inv/cli/completion.hpp"
#include "inv/cli/help.hpp"

namespace inv::cli {
namespace {

// Lines of `label  help`, the help column aligned across `rows`.
std::string aligned(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::size_t width = 0;
  for (const auto& [label, help] : rows) {
    width = std::max(width, label.size());
  }
  std::string text;
  for (const auto& [label, help] : rows) {
    text += label + std::string(width + 2 - label.size(), ' ') + help + "\n";
  }
  return text;
}

// "  -q, --quiet" / "      --ref REF": the left column of an option in help.
std::string option_label(const CLI::Option& option) {
  std::string label = "  ";
  for (const std::string& name : option.get_snames()) {
    label += "-" + name + ", ";
  }
  label.resize(std::max<std::size_t>(label.size(), 6), ' ');
  for (const std::string& name : option.get_lnames()) {
    label += "--" + name;
  }
  if (!is_flag(option)) {
    label += " " + value_name(option);
  }
  return label;
}

bool is_positional(const CLI::Option* option) {
  return option->get_positional();
}

// The app's own options, the help flag last.
std::vector<const CLI::Option*> named_options(const CLI::App& app) {
  auto options = app.get_options([](const CLI::Option* option) {
    return option->nonpositional() && !option->get_group().empty();
  });
  std::stable_partition(options.begin(), options.end(),
                        [&](const CLI::Option* option) { return option != app.get_help_ptr(); });
  return options;
}

std::string usage_line(const CLI::App& command) {
  std::string line = "inv " + command.get_name();
  if (named_options(command).size() > 1) {  // more than --help
    line += " [OPTIONS]";
  }
  for (const CLI::Option* positional : command.get_options(is_positional)) {
    line += fmt::format(fmt::runtime(positional->get_required() ? " {}" : " [{}]"),
                        value_name(*positional));
  }
  return line;
}

std::string root_help(const CLI::App& root) {
  std::string text = "inv: " + root.get_description() + "\n\n";
  text += "Usage: inv [OPTIONS] COMMAND [ARGS]\n\nCommands:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const CLI::App* command : visible_commands(root)) {
    rows.emplace_back("  " + command->get_name(), command->get_description());
  }
  text += aligned(rows);
  text += "\nOptions (before or after the command):\n";
  rows.clear();
  auto options = named_options(root);
  std::rotate(options.begin(), options.end() - 1, options.end());  // --help first here
  for (const CLI::Option* option : options) {
    rows.emplace_back(option_label(*option), option->get_description());
  }
  text += aligned(rows);
  return text + "\n" + root.get_footer();
}

std::string command_help(const CLI::App& command) {
  std::string text = command.get_description() + "\n\n";
  text += "Usage: " + usage_line(command) + "\n";
  std::vector<std::pair<std::string, std::string>> rows;
  const auto positionals = command.get_options(is_positional);
  if (!positionals.empty()) {
    text += "\nArguments:\n";
    for (const CLI::Option* positional : positionals) {
      rows.emplace_back("  " + value_name(*positional), positional->get_description());
    }
    text += aligned(rows);
    rows.clear();
  }
  text += "\nOptions:\n";
  for (const CLI::Option* option : named_options(command)) {
    rows.emplace_back(option_label(*option), option->get_description());
  }
  text += aligned(rows);
  text += "\nGlobal options (before or after the command; see 'inv --help'):\n ";
  if (const CLI::App* root = command.get_parent()) {
    for (const CLI::Option* option : named_options(*root)) {
      if (option != root->get_help_ptr() && option->get_group() != "Before the command") {
        text += " --" + option->get_lnames().front();
      }
    }
  }
  text += "\n";
  const std::string footer = command.get_footer();
  if (!footer.empty()) {
    const auto end_of_example = footer.find('\n');
    text += "\nExample:\n  " + footer.substr(0, end_of_example) + "\n";
    if (end_of_example != std::string::npos) {
      text += footer.substr(end_of_example + 1) + "\n";
    }
  }
  return text;
}

ValueKind value_kind(const CLI::Option& option, std::vector<std::string>& choices) {
  // The validator "choices" describes itself as {a,b,c}. (get_validator throws when there is
  // no such validator.)
  const CLI::Validator* validator = nullptr;
  try {
    validator = const_cast<CLI::Option&>(option).get_validator(k_choices);
  } catch (const CLI::OptionNotFound&) {
  }
  if (validator != nullptr) {
    std::string list = validator->get_description();
    list = list.substr(1, list.size() - 2);
    std::size_t start = 0;
    while (start <= list.size()) {
      const auto comma = std::min(list.find(',', start), list.size());
      choices.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
    return ValueKind::choice;
  }
  const std::string name = value_name(option);
  if (name == k_sku_type) {
    return ValueKind::sku;
  }
  if (name == k_file_type || name == k_path_type) {
    return ValueKind::file;
  }
  return ValueKind::none;
}

void add_completion_options(const CLI::App& app, std::vector<CompletionOption>& into,
                            bool with_help) {
  for (const CLI::Option* option : named_options(app)) {
    if (option == app.get_help_ptr() && !with_help) {
      continue;
    }
    CompletionOption completion;
    for (const std::string& name : option->get_snames()) {
      completion.names.push_back("-" + name);
    }
    for (const std::string& name : option->get_lnames()) {
      completion.names.push_back("--" + name);
    }
    completion.help = option->get_description();
    completion.takes_value = !is_flag(*option);
    if (completion.takes_value) {
      completion.value = value_kind(*option, completion.choices);
    }
    completion.before_command_only = option->get_group() == "Before the command";
    into.push_back(std::move(completion));
  }
}

}  // namespace

std::string HelpFormatter::make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const {
  return render_help(*app);
}

std::string render_help(const CLI::App& app) {
  return app.get_parent() == nullptr ? root_help(app) : command_help(app);
}

std::vector<const CLI::App*> visible_commands(const CLI::App& root) {
  std::vector<const CLI::App*> commands;
  for (const CLI::App* command : const_cast<CLI::App&>(root).get_subcommands({})) {
    if (!command->get_group().empty()) {
      commands.push_back(command);
    }
  }
  return commands;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* scope = &app; scope != nullptr; scope = scope->get_parent()) {
    for (const CLI::Option* option : named_options(*scope)) {
      for (const std::string& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
      for (const std::string& name : option->get_snames()) {
        names.push_back("-" + name);
      }
    }
  }
  return names;
}

bool is_flag(const CLI::Option& option) {
  return option.get_items_expected_max() == 0;
}

std::string value_name(const CLI::Option& option) {
  if (option.get_positional() && !option.nonpositional()) {
    return option.get_name(true);
  }
  std::string name = option.get_type_name();
  return name.substr(0, name.find(':'));
}

CompletionModel completion_model(const CLI::App& root) {
  CompletionModel model;
  add_completion_options(root, model.globals, false);
  for (const CLI::App* command : visible_commands(root)) {
    CompletionCommand completion;
    completion.name = command->get_name();
    completion.summary = command->get_description();
    add_completion_options(*command, completion.options, false);
    for (const CLI::Option* positional : command->get_options(is_positional)) {
      CompletionPositional argument;
      argument.value = value_kind(*positional, argument.choices);
      completion.positionals.push_back(std::move(argument));
    }
    model.commands.push_back(std::move(completion));
  }
  return model;
}

}  // namespace inv::cli
