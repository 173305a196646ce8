#include "inv/domain/commands.hpp"

#include <algorithm>

#include "inv/domain/events.hpp"

namespace inv::domain {

const std::string& sku_of(const Command& command) {
  return std::visit([](const auto& c) -> const std::string& { return c.sku; }, command);
}

// Command i appends event type i: the two lists are in the same order.
static_assert(std::size(k_command_names) == std::size(k_event_type_names));

std::optional<std::string_view> event_type_of_command(std::string_view word) {
  const auto found = std::find(std::begin(k_command_names), std::end(k_command_names), word);
  if (found == std::end(k_command_names)) {
    return std::nullopt;
  }
  return k_event_type_names[found - std::begin(k_command_names)];
}

std::string_view command_name(const Command& command) {
  return k_command_names[command.index()];
}

}  // namespace inv::domain
