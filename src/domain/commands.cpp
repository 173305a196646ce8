#include "inv/domain/commands.hpp"

namespace inv::domain {

const std::string& sku_of(const Command& command) {
  return std::visit([](const auto& c) -> const std::string& { return c.sku; }, command);
}

std::string_view command_name(const Command& command) {
  static constexpr std::string_view k_names[] = {"create",  "set-soh", "adjust",  "set-available",
                                                 "reserve", "release", "complete"};
  return k_names[command.index()];
}

}  // namespace inv::domain
