// For people at a shell: help (commands and topics), completion scripts, and the hidden
// __complete-skus those scripts call.
#include <memory>

#include "inv/app/query_service.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/completion.hpp"
#include "inv/cli/context.hpp"
#include "inv/cli/help.hpp"
#include "inv/error.hpp"
#include "inv/util/suggest.hpp"
#include "inv/util/text.hpp"

namespace inv::cli {
namespace {

// Results that are ready-made text (help, scripts) go to stdout as they are.
void print_text(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace

void setup_help(CLI::App& command, Context&) {
  auto topic = std::make_shared<std::string>();
  // What `inv help WORD` may name: a command, or a topic. The root has every command built
  // when help is asked for (CommandSpec::needs_all_commands).
  std::vector<std::string> names;
  for (const CLI::App* other : visible_commands(*command.get_parent())) {
    names.push_back(other->get_name());
  }
  for (const HelpTopic& known : help_topics()) {
    names.emplace_back(known.name);
  }
  command.add_option("TOPIC", *topic, "A command or a help topic")
      ->check(CLI::Validator(
                  [names](std::string& word) {
                    if (std::find(names.begin(), names.end(), word) != names.end()) {
                      return std::string();
                    }
                    std::string message = "no command or help topic '" + util::excerpt(word) + "'";
                    if (const auto suggestion = util::closest(word, names)) {
                      message += "; did you mean '" + *suggestion + "'?";
                    }
                    throw Error(ExitCode::usage, "unknown_command",
                                message + " (see 'inv --help')");
                  },
                  "", k_choices)
                  .description([names] {
                    std::string list;
                    for (const std::string& name : names) {
                      list += (list.empty() ? "{" : ",") + name;
                    }
                    return list + "}";
                  }()));
  command.footer("inv help exit-codes");
  CLI::App* root = command.get_parent();
  command.callback([topic, root] {
    if (topic->empty() || *topic == "help") {
      print_text(render_help(*root));
    } else if (const auto found = find_help_topic(*topic)) {
      print_text(found->text);
    } else {
      print_text(render_help(*root->get_subcommand(*topic)));
    }
  });
}

void setup_completion(CLI::App& command, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  command.add_option("SHELL", *shell, "bash, zsh or fish")
      ->required()
      ->check(choices({"bash", "zsh", "fish"}));
  command.footer("inv completion bash > ~/.local/share/bash-completion/completions/inv");
  CLI::App* root = command.get_parent();
  command.callback([shell, root, &ctx] {
    const std::string script = completion_script(*shell, completion_model(*root));
    if (!ctx.output().quiet) {
      print_text(script);
    }
  });
}

// The SKUs starting with PREFIX, one a line. Silent on any error (no database yet, a locked
// one): completion must never print noise.
void setup_complete_skus(CLI::App& command, Context& ctx) {
  auto prefix = std::make_shared<std::string>();
  command.add_option("PREFIX", *prefix, "SKU prefix");
  command.group("");  // hidden from help and completion
  command.callback([prefix, &ctx] {
    try {
      auto store = ctx.open(store::Access::read);
      std::string text;
      for (const auto& item : app::QueryService(*store).list(*prefix)) {
        text += item.sku + "\n";
      }
      print_text(text);
    } catch (const Error&) {
    }
  });
}

}  // namespace inv::cli
