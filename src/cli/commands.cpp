#include "inv/cli/commands.hpp"

#include <array>

namespace inv::cli {
namespace {

constexpr std::array k_commands{
    CommandSpec{"init", "Create an empty inventory database", &setup_init},
    CommandSpec{"create", "Create an item", &setup_create},
    CommandSpec{"set-soh", "Record a stock count (creates the item if absent)", &setup_set_soh},
    CommandSpec{"adjust", "Receive (+) or write off (-) stock", &setup_adjust},
    CommandSpec{"set-available", "Set units available to promise (hold stock back)",
                &setup_set_available},
    CommandSpec{"reserve", "Reserve units for an order", &setup_reserve},
    CommandSpec{"release", "Cancel reserved units (or a whole order)", &setup_release},
    CommandSpec{"complete", "Ship reserved units (or a whole order)", &setup_complete},
    CommandSpec{"sell", "Sell units directly, without a reservation", &setup_sell},
    CommandSpec{"expire", "Release reservations older than a duration (abandoned carts)",
                &setup_expire},
    CommandSpec{"retire", "Retire an empty item: hidden from list, no more writes", &setup_retire},
    CommandSpec{"set-reorder", "Set an item's reorder point (list --low)", &setup_set_reorder},
    CommandSpec{"apply", "Run a batch of commands (NDJSON or CSV), all or nothing", &setup_apply},
    CommandSpec{"show", "Show one item's current state", &setup_show},
    CommandSpec{"list", "List every item (stock report)", &setup_list},
    CommandSpec{"reservations", "List open reservations by SKU and ref, oldest first",
                &setup_reservations},
    CommandSpec{"history", "Show events in order", &setup_history},
    CommandSpec{"report", "Reports: stock movements in a period; an HTML page for an auditor",
                &setup_report},
    CommandSpec{"head", "Print the last position and its hash", &setup_head},
    CommandSpec{"verify", "Check the whole log: chain, versions, read models", &setup_verify},
    CommandSpec{"export", "Write events as NDJSON, hashes included", &setup_export},
    CommandSpec{"import", "Load an export into an empty or continuing log", &setup_import},
    CommandSpec{"rebuild", "Recreate read models and snapshots from the log", &setup_rebuild},
    CommandSpec{"completion", "Print a shell completion script (bash, zsh, fish)",
                &setup_completion, true},
    CommandSpec{"stats", "Show database statistics", &setup_stats},
    CommandSpec{"help", "Help for inv, a command or a topic", &setup_help, true},
    // Hidden (no summary): the SKUs for the completion scripts.
    CommandSpec{"__complete-skus", "", &setup_complete_skus},
};

}  // namespace

std::span<const CommandSpec> command_registry() {
  return k_commands;
}

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& command : k_commands) {
    if (command.name == name) {
      return &command;
    }
  }
  return nullptr;
}

}  // namespace inv::cli
