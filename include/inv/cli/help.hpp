#pragma once
// Help topics beyond the per-command help: `inv help exit-codes|formats|environment|time`.

#include <optional>
#include <string_view>
#include <vector>

namespace inv::cli {

struct HelpTopic {
  std::string_view name;
  std::string_view summary;
  std::string_view text;
};

// Every topic, in the order `inv help` lists them.
const std::vector<HelpTopic>& help_topics();

// The topic called `name`, if there is one.
std::optional<HelpTopic> find_help_topic(std::string_view name);

}  // namespace inv::cli
