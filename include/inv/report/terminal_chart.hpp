#pragma once
// `show SKU --chart` (SPEC §9): on_hand and available over an item's history, drawn with
// Unicode blocks in a given number of columns.

#include <string>
#include <vector>

#include "inv/report/series.hpp"

namespace inv::report {

struct ChartStyle {
  int width = 80;      // columns of the whole chart, axis labels included
  int height = 8;      // rows of the plot
  bool color = false;  // ANSI colours (a terminal); otherwise plain text
};

// The chart, one line per '\n'-terminated row: a title line, `height` plot rows with the
// y-axis labels on the left, an x-axis line with the first and last version and date, and a
// legend. Each column is the state after the last event of its share of the history; in it,
// available fills from 0 ('█') and the rest of on_hand above it ('▒': reserved or held), with
// the top cell drawn in eighths. Fits in `width` columns (at least 20 are used).
std::string terminal_chart(const std::string& sku, const std::vector<StockPoint>& points,
                           const ChartStyle& style);

}  // namespace inv::report
