#pragma once
// UTF-8 decoding, strict: no overlongs, no surrogates, nothing above U+10FFFF.

#include <cstddef>
#include <optional>
#include <string_view>

namespace inv::util {

// Decodes the code point at `text[pos]` and advances `pos` past it; nullopt if the bytes there
// are not well-formed UTF-8 (pos is then unspecified).
std::optional<char32_t> decode_utf8(std::string_view text, std::size_t& pos);

// True if all of `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

}  // namespace inv::util
