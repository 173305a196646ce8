#include "inv/report/terminal_chart.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace inv::report {
namespace {

constexpr std::array<const char*, 9> k_eighths{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr const char* k_rest = "▒";
constexpr const char* k_green = "\x1b[32m";
constexpr const char* k_yellow = "\x1b[33m";
constexpr const char* k_reset = "\x1b[0m";

// `value` in eighths of a cell, on a plot `height` cells tall whose top is `top`.
std::int64_t eighths(std::int64_t value, std::int64_t top, int height) {
  if (value <= 0) {
    return 0;
  }
  // long double: value * height * 8 overflows 64 bits near INT64_MAX.
  const long double scaled = static_cast<long double>(value) * height * 8 / top;
  return static_cast<std::int64_t>(scaled + 0.5L);
}

std::string date_of(const std::string& recorded_at) {
  return recorded_at.substr(0, 10);
}

}  // namespace

std::string terminal_chart(const std::string& sku, const std::vector<StockPoint>& points,
                           const ChartStyle& style) {
  std::string out;
  if (points.empty()) {
    return fmt::format("{}: no events\n", sku);
  }
  std::int64_t top = 1;
  for (const StockPoint& point : points) {
    top = std::max(top, point.on_hand);
  }
  const int height = std::max(style.height, 2);
  const std::string top_label = std::to_string(top);
  const int label_width = static_cast<int>(top_label.size());
  const int columns = std::max(style.width, 20) - label_width - 2;  // "label │"
  const std::size_t count = std::min(points.size(), static_cast<std::size_t>(columns));

  // Column c shows the state after the last event of its share of the history.
  std::vector<const StockPoint*> shown(count);
  for (std::size_t c = 0; c < count; ++c) {
    shown[c] = &points[(c + 1) * points.size() / count - 1];
  }

  out += fmt::format("{}: on_hand and available over {} event{} (top {})\n", sku, points.size(),
                     points.size() == 1 ? "" : "s", top);
  for (int row = height - 1; row >= 0; --row) {
    const std::string_view label = row == height - 1 ? std::string_view(top_label)
                                   : row == 0        ? std::string_view("0")
                                                     : std::string_view();
    out += fmt::format("{:>{}} │", label, label_width);
    const std::int64_t low = 8LL * row;
    const std::int64_t high = low + 8;
    const char* current_color = nullptr;
    for (const StockPoint* point : shown) {
      const std::int64_t available = eighths(point->available, top, height);
      const std::int64_t on_hand = eighths(point->on_hand, top, height);
      const char* glyph = " ";
      const char* color = nullptr;
      if (available >= high) {
        glyph = k_eighths[8];
        color = k_green;
      } else if (on_hand >= high) {
        glyph = k_rest;
        color = k_yellow;
      } else if (on_hand > low) {
        glyph = k_eighths[on_hand - low];
        color = available > low ? k_green : k_yellow;
      }
      if (style.color && color != current_color) {
        out += color != nullptr ? color : k_reset;
        current_color = color;
      }
      out += glyph;
    }
    if (style.color && current_color != nullptr) {
      out += k_reset;
    }
    out += '\n';
  }
  out += fmt::format("{:>{}} └", "", label_width);
  for (std::size_t c = 0; c < count; ++c) {
    out += "─";
  }
  out += '\n';
  const std::string first =
      fmt::format("v{} {}", points.front().version, date_of(points.front().recorded_at));
  const std::string last =
      fmt::format("v{} {}", points.back().version, date_of(points.back().recorded_at));
  const int room = static_cast<int>(count) - static_cast<int>(first.size());
  out += fmt::format("{:>{}}  {}", "", label_width, first);
  if (points.size() > 1 && room > static_cast<int>(last.size())) {
    out += fmt::format("{:>{}}", last, room);
  }
  out += '\n';
  // The legend: one line when it fits, else one line per key.
  const char* separator = label_width + 2 + columns >= 31 ? "  " : "\n";
  if (style.color) {
    out += fmt::format("{}█{} available{}{}▒{} reserved or held\n", k_green, k_reset, separator,
                       k_yellow, k_reset);
  } else {
    out += fmt::format("█ available{}▒ reserved or held\n", separator);
  }
  return out;
}

}  // namespace inv::report
