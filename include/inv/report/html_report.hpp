#pragma once
// `report html` (SPEC §9): one self-contained HTML page for an auditor. No script, no network:
// inline CSS and SVG only, so it reads the same offline, printed or with scripts disabled.
// Large logs keep the page small: each chart is thinned (series.hpp), and the stock table, the
// charts and the event list are capped, saying how many rows they leave out.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "inv/domain/item.hpp"
#include "inv/report/series.hpp"

namespace inv::report {

struct StockRow {
  domain::Item item;                // low when item.low(): at or below its reorder point
  std::vector<StockPoint> history;  // for its chart; thinned by the renderer
};

struct EventRow {
  std::int64_t position = 0;
  std::string sku;
  std::int64_t version = 0;
  std::string type;
  std::string data;  // canonical JSON
  std::string recorded_at;
  std::string actor;
  std::optional<std::string> ref;
  std::optional<std::string> note;
};

struct HtmlReport {
  std::string database;  // as shown to the user (a URI without its password)
  std::string inv_version;
  std::string generated_at;  // RFC 3339, UTC
  bool verified = false;     // the verify verdict
  std::int64_t events = 0;
  std::vector<std::string> problems;  // verify's problems, in position order (first ones)
  std::int64_t problem_count = 0;
  std::int64_t head_position = 0;
  std::string head_hash;
  std::vector<StockRow> items;   // in SKU order
  std::vector<EventRow> latest;  // the newest events, oldest first
};

struct HtmlLimits {
  std::size_t stock_rows = 1000;   // rows of the stock table
  std::size_t charts = 200;        // items charted (the first in SKU order)
  std::size_t chart_points = 120;  // points of one chart
  std::size_t problems = 100;      // verify problems listed
};

// The page, as UTF-8 text. Every value from the data is escaped for HTML, and control
// characters in it are shown as \t, \n or \xHH, never passed through.
std::string render_html(const HtmlReport& report, const HtmlLimits& limits = {});

}  // namespace inv::report
