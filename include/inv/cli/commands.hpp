#pragma once
// The commands of inv: one row each in the registry, one setup function each (in the manner of
// CLI11's examples/subcom_in_files). A setup function binds the command's arguments and options
// to a typed struct on the CLI11 subcommand it is given, and sets the callback that runs it.
// Adding a command: a file src/cli/cmd_<name>.cpp (or a row in its family's file), its setup
// declared here, one row in src/cli/commands.cpp.

#include <span>
#include <string_view>

namespace CLI {
class App;
}

namespace inv::cli {

class Context;

using SetupFunction = void (*)(CLI::App& command, Context& ctx);

struct CommandSpec {
  std::string_view name;
  std::string_view summary;  // one line: the command list of `inv --help`
  SetupFunction setup;
  // Help and completion walk the whole command line: they need every command built, not only
  // their own.
  bool needs_all_commands = false;
};

// Every command, in the order `inv --help` lists them. The only list.
std::span<const CommandSpec> command_registry();

// The command called `name`, if there is one (hidden ones included).
const CommandSpec* find_command(std::string_view name);

// Write commands (src/cli/cmd_write.cpp).
void setup_create(CLI::App& command, Context& ctx);
void setup_set_soh(CLI::App& command, Context& ctx);
void setup_adjust(CLI::App& command, Context& ctx);
void setup_set_available(CLI::App& command, Context& ctx);
void setup_reserve(CLI::App& command, Context& ctx);
void setup_release(CLI::App& command, Context& ctx);
void setup_complete(CLI::App& command, Context& ctx);
void setup_sell(CLI::App& command, Context& ctx);
void setup_retire(CLI::App& command, Context& ctx);
void setup_expire(CLI::App& command, Context& ctx);
void setup_set_reorder(CLI::App& command, Context& ctx);
// Batches (src/cli/cmd_apply.cpp).
void setup_apply(CLI::App& command, Context& ctx);
// Queries (src/cli/cmd_query.cpp).
void setup_show(CLI::App& command, Context& ctx);
void setup_list(CLI::App& command, Context& ctx);
void setup_reservations(CLI::App& command, Context& ctx);
void setup_history(CLI::App& command, Context& ctx);
void setup_head(CLI::App& command, Context& ctx);
void setup_stats(CLI::App& command, Context& ctx);
// Reports (src/cli/cmd_report.cpp).
void setup_report(CLI::App& command, Context& ctx);
// The log as a whole (src/cli/cmd_audit.cpp).
void setup_init(CLI::App& command, Context& ctx);
void setup_verify(CLI::App& command, Context& ctx);
void setup_export(CLI::App& command, Context& ctx);
void setup_import(CLI::App& command, Context& ctx);
void setup_rebuild(CLI::App& command, Context& ctx);
// The shell: help, completion scripts, SKUs for them (src/cli/cmd_shell.cpp).
void setup_help(CLI::App& command, Context& ctx);
void setup_completion(CLI::App& command, Context& ctx);
void setup_complete_skus(CLI::App& command, Context& ctx);

}  // namespace inv::cli
