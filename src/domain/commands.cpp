#include "inv/domain/commands.hpp"

namespace inv::domain {

const std::string& sku_of(const Command& command) {
  return std::visit([](const auto& c) -> const std::string& { return c.sku; }, command);
}

std::string_view command_name(const Command& command) {
  return k_command_names[command.index()];
}

}  // namespace inv::domain
