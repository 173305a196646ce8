#pragma once
// `show SKU --chart` (SPEC §9): on_hand and available over an item's history, drawn with
// Unicode blocks in a given number of columns.

#include <cstddef>
#include <string>

#include "inv/report/series.hpp"

namespace inv::report {

struct ChartStyle {
  int width = 80;      // display columns no line of the chart may pass
  int height = 8;      // rows of the plot (at least 2)
  bool color = false;  // ANSI colours (a terminal); otherwise plain text
};

// How many samples of a history (HistorySampler's max_samples) a chart `width` columns wide
// draws from: several for each column its plot can have, so that a column drawn from them ends
// within an eighth of a column's share of the history.
std::size_t chart_samples(int width);

// The chart, '\n'-terminated lines none wider than style.width display columns (colour escapes
// count none; a line that cannot fit is cut, ending in '…'):
// - a title: how many events, and how many events a column stands for when there are more
//   events than columns (otherwise a column per event);
// - style.height plot rows, the y-axis scale on their left (the top figure, and 0);
// - the x-axis, and under it the first and the last version with the dates they were recorded;
// - a legend with the figures of the last state.
// The plot has a column per event, or, for a longer history, as many columns as fit, column c
// showing the state after the event that ends its share (c + 1) * events / columns, so the last
// column is the last state. In a column, available fills from 0 ('█') and the rest of on_hand
// above it ('▒': reserved or held); the top cell of on_hand is drawn in eighths ('▁'…'█'). The
// scale runs from 0 to the highest on_hand drawn; figures below 0 are drawn as 0.
std::string terminal_chart(const SampledHistory& history, const ChartStyle& style);

}  // namespace inv::report
