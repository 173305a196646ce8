#include "inv/report/html_report.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "inv/util/text.hpp"

namespace inv::report {
namespace {

constexpr int k_chart_width = 360;
constexpr int k_chart_height = 120;
constexpr int k_margin = 4;

constexpr std::string_view k_style = R"(
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:72em;
padding:0 1em;color:#1d2329;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d0d7de}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{font-weight:600}dd{margin:0}
code,.hash{font-family:ui-monospace,monospace;font-size:.92em;word-break:break-all}
#verdict{font-size:1.15em;font-weight:600;padding:.5em .8em;border-radius:4px}
#verdict.ok{background:#dafbe1;color:#116329}#verdict.failed{background:#ffebe9;color:#a40e26}
table{border-collapse:collapse;width:100%}th,td{padding:.25em .6em;border-bottom:1px solid #eaeef2;
text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.nowrap{white-space:nowrap}
tr.low td.available{background:#ffebe9;color:#a40e26;font-weight:600}
tr.held td.held{background:#fff8c5;font-weight:600}
.tag{font-size:.8em;padding:0 .4em;border-radius:3px;margin-left:.4em}
.tag.low{background:#ffebe9;color:#a40e26}.tag.held{background:#fff8c5;color:#7d4e00}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:1em}
figure.chart{margin:0;border:1px solid #eaeef2;border-radius:4px;padding:.5em}
figcaption{font-weight:600}figcaption small{font-weight:400;color:#57606a}
svg{width:100%;height:auto}.on_hand{stroke:#0550ae}.reserved{stroke:#bc4c00}.available{stroke:#1a7f37}
svg polyline{fill:none;stroke-width:1.5}svg .axis{stroke:#8c959f;stroke-width:1}
svg text{font-size:10px;fill:#57606a}.legend span{margin-right:1em}
.legend .swatch{display:inline-block;width:1em;height:.25em;vertical-align:middle;margin-right:.3em}
.note{color:#57606a}
)";

// HTML-escapes `text` after util::escape_controls has made its control characters visible, so
// the page shows data exactly as inv's text output does (SPEC §12).
void append_escaped(std::string& out, std::string_view text) {
  for (const char c : util::escape_controls(text)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
}

std::int64_t held_of(const domain::Item& item) {
  return item.on_hand - item.reserved - item.available;
}

bool is_low(const StockRow& row) {
  return row.item.low();
}

// A step line through `points`: the value holds until the next event changes it.
std::string step_line(const std::vector<StockPoint>& points,
                      std::int64_t (*value)(const StockPoint&),
                      double (*x_of)(const StockPoint&, const std::vector<StockPoint>&),
                      std::int64_t top) {
  std::string out;
  const double plot_height = k_chart_height - 2.0 * k_margin - 12;  // room for the x labels
  const auto y_of = [&](const StockPoint& point) {
    const double fraction = top > 0 ? static_cast<double>(std::max<std::int64_t>(value(point), 0)) /
                                          static_cast<double>(top)
                                    : 0;
    return k_margin + plot_height * (1 - fraction);
  };
  double previous_y = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double x = x_of(points[i], points);
    const double y = y_of(points[i]);
    if (i > 0) {
      out += fmt::format("{:.1f},{:.1f} ", x, previous_y);
    }
    out += fmt::format("{:.1f},{:.1f} ", x, y);
    previous_y = y;
  }
  if (!points.empty()) {
    out += fmt::format("{},{:.1f}", k_chart_width - k_margin, previous_y);
  }
  return out;
}

double x_by_version(const StockPoint& point, const std::vector<StockPoint>& points) {
  const double first = static_cast<double>(points.front().version);
  const double span = std::max(1.0, static_cast<double>(points.back().version) - first);
  return k_margin +
         (k_chart_width - 2.0 * k_margin) * (static_cast<double>(point.version) - first) / span;
}

void append_chart(std::string& out, const StockRow& row, std::size_t max_points) {
  const std::vector<StockPoint> points = thin_out(row.history, max_points);
  std::int64_t top = 1;
  for (const StockPoint& point : points) {
    top = std::max(top, point.on_hand);
  }
  out += "<figure class=\"chart\" data-sku=\"";
  append_escaped(out, row.item.sku);
  out += "\"><figcaption>";
  append_escaped(out, row.item.sku);
  out += fmt::format(" <small>{} event{}", row.item.version, row.item.version == 1 ? "" : "s");
  if (points.size() < row.history.size()) {
    out += fmt::format(", {} points shown", points.size());
  }
  out += "</small></figcaption>";
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-label=\"on hand, reserved and available of ",
      k_chart_width, k_chart_height);
  append_escaped(out, row.item.sku);
  out += "\">";
  const int baseline = k_chart_height - k_margin - 12;
  out += fmt::format(
      "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>"
      "<text x=\"{0}\" y=\"{3}\">v{4}</text><text x=\"{2}\" y=\"{3}\" text-anchor=\"end\">v{5} · "
      "top {6}</text>",
      k_margin, baseline, k_chart_width - k_margin, k_chart_height - 2,
      points.empty() ? 0 : points.front().version, points.empty() ? 0 : points.back().version, top);
  if (!points.empty()) {
    const auto line = [&](const char* name, std::int64_t (*value)(const StockPoint&)) {
      out += fmt::format("<polyline class=\"{}\" points=\"{}\"/>", name,
                         step_line(points, value, &x_by_version, top));
    };
    line("on_hand", [](const StockPoint& p) { return p.on_hand; });
    line("reserved", [](const StockPoint& p) { return p.reserved; });
    line("available", [](const StockPoint& p) { return p.available; });
  }
  out += "</svg></figure>\n";
}

void append_summary(std::string& out, const HtmlReport& report, const HtmlLimits& limits) {
  out += "<dl id=\"summary\"><dt>Database</dt><dd><code>";
  append_escaped(out, report.database);
  out += "</code></dd><dt>inv version</dt><dd>";
  append_escaped(out, report.inv_version);
  out += "</dd><dt>Generated at</dt><dd>";
  append_escaped(out, report.generated_at);
  out += fmt::format("</dd><dt>Head</dt><dd><span id=\"head\" class=\"hash\">{}:",
                     report.head_position);
  append_escaped(out, report.head_hash);
  out += "</span></dd></dl>\n";
  if (report.verified) {
    out += fmt::format(
        "<p id=\"verdict\" class=\"ok\">Verified: ok. {} event{}, hash chain and caches "
        "intact.</p>\n",
        report.events, report.events == 1 ? "" : "s");
    return;
  }
  out += fmt::format(
      "<p id=\"verdict\" class=\"failed\">Verification FAILED: {} problem{} in {} "
      "event{}.</p>\n<ol>",
      report.problem_count, report.problem_count == 1 ? "" : "s", report.events,
      report.events == 1 ? "" : "s");
  const std::size_t shown = std::min(report.problems.size(), limits.problems);
  for (std::size_t i = 0; i < shown; ++i) {
    out += "<li>";
    append_escaped(out, report.problems[i]);
    out += "</li>";
  }
  out += "</ol>\n";
  if (static_cast<std::int64_t>(shown) < report.problem_count) {
    out += fmt::format(
        "<p class=\"note\">{} more problems not listed; run <code>inv verify</code>.</p>\n",
        report.problem_count - static_cast<std::int64_t>(shown));
  }
}

void append_stock(std::string& out, const HtmlReport& report, const HtmlLimits& limits) {
  out += fmt::format("<h2>Stock ({} item{})</h2>\n", report.items.size(),
                     report.items.size() == 1 ? "" : "s");
  if (report.items.empty()) {
    out += "<p class=\"note\">(no items)</p>\n";
    return;
  }
  out +=
      "<table id=\"stock\"><thead><tr><th>SKU</th><th class=\"n\">On hand</th><th "
      "class=\"n\">Reserved</th><th class=\"n\">Available</th><th class=\"n\">Held</th><th "
      "class=\"n\">Reorder point</th><th class=\"n\">Version</th><th>Updated at</th></tr></thead>"
      "<tbody>\n";
  const std::size_t shown = std::min(report.items.size(), limits.stock_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    const StockRow& row = report.items[i];
    const std::int64_t held = held_of(row.item);
    std::string classes;
    if (is_low(row)) {
      classes += "low";
    }
    if (held > 0) {
      classes += classes.empty() ? "held" : " held";
    }
    out += "<tr data-sku=\"";
    append_escaped(out, row.item.sku);
    out += "\"";
    if (!classes.empty()) {
      out += fmt::format(" class=\"{}\"", classes);
    }
    out += "><td class=\"sku\">";
    append_escaped(out, row.item.sku);
    if (is_low(row)) {
      out += "<span class=\"tag low\">low</span>";
    }
    if (held > 0) {
      out += "<span class=\"tag held\">held</span>";
    }
    out += fmt::format(
        "</td><td class=\"n on_hand\">{}</td><td class=\"n reserved\">{}</td><td class=\"n "
        "available\">{}</td><td class=\"n held\">{}</td><td class=\"n reorder_point\">{}</td><td "
        "class=\"n version\">{}</td><td>",
        row.item.on_hand, row.item.reserved, row.item.available, held,
        row.item.reorder_point ? std::to_string(*row.item.reorder_point) : "", row.item.version);
    append_escaped(out, row.item.updated_at);
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  if (shown < report.items.size()) {
    out += fmt::format(
        "<p class=\"note\">The first {} of {} items are shown; <code>inv list</code> "
        "prints them all.</p>\n",
        shown, report.items.size());
  }
}

void append_charts(std::string& out, const HtmlReport& report, const HtmlLimits& limits) {
  if (report.items.empty()) {
    return;
  }
  out +=
      "<h2>Stock over time</h2>\n<p class=\"legend\"><span><i class=\"swatch\" "
      "style=\"background:#0550ae\"></i>on hand</span><span><i class=\"swatch\" "
      "style=\"background:#bc4c00\"></i>reserved</span><span><i class=\"swatch\" "
      "style=\"background:#1a7f37\"></i>available</span> <span class=\"note\">(x: the item's "
      "version; each line holds its value until the next event)</span></p>\n<div "
      "class=\"charts\">\n";
  const std::size_t shown = std::min(report.items.size(), limits.charts);
  for (std::size_t i = 0; i < shown; ++i) {
    append_chart(out, report.items[i], limits.chart_points);
  }
  out += "</div>\n";
  if (shown < report.items.size()) {
    out += fmt::format(
        "<p class=\"note\">Charts of the first {} of {} items; <code>inv show SKU "
        "--chart</code> draws any item.</p>\n",
        shown, report.items.size());
  }
}

void append_events(std::string& out, const HtmlReport& report) {
  out += fmt::format("<h2>Latest events ({} of {})</h2>\n", report.latest.size(), report.events);
  if (report.latest.empty()) {
    out += "<p class=\"note\">(no events)</p>\n";
    return;
  }
  out +=
      "<table id=\"events\"><thead><tr><th class=\"n\">Position</th><th>SKU</th><th "
      "class=\"n\">Version</th><th>Type</th><th>Data</th><th>Recorded at</th><th>Actor</th>"
      "<th>Ref</th><th>Note</th></tr></thead><tbody>\n";
  for (const EventRow& event : report.latest) {
    out += fmt::format("<tr><td class=\"n\">{}</td><td class=\"nowrap\">", event.position);
    append_escaped(out, event.sku);
    out += fmt::format("</td><td class=\"n\">{}</td><td>", event.version);
    append_escaped(out, event.type);
    out += "</td><td><code>";
    append_escaped(out, event.data);
    out += "</code></td><td class=\"nowrap\">";
    append_escaped(out, event.recorded_at);
    out += "</td><td>";
    append_escaped(out, event.actor);
    out += "</td><td>";
    append_escaped(out, event.ref.value_or(""));
    out += "</td><td>";
    append_escaped(out, event.note.value_or(""));
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::string render_html(const HtmlReport& report, const HtmlLimits& limits) {
  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"inv ";
  append_escaped(out, report.inv_version);
  out += "\">\n<title>Inventory audit report: ";
  append_escaped(out, report.database);
  out += "</title>\n<style>";
  out += k_style;
  out += "</style>\n</head>\n<body>\n<h1>Inventory audit report</h1>\n";
  append_summary(out, report, limits);
  append_stock(out, report, limits);
  append_charts(out, report, limits);
  append_events(out, report);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace inv::report
