#include "inv/util/text.hpp"

#include <utf8proc.h>

#include <fmt/format.h>

#include "inv/util/utf8.hpp"

namespace inv::util {
namespace {

bool is_control(char32_t c) {
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
}

void append_escaped(std::string& out, char32_t c) {
  switch (c) {
    case '\t':
      out += "\\t";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      out += c < 0x80 ? fmt::format("\\x{:02x}", static_cast<unsigned>(c))
                      : fmt::format("\\u{:04x}", static_cast<unsigned>(c));
  }
}

// Calls visit(piece, code_point_or_nullopt) for each character (or stray byte) of `text`.
template <class Visit>
void for_each_char(std::string_view text, Visit visit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const auto c = decode_utf8(text, pos);
    if (!c) {
      pos = start + 1;
    }
    if (!visit(text.substr(start, pos - start), c)) {
      return;
    }
  }
}

}  // namespace

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for_each_char(text, [&](std::string_view piece, std::optional<char32_t> c) {
    if (!c) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(piece[0]));
    } else if (is_control(*c)) {
      append_escaped(out, *c);
    } else {
      out += piece;
    }
    return true;
  });
  return out;
}

std::string to_valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) {
    return std::string(text);
  }
  std::string out;
  for_each_char(text, [&](std::string_view piece, std::optional<char32_t> c) {
    out += c ? piece : std::string_view("\xEF\xBF\xBD");
    return true;
  });
  return out;
}

std::string excerpt(std::string_view text, std::size_t limit) {
  std::size_t count = 0;
  std::size_t end = 0;
  bool cut = false;
  for_each_char(text, [&](std::string_view piece, std::optional<char32_t>) {
    if (count == limit) {
      cut = true;
      return false;
    }
    ++count;
    end = static_cast<std::size_t>(piece.data() - text.data()) + piece.size();
    return true;
  });
  return escape_controls(text.substr(0, end)) + (cut ? "…" : "");
}

std::optional<std::string> forbidden_character(std::string_view text, TextKind kind) {
  std::optional<std::string> found;
  for_each_char(text, [&](std::string_view piece, std::optional<char32_t> c) {
    if (c && (kind == TextKind::note ? *c == 0 : is_control(*c))) {
      found = fmt::format("{} (U+{:04X}) at byte {}",
                          kind == TextKind::note ? "a NUL character" : "a control character",
                          static_cast<unsigned>(*c), piece.data() - text.data() + 1);
      return false;
    }
    return true;
  });
  return found;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for_each_char(text, [&](std::string_view, std::optional<char32_t> c) {
    const int columns = c ? utf8proc_charwidth(static_cast<utf8proc_int32_t>(*c)) : 1;
    width += static_cast<std::size_t>(columns > 0 ? columns : 0);
    return true;
  });
  return width;
}

}  // namespace inv::util
