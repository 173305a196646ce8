// `show SKU --chart` (SPEC §9): sampling a history while it streams, and the terminal chart's
// layout, a pure function of the sampled history and the width.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inv/domain/item.hpp"
#include "inv/report/series.hpp"
#include "inv/report/terminal_chart.hpp"
#include "inv/util/text.hpp"
#include "inv/util/utf8.hpp"

namespace inv::report {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

struct Figures {
  std::int64_t on_hand = 0, reserved = 0, available = 0;
};

// An item's `events` states, given version by version by `at`, through a HistorySampler.
SampledHistory sampled(std::int64_t events, const std::function<Figures(std::int64_t)>& at,
                       std::size_t max_samples) {
  HistorySampler sampler(events, max_samples);
  domain::Item item{"A-1", 0, 0, 0, 0, ""};
  for (std::int64_t v = 1; v <= events; ++v) {
    const Figures figures = at(v);
    item.on_hand = figures.on_hand;
    item.reserved = figures.reserved;
    item.available = figures.available;
    item.version = v;
    item.updated_at = v == 1 ? "2026-12-01T10:00:00.000000Z" : "2026-12-04T10:00:00.000000Z";
    sampler.add(item);
  }
  return std::move(sampler).finish();
}

// on_hand = available = version.
SampledHistory ramp(std::int64_t events, std::size_t max_samples = 100'000) {
  return sampled(
      events,
      [](std::int64_t v) {
        return Figures{v, 0, v};
      },
      max_samples);
}

std::vector<std::int64_t> versions(const SampledHistory& history) {
  std::vector<std::int64_t> out;
  for (const StockPoint& point : history.samples) {
    out.push_back(point.version);
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  EXPECT_EQ(start, text.size()) << "the last line ends in a newline";
  return lines;
}

// Columns a terminal gives `line`: colour escapes none, the rest by utf8proc.
std::size_t columns_of(const std::string& line) {
  std::string visible;
  for (std::size_t pos = 0; pos < line.size(); ++pos) {
    if (line[pos] == '\x1b') {
      pos = line.find('m', pos);
      continue;
    }
    visible += line[pos];
  }
  EXPECT_TRUE(util::is_valid_utf8(visible)) << line;
  return util::display_width(visible);
}

// The plot: for each row (top first), its cells after the axis, one string per code point.
std::vector<std::vector<std::string>> plot_of(const std::string& chart) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : lines_of(chart)) {
    const auto axis = line.find("│");
    if (axis == std::string::npos) {
      continue;
    }
    std::vector<std::string> cells;
    for (std::size_t pos = axis + std::string("│").size(); pos < line.size();) {
      const std::size_t start = pos;
      EXPECT_TRUE(util::decode_utf8(line, pos).has_value());
      cells.push_back(line.substr(start, pos - start));
    }
    rows.push_back(cells);
  }
  return rows;
}

// The cells of one column of the plot, top first.
std::vector<std::string> column_of(const std::vector<std::vector<std::string>>& plot,
                                   std::size_t column) {
  std::vector<std::string> cells;
  for (const auto& row : plot) {
    cells.push_back(column < row.size() ? row[column] : "?");
  }
  return cells;
}

TEST(ChartSampler, KeepsEveryStateOfAShortHistory) {
  const SampledHistory history = ramp(5, 10);
  EXPECT_EQ(history.events, 5);
  EXPECT_THAT(versions(history), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(history.first.version, 1);
  EXPECT_EQ(history.first.recorded_at, "2026-12-01T10:00:00.000000Z");
}

TEST(ChartSampler, KeepsTheEndOfEachEqualRunAndTheLastState) {
  const SampledHistory history = ramp(1000, 7);
  // Run k ends at (k + 1) * 1000 / 7.
  EXPECT_THAT(versions(history), ElementsAre(142, 285, 428, 571, 714, 857, 1000));
  EXPECT_EQ(history.samples.back().on_hand, 1000);
  EXPECT_EQ(history.first.version, 1);
}

TEST(ChartSampler, StaysBoundedOverAMillionEvents) {
  const SampledHistory history = ramp(1'000'000, 800);
  EXPECT_EQ(history.events, 1'000'000);
  ASSERT_EQ(history.samples.size(), 800u);
  EXPECT_EQ(history.samples.front().version, 1250);
  EXPECT_EQ(history.samples.back().version, 1'000'000);
  EXPECT_EQ(history.samples.back().available, 1'000'000);
}

TEST(ChartSampler, TheLastStateAddedEndsTheSamplesEvenIfFewerCame) {
  HistorySampler sampler(10, 3);
  domain::Item item{"A-1", 0, 0, 0, 0, "2026-12-01T10:00:00Z"};
  for (std::int64_t v = 1; v <= 5; ++v) {
    item.version = v;
    item.on_hand = 10 * v;
    sampler.add(item);
  }
  const SampledHistory history = std::move(sampler).finish();
  EXPECT_EQ(history.events, 5);
  EXPECT_THAT(versions(history), ElementsAre(3, 5));
  EXPECT_EQ(history.samples.back().on_hand, 50);
}

TEST(ChartLayout, EveryLineFitsTheWidth) {
  const std::vector<SampledHistory> histories{
      ramp(1), ramp(3), ramp(500), ramp(5000, chart_samples(80)),
      sampled(
          40,
          [](std::int64_t v) {
            constexpr auto k_max = std::numeric_limits<std::int64_t>::max();
            return Figures{k_max - v, 0, k_max / 2};
          },
          100)};
  for (const SampledHistory& history : histories) {
    for (const int width : {1, 5, 12, 20, 40, 80, 120, 300}) {
      for (const bool color : {false, true}) {
        const std::string chart = terminal_chart(history, {width, 8, color});
        for (const std::string& line : lines_of(chart)) {
          EXPECT_LE(columns_of(line), static_cast<std::size_t>(width))
              << "width " << width << ", " << history.events << " events:\n"
              << chart;
        }
        if (!color) {
          EXPECT_THAT(chart, Not(HasSubstr("\x1b")));
        }
      }
    }
  }
}

TEST(ChartLayout, HasATitleAScaleAnAxisAndALegendWithTheLastFigures) {
  // 5000 events, on_hand 5000 at the end with 1200 reserved.
  const SampledHistory history = sampled(
      5000,
      [](std::int64_t v) {
        return Figures{v, v == 5000 ? 1200 : 0, v == 5000 ? 3800 : v};
      },
      chart_samples(80));
  const std::string chart = terminal_chart(history, {80, 8, false});
  const auto lines = lines_of(chart);
  ASSERT_EQ(lines.size(), 1u + 8 + 1 + 1 + 1) << chart;
  EXPECT_THAT(lines[0], AllOf(HasSubstr("on_hand and available over 5000 events"),
                              HasSubstr("(a column per ~68 events)")));
  EXPECT_THAT(lines[1], ::testing::StartsWith("5000 │"));
  EXPECT_THAT(lines[8], ::testing::StartsWith("   0 │"));
  EXPECT_THAT(lines[9], ::testing::StartsWith("     └──"));
  EXPECT_THAT(lines[10], ::testing::StartsWith("      v1 2026-12-01"));
  EXPECT_THAT(lines[10], ::testing::EndsWith("v5000 2026-12-04"));
  EXPECT_EQ(lines[11], "█ available 3800  ▒ reserved or held 1200  height: on_hand 5000");
  // 80 - "5000 │" = 74 columns, the axis as long as the plot.
  EXPECT_EQ(columns_of(lines[9]), 80u);
  EXPECT_EQ(plot_of(chart)[0].size(), 74u);
}

TEST(ChartLayout, DrawsAvailableBelowTheRestOfOnHand) {
  // on_hand 8, available 4: the lower half of the column is available, the upper half the rest.
  const SampledHistory history = sampled(
      1,
      [](std::int64_t) {
        return Figures{8, 2, 4};
      },
      10);
  const auto lines = lines_of(terminal_chart(history, {40, 4, false}));
  ASSERT_EQ(lines.size(), 9u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0], "on_hand and available over 1 event");
  EXPECT_EQ(lines[1], "8 │▒");
  EXPECT_EQ(lines[2], "  │▒");
  EXPECT_EQ(lines[3], "  │█");
  EXPECT_EQ(lines[4], "0 │█");
  EXPECT_EQ(lines[5], "  └─");
  EXPECT_EQ(lines[6], "   v1 2026-12-01");
  EXPECT_EQ(lines[7], "█ available 4  ▒ reserved or held 4");
  EXPECT_EQ(lines[8], "height: on_hand 8");
}

TEST(ChartLayout, OneColumnPerEventWhenTheyFitWithTheTopInEighths) {
  // on_hand 16, 12, 2 on a scale of 16 in 2 rows: eighths 16, 12, 2.
  const std::vector<Figures> figures{{16, 0, 16}, {12, 0, 12}, {2, 0, 2}};
  const SampledHistory history = sampled(
      3, [&](std::int64_t v) { return figures[static_cast<std::size_t>(v - 1)]; }, 100);
  const std::string chart = terminal_chart(history, {40, 2, false});
  EXPECT_THAT(chart, Not(HasSubstr("a column per")));
  const auto plot = plot_of(chart);
  EXPECT_THAT(plot, ElementsAre(ElementsAre("█", "▄", " "), ElementsAre("█", "█", "▂")));
}

TEST(ChartLayout, EachColumnIsTheStateAtTheEndOfItsShare) {
  // 100 events: on_hand 100 after every even version, 50 after every odd one. 50 columns (55 -
  // "100 │") of 2 events each, every one ending on an even version, so every column is full.
  const SampledHistory history = sampled(
      100,
      [](std::int64_t v) {
        return v % 2 == 0 ? Figures{100, 0, 100} : Figures{50, 0, 50};
      },
      chart_samples(55));
  const std::string chart = terminal_chart(history, {55, 4, false});
  EXPECT_THAT(chart, HasSubstr("(a column per 2 events)"));
  const auto plot = plot_of(chart);
  ASSERT_EQ(plot.size(), 4u);
  for (const auto& row : plot) {
    EXPECT_EQ(row, std::vector<std::string>(50, "█")) << chart;
  }
}

TEST(ChartLayout, TheLastColumnIsTheLastStateHoweverLongTheHistory) {
  // 5000 events at on_hand = available = 10, then a reserve of 6: only the last state differs.
  const SampledHistory history = sampled(
      5001,
      [](std::int64_t v) {
        return v <= 5000 ? Figures{10, 0, 10} : Figures{10, 6, 4};
      },
      chart_samples(40));
  const std::string chart = terminal_chart(history, {40, 8, false});
  const auto plot = plot_of(chart);
  ASSERT_EQ(plot.size(), 8u);
  const std::size_t last = plot[0].size() - 1;
  // 4 of 10 is 3.2 cells of 8: three cells of available, five of the rest above them.
  EXPECT_THAT(column_of(plot, last), ElementsAre("▒", "▒", "▒", "▒", "▒", "█", "█", "█"));
  EXPECT_THAT(column_of(plot, last - 1), ElementsAre("█", "█", "█", "█", "█", "█", "█", "█"));
  EXPECT_THAT(chart, HasSubstr("█ available 4"));
  EXPECT_THAT(chart, HasSubstr("on_hand 10"));
}

TEST(ChartLayout, FiguresBelowZeroAreDrawnAsZeroAndShownAsTheyAre) {
  const SampledHistory history = sampled(
      2,
      [](std::int64_t v) {
        return Figures{v == 1 ? 5 : -3, 0, -7};
      },
      10);
  const std::string chart = terminal_chart(history, {40, 4, false});
  const auto plot = plot_of(chart);
  EXPECT_THAT(column_of(plot, 1), ElementsAre(" ", " ", " ", " "));
  EXPECT_THAT(chart, HasSubstr("available -7"));
  EXPECT_THAT(chart, HasSubstr("on_hand -3"));
}

TEST(ChartLayout, AnEmptyStockHasAnEmptyPlot) {
  const SampledHistory history = sampled(
      3, [](std::int64_t) { return Figures{}; }, 10);
  const auto plot = plot_of(terminal_chart(history, {40, 3, false}));
  EXPECT_THAT(plot, ElementsAre(ElementsAre(" ", " ", " "), ElementsAre(" ", " ", " "),
                                ElementsAre(" ", " ", " ")));
}

TEST(ChartLayout, ColoursOnlyWhenAsked) {
  const SampledHistory history = sampled(
      2,
      [](std::int64_t) {
        return Figures{8, 4, 4};
      },
      10);
  const std::string coloured = terminal_chart(history, {40, 4, true});
  EXPECT_THAT(coloured,
              AllOf(HasSubstr("\x1b[32m█"), HasSubstr("\x1b[33m▒"), HasSubstr("\x1b[0m")));
  EXPECT_THAT(terminal_chart(history, {40, 4, false}), Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace inv::report
