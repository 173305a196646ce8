#include "inv/domain/events.hpp"

#include <algorithm>

namespace inv::domain {

std::string_view type_name(const Event& event) {
  return k_event_type_names[event.index()];
}

bool is_event_type(std::string_view name) {
  return std::find(std::begin(k_event_type_names), std::end(k_event_type_names), name) !=
         std::end(k_event_type_names);
}

}  // namespace inv::domain
