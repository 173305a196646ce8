#pragma once
// Text from data or input, made safe to show (SPEC §12): control characters escaped, invalid
// UTF-8 replaced, long input cut, widths as a terminal draws them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace inv::util {

// `text` with every control character escaped (`\t`, `\n`, `\r`, else `\xHH`, `\u0085` for C1
// ones) and every byte that is not UTF-8 shown as `\xHH`: nothing in it can drive a terminal.
std::string escape_controls(std::string_view text);

// `text` as valid UTF-8: each byte that is not part of a well-formed sequence becomes U+FFFD.
std::string to_valid_utf8(std::string_view text);

// At most `limit` characters of `text` as an error message quotes input: controls escaped, and
// "…" when it was cut.
std::string excerpt(std::string_view text, std::size_t limit = 100);

// What a text value may hold (SPEC §12): a label (ref, actor, idempotency key) no control
// character; a note anything but NUL.
enum class TextKind { label, note };

// What `text` holds that `kind` forbids, in words ("a control character (U+0009) at byte 3"), if
// anything. (UTF-8 validity is checked apart.)
std::optional<std::string> forbidden_character(std::string_view text, TextKind kind);

// Columns a terminal gives `text` (a CJK character is two, a combining mark none), by utf8proc.
std::size_t display_width(std::string_view text);

}  // namespace inv::util
