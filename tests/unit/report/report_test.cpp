// The pictures of SPEC §9: thinning a series, the HTML report (the terminal chart: chart_test).
#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "inv/report/html_report.hpp"
#include "inv/report/series.hpp"

namespace inv::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<StockPoint> ramp(std::int64_t count) {
  std::vector<StockPoint> points;
  for (std::int64_t v = 1; v <= count; ++v) {
    points.push_back({v, "2026-12-01T10:00:00.000000Z", v, 0, v});
  }
  return points;
}

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ThinOut, KeepsAShortSeriesWhole) {
  EXPECT_EQ(thin_out(ramp(5), 10), ramp(5));
}

TEST(ThinOut, KeepsFirstAndLastWithinTheLimit) {
  const auto thinned = thin_out(ramp(10'000), 50);
  ASSERT_LE(thinned.size(), 50u);
  EXPECT_GE(thinned.size(), 40u);
  EXPECT_EQ(thinned.front().version, 1);
  EXPECT_EQ(thinned.back().version, 10'000);
  EXPECT_TRUE(std::is_sorted(thinned.begin(), thinned.end(),
                             [](const auto& a, const auto& b) { return a.version < b.version; }));
}

TEST(ThinOut, KeepsASpikeOfOneEvent) {
  std::vector<StockPoint> points = ramp(1000);
  for (auto& point : points) {
    point.on_hand = point.available = 10;
  }
  points[567].on_hand = 5000;
  const auto thinned = thin_out(points, 20);
  EXPECT_TRUE(std::any_of(thinned.begin(), thinned.end(),
                          [](const StockPoint& p) { return p.on_hand == 5000; }));
}

HtmlReport sample_report(std::size_t items) {
  HtmlReport report;
  report.database = "/srv/inv/inventory.db";
  report.inv_version = "9.9.9";
  report.generated_at = "2026-12-04T12:00:00.000000Z";
  report.verified = true;
  report.head_position = 42;
  report.head_hash = std::string(64, 'a');
  for (std::size_t i = 0; i < items; ++i) {
    StockRow row;
    row.item = {"SKU-" + std::to_string(i), 10, 2, 5, 3, "2026-12-04T11:00:00.000000Z"};
    row.history = ramp(3);
    report.items.push_back(row);
  }
  report.events = static_cast<std::int64_t>(3 * items);
  return report;
}

TEST(HtmlReport, HasTheSummaryOneChartPerItemAndMarksHeldAndLowStock) {
  HtmlReport report = sample_report(3);
  report.items[1].item.reorder_point = 5;  // available 5 <= 5: low
  const std::string html = render_html(report);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("<p id=\"verdict\" class=\"ok\">"));
  EXPECT_THAT(html, HasSubstr("42:" + std::string(64, 'a')));
  EXPECT_THAT(html, HasSubstr("9.9.9"));
  EXPECT_EQ(count_of(html, "<svg"), 3u);
  EXPECT_EQ(count_of(html, "<tr data-sku="), 3u);
  EXPECT_THAT(html, HasSubstr("<tr data-sku=\"SKU-1\" class=\"low held\">"));
  EXPECT_THAT(html, HasSubstr("<td class=\"n held\">3</td>"));
  // Self-contained: no script, no link to anything outside the page.
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
}

TEST(HtmlReport, EscapesEveryValueAndShowsControlCharacters) {
  HtmlReport report = sample_report(1);
  report.items[0].item.sku = "<script>alert(1)</script>";
  report.latest.push_back({1, "X", 1, "StockAdjusted", R"({"delta":1})", "2026-12-04T00:00:00Z",
                           "eve\"'&", std::string("ref"), std::string("line\nnext \x1b[31mred")});
  const std::string html = render_html(report);
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("eve&quot;&#39;&amp;"));
  EXPECT_THAT(html, HasSubstr("line\\nnext \\x1b[31mred"));
  EXPECT_THAT(html, Not(HasSubstr("\x1b")));
}

TEST(HtmlReport, CapsLargeLogsAndSaysSo) {
  HtmlReport report = sample_report(50);
  report.items[7].history = ramp(100'000);
  const std::string html =
      render_html(report, {.stock_rows = 20, .charts = 10, .chart_points = 60});
  EXPECT_EQ(count_of(html, "<tr data-sku="), 20u);
  EXPECT_EQ(count_of(html, "<svg"), 10u);
  EXPECT_THAT(html, HasSubstr("The first 20 of 50 items are shown"));
  EXPECT_THAT(html, HasSubstr("Charts of the first 10 of 50 items"));
  EXPECT_THAT(html, HasSubstr("60 points shown"));
  EXPECT_LT(html.size(), 100'000u);
}

TEST(HtmlReport, AFailedVerdictListsItsProblems) {
  HtmlReport report = sample_report(1);
  report.verified = false;
  report.problem_count = 2;
  report.problems = {"position 3 (SKU-0): hash_mismatch", "position 4: chain_broken"};
  const std::string html = render_html(report);
  EXPECT_THAT(html,
              HasSubstr("<p id=\"verdict\" class=\"failed\">Verification FAILED: 2 problems"));
  EXPECT_THAT(html, HasSubstr("<li>position 3 (SKU-0): hash_mismatch</li>"));
}

TEST(HtmlReport, AnEmptyLogSaysSo) {
  const std::string html = render_html(sample_report(0));
  EXPECT_THAT(html, HasSubstr("(no items)"));
  EXPECT_THAT(html, HasSubstr("(no events)"));
  EXPECT_EQ(count_of(html, "<svg"), 0u);
}

}  // namespace
}  // namespace inv::report
