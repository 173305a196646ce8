#include "inv/util/suggest.hpp"

#include <algorithm>

namespace inv::util {
namespace {

// Edits between `a` and `b`, counting an insertion, a deletion, a substitution and a swap of two
// neighbouring letters ("qyt" for "qty", the commonest typo) as one each.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * width);
  const auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) {
    at(i, 0) = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    at(0, j) = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + substitution});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

}  // namespace

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  // Leading dashes are not letters of the name: "-A" is not one edit away from "-h".
  const auto name_of = [](std::string_view text) {
    return text.substr(std::min(text.find_first_not_of('-'), text.size()));
  };
  const std::string_view name = name_of(word);
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (const std::string& candidate : candidates) {
    std::size_t distance = edit_distance(name, name_of(candidate));
    if (word.size() >= 2 && candidate.rfind(word, 0) == 0) {
      distance = std::min<std::size_t>(distance, 1);
    }
    // A suggestion must keep most of the word: "--qty" is not a misspelt "-q".
    if (distance < best_distance && 2 * distance <= name.size()) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace inv::util
