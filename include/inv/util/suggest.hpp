#pragma once
// "Did you mean" for a mistyped name: a command, an option, a help topic, a batch line's "cmd".

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inv::util {

// The candidate closest to `word` (edit distance at most 2, or `word` is a prefix of it), if any.
// Leading dashes are not part of a name, and a suggestion must keep most of the word.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace inv::util
