#pragma once
// Checking argument values the way SPEC §7 wants them: numbers strictly in base 10, SKUs, text
// options, the actor.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "inv/util/text.hpp"
#include "inv/util/time.hpp"

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

// A TIME argument (SPEC §3, §12: RFC 3339, a date, minutes without seconds, or `now`) as the
// canonical UTC timestamp that recorded_at values compare with. Throws inv::Error (usage,
// "invalid_time") naming `name` if it is none of these.
enum class DateMeans { end, start };  // what a bare date stands for: the end or start of its day
std::string parse_time_argument(std::string_view text, std::string_view name,
                                DateMeans date = DateMeans::end);

// A canonical timestamp that parse_time_argument returned, as a time.
util::Timestamp time_point(std::string_view canonical);

// --from / --to (history, report movements; SPEC §9): both inclusive, a bare date or a time
// without seconds is the start of its day or minute for --from and its end for --to. Throws
// inv::Error (usage) for a bad TIME or --to before --from.
struct TimeWindow {
  std::optional<util::Timestamp> from, to;
};
TimeWindow parse_time_window(const std::optional<std::string>& from,
                             const std::optional<std::string>& to);

// A DURATION argument (SPEC §8: `90s`, `30m`, `2h`, `7d`) as the time that long before now: the
// cutoff of --older-than. Throws inv::Error (usage, "invalid_duration") naming `name`.
util::Timestamp parse_older_than(std::string_view text, std::string_view name);

// Throws inv::Error (usage, "invalid_sku") unless `sku` is a valid SKU.
std::string checked_sku(std::string_view sku);

using util::TextKind;

// The actor recorded on events: `option` if non-empty, else INV_ACTOR, else the login name.
// Throws inv::Error (usage) if the one used is not a valid label.
std::string resolve_actor(const std::optional<std::string>& option);

// An empty --ref, --note or --actor value means absent (SPEC §7). Throws inv::Error (usage) if
// `value` is not valid UTF-8 or holds what `kind` forbids.
std::optional<std::string> optional_text(const std::optional<std::string>& value,
                                         std::string_view name, TextKind kind = TextKind::label);

// --idempotency-key, if given. Unlike an empty --ref, an empty key is a mistake, not "absent".
std::optional<std::string> idempotency_key(const std::optional<std::string>& value);

// Throws inv::Error (usage) unless `text` is valid UTF-8 and holds no control character
// (kind label) or no NUL (kind note); `name` says whose value it is.
void check_text(std::string_view text, std::string_view name, TextKind kind);

}  // namespace inv::cli
