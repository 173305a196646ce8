#include "inv/report/terminal_chart.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "inv/util/text.hpp"
#include "inv/util/utf8.hpp"

namespace inv::report {
namespace {

constexpr std::array<const char*, 9> k_eighths{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr const char* k_full = "█";
constexpr const char* k_rest = "▒";
constexpr const char* k_green = "\x1b[32m";
constexpr const char* k_yellow = "\x1b[33m";
constexpr const char* k_reset = "\x1b[0m";
constexpr std::size_t k_samples_per_column = 8;
constexpr int k_gutter = 2;  // " │" after the scale's figures

// `value` in eighths of a cell, on a plot `height` cells tall whose top is `top` (> 0).
std::int64_t eighths(std::int64_t value, std::int64_t top, int height) {
  if (value <= 0) {
    return 0;
  }
  // long double: value * height * 8 overflows 64 bits near INT64_MAX.
  const long double scaled = static_cast<long double>(value) * height * 8 / top;
  return std::min(static_cast<std::int64_t>(scaled + 0.5L), std::int64_t{8} * height);
}

// (part + 1) * whole / parts, without a product that could overflow (part < parts).
std::int64_t share_end(std::int64_t part, std::int64_t whole, std::int64_t parts) {
  return (part + 1) * (whole / parts) + (part + 1) * (whole % parts) / parts;
}

// A figure of the scale: exact, or in two significant digits when it would take more than
// `room` columns (only near the 64-bit limits on a narrow terminal).
std::string figure(std::int64_t value, int room) {
  std::string text = std::to_string(value);
  if (static_cast<int>(text.size()) > std::max(room, 1)) {
    text = fmt::format("{:.2g}", static_cast<double>(value));
  }
  return text;
}

std::string version_label(const StockPoint& point) {
  // The date part of recorded_at; escaped, as text from data always is (SPEC §12).
  return fmt::format("v{} {}", point.version,
                     util::escape_controls(std::string_view(point.recorded_at).substr(0, 10)));
}

// A piece of text with its display width, and how it is drawn (with colour escapes, perhaps).
struct Chunk {
  std::string drawn;
  std::size_t width = 0;
};

Chunk plain(std::string text) {
  const std::size_t width = util::display_width(text);
  return {std::move(text), width};
}

// The chunks, `gap` spaces apart, in as few lines as `width` allows (a chunk too wide for any
// line gets one of its own, which fit() then cuts).
std::vector<std::string> wrap(const std::vector<Chunk>& chunks, int width, std::size_t gap) {
  std::vector<std::string> lines;
  std::size_t used = 0;
  for (const Chunk& chunk : chunks) {
    if (!lines.empty() && used + gap + chunk.width <= static_cast<std::size_t>(width)) {
      lines.back() += std::string(gap, ' ') + chunk.drawn;
      used += gap + chunk.width;
    } else {
      lines.push_back(chunk.drawn);
      used = chunk.width;
    }
  }
  return lines;
}

// `line` cut to `width` display columns, ending in '…' when cut. Colour escapes (ESC [ … m)
// take no column; a cut coloured line is reset at its end.
std::string fit(const std::string& line, int width, bool color) {
  const auto measure = [&](std::size_t end) {
    std::size_t columns = 0;
    for (std::size_t pos = 0; pos < end;) {
      if (line[pos] == '\x1b') {
        pos = std::min(line.find('m', pos), end - 1) + 1;
        continue;
      }
      const std::size_t start = pos;
      if (!util::decode_utf8(line, pos)) {
        pos = start + 1;
      }
      columns += util::display_width(std::string_view(line).substr(start, pos - start));
    }
    return columns;
  };
  if (measure(line.size()) <= static_cast<std::size_t>(width)) {
    return line;
  }
  // The longest prefix of whole code points (and escapes) that leaves a column for '…'.
  std::string cut;
  std::size_t columns = 0;
  for (std::size_t pos = 0; pos < line.size();) {
    const std::size_t start = pos;
    if (line[pos] == '\x1b') {
      pos = std::min(line.find('m', pos), line.size() - 1) + 1;
      cut.append(line, start, pos - start);
      continue;
    }
    if (!util::decode_utf8(line, pos)) {
      pos = start + 1;
    }
    const std::string_view glyph = std::string_view(line).substr(start, pos - start);
    columns += util::display_width(glyph);
    if (columns + 1 > static_cast<std::size_t>(width)) {
      break;
    }
    cut += glyph;
  }
  if (width >= 1) {
    cut += "…";
  }
  if (color) {
    cut += k_reset;
  }
  return cut;
}

}  // namespace

std::size_t chart_samples(int width) {
  // The widest plot a chart this wide can have: its scale takes at least "0 │".
  return k_samples_per_column * static_cast<std::size_t>(std::max(width - 1 - k_gutter, 1));
}

std::string terminal_chart(const SampledHistory& history, const ChartStyle& style) {
  const std::vector<StockPoint>& samples = history.samples;
  if (samples.empty()) {
    return "(no events)\n";
  }
  const int width = std::max(style.width, 1);
  const int height = std::max(style.height, 2);
  const auto top_of = [](const auto& points, const auto& at) {
    std::int64_t top = 1;
    for (const auto& point : points) {
      top = std::max({top, at(point).on_hand, at(point).available});
    }
    return top;
  };
  const auto itself = [](const StockPoint& point) -> const StockPoint& { return point; };
  const auto deref = [](const StockPoint* point) -> const StockPoint& { return *point; };

  // The scale's widest figure sets the plot's width; the plot's columns then set the top.
  const int room = width / 3;
  const int label_width = static_cast<int>(figure(top_of(samples, itself), room).size());
  const auto plot_width = static_cast<std::size_t>(std::max(width - label_width - k_gutter, 1));
  std::vector<const StockPoint*> shown;
  if (samples.size() <= plot_width) {
    for (const StockPoint& point : samples) {
      shown.push_back(&point);
    }
  } else {
    // Column c: the last sample at or before the event that ends its share of the history.
    const std::int64_t events = std::max<std::int64_t>(history.events, 1);
    const auto columns = static_cast<std::int64_t>(plot_width);
    std::size_t at = 0;
    for (std::int64_t c = 0; c < columns; ++c) {
      const std::int64_t end = history.first.version - 1 + share_end(c, events, columns);
      while (at + 1 < samples.size() && samples[at + 1].version <= end) {
        ++at;
      }
      shown.push_back(&samples[at]);
    }
    shown.back() = &samples.back();  // the last state, whatever the versions say
  }
  const std::int64_t top = top_of(shown, deref);
  const auto columns = static_cast<std::int64_t>(shown.size());
  const std::int64_t per_column =
      history.events / columns + (history.events % columns) * 2 / columns;
  const bool exact =
      history.events % columns == 0 && samples.size() == static_cast<std::size_t>(history.events);

  std::vector<std::string> lines;
  std::vector<Chunk> title{
      plain("on_hand and available"),
      plain(fmt::format("over {} event{}", history.events, history.events == 1 ? "" : "s"))};
  if (shown.size() < static_cast<std::size_t>(history.events)) {
    title.push_back(plain(fmt::format("(a column per {}{} event{})", exact ? "" : "~", per_column,
                                      per_column == 1 ? "" : "s")));
  }
  for (std::string& line : wrap(title, width, 1)) {
    lines.push_back(std::move(line));
  }

  const std::string top_label = figure(top, label_width);
  for (int row = height - 1; row >= 0; --row) {
    const std::string_view label = row == height - 1 ? std::string_view(top_label)
                                   : row == 0        ? std::string_view("0")
                                                     : std::string_view();
    std::string line = fmt::format("{:>{}} │", label, label_width);
    const std::int64_t low = std::int64_t{8} * row;
    const std::int64_t high = low + 8;
    const char* current_color = nullptr;
    for (const StockPoint* point : shown) {
      const std::int64_t on_hand = eighths(point->on_hand, top, height);
      const std::int64_t available = std::min(eighths(point->available, top, height), on_hand);
      const char* glyph = " ";
      const char* color = nullptr;
      if (on_hand >= high) {
        // A whole cell: available's if available covers at least half of it (rounded).
        const bool is_available = available >= low + 4;
        glyph = is_available ? k_full : k_rest;
        color = is_available ? k_green : k_yellow;
      } else if (on_hand > low) {
        // The top of on_hand, in eighths; its colour is whichever fills more of it.
        glyph = k_eighths[on_hand - low];
        color = (available - low) * 2 >= on_hand - low ? k_green : k_yellow;
      }
      if (style.color && color != current_color) {
        line += color != nullptr ? color : k_reset;
        current_color = color;
      }
      line += glyph;
    }
    if (style.color && current_color != nullptr) {
      line += k_reset;
    }
    lines.push_back(std::move(line));
  }

  std::string axis = fmt::format("{:>{}} └", "", label_width);
  for (std::size_t c = 0; c < shown.size(); ++c) {
    axis += "─";
  }
  lines.push_back(std::move(axis));

  // The first version under the plot's start; the last under its end if there is room there,
  // else after the first, else on a line of its own.
  const std::size_t indent = static_cast<std::size_t>(label_width + k_gutter);
  const std::string first = version_label(history.first);
  std::string labels = std::string(indent, ' ') + first;
  if (history.events > 1) {
    const std::string last = version_label(samples.back());
    if (shown.size() >= first.size() + 2 + last.size()) {
      labels += fmt::format("{:>{}}", last, shown.size() - first.size());
    } else if (indent + first.size() + 2 + last.size() <= static_cast<std::size_t>(width)) {
      labels += "  " + last;
    } else {
      lines.push_back(std::move(labels));
      labels = std::string(indent, ' ') + last;
    }
  }
  lines.push_back(std::move(labels));

  // The legend, with the last state's figures (what `show` prints above the chart).
  const StockPoint& now = samples.back();
  const auto key = [&](const char* glyph, const char* color, const std::string& text) {
    const std::string plain_text = fmt::format("{} {}", glyph, text);
    Chunk chunk = plain(plain_text);
    if (style.color) {
      chunk.drawn = fmt::format("{}{}{} {}", color, glyph, k_reset, text);
    }
    return chunk;
  };
  std::vector<Chunk> legend{key(k_full, k_green, fmt::format("available {}", now.available))};
  std::int64_t rest = 0;
  if (!__builtin_sub_overflow(now.on_hand, now.available, &rest)) {
    legend.push_back(key(k_rest, k_yellow, fmt::format("reserved or held {}", rest)));
  }
  legend.push_back(plain(fmt::format("height: on_hand {}", now.on_hand)));
  for (std::string& line : wrap(legend, width, 2)) {
    lines.push_back(std::move(line));
  }

  std::string out;
  for (const std::string& line : lines) {
    out += fit(line, width, style.color);
    out += '\n';
  }
  return out;
}

}  // namespace inv::report
