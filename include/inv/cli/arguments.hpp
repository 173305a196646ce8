#pragma once
// Checking argument values the way SPEC §7 wants them: numbers strictly in base 10, SKUs, text
// options, the actor.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace inv::cli {

// What a number argument may be (SPEC §1, §7).
enum class NumberKind {
  positive,  // QTY, --limit, --at-version >= 1
  count,     // N, A, V, POSITION >= 0
  delta,     // DELTA != 0, may be negative
};

// Parses `text` as the argument `name` (e.g. "QTY"). Throws inv::Error (usage, "invalid_number")
// with a message that says what was expected and what was given.
std::int64_t parse_number(std::string_view text, std::string_view name, NumberKind kind);

// Throws inv::Error (usage, "invalid_sku") unless `sku` is a valid SKU.
std::string checked_sku(std::string_view sku);

// The actor recorded on events: `option` if non-empty, else INV_ACTOR, else the login name.
std::string resolve_actor(const std::optional<std::string>& option);

// An empty --ref, --note or --actor value means absent (SPEC §7). Throws inv::Error (usage) if
// `value` is not valid UTF-8.
std::optional<std::string> optional_text(const std::optional<std::string>& value,
                                         std::string_view name);

}  // namespace inv::cli
