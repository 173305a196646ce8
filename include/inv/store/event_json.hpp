#pragma once
// Reading events back from their JSON form (one line of `inv export`, SPEC §4).

#include <string_view>

#include "inv/store/event_store.hpp"

namespace inv::store {

// Parses one exported event. The line must be a JSON object with exactly the event keys of
// SPEC §4, of the right types: a valid SKU, a known type whose data has exactly that type's
// integer fields, recorded_at as written by inv (UTC, microseconds), hashes as 64 lowercase hex
// digits. `data` is returned in canonical form. The hash is not checked here.
// Throws inv::Error (usage, "invalid_event") saying what is wrong.
RecordedEvent parse_event_json(std::string_view line);

}  // namespace inv::store
