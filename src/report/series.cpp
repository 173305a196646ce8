#include "inv/report/series.hpp"

#include <algorithm>
#include <cstdlib>

namespace inv::report {
namespace {

// How far `point` strays from `from`, in the figures a chart draws.
std::int64_t distance(const StockPoint& point, const StockPoint& from) {
  // The figures are 64-bit; their differences can overflow, so compare halves.
  const auto apart = [](std::int64_t a, std::int64_t b) { return std::llabs(a / 2 - b / 2); };
  return std::max(apart(point.on_hand, from.on_hand), apart(point.available, from.available));
}

}  // namespace

Thinner::Thinner(std::size_t count, std::size_t max_points)
    : m_count(count), m_max(std::max<std::size_t>(max_points, 2)) {
  m_kept.reserve(std::min(m_count, m_max));
}

// The points strictly between the first and the last are cut into m_max - 2 runs; run r ends
// before index 1 + (r + 1) * inner / runs. From each run the point that strays furthest from the
// point kept before it is kept, so a short spike or dip still shows.
std::size_t Thinner::run_end(std::size_t run) const {
  return 1 + (run + 1) * (m_count - 2) / (m_max - 2);
}

void Thinner::add(const StockPoint& point) {
  const std::size_t index = m_seen++;
  if (m_count <= m_max || index == 0) {
    m_kept.push_back(point);
    return;
  }
  if (index == m_count - 1) {
    if (m_has_chosen) {
      m_kept.push_back(m_chosen);
      m_has_chosen = false;
    }
    m_kept.push_back(point);
    return;
  }
  while (index >= run_end(m_run)) {  // the run is over: keep its point
    if (m_has_chosen) {
      m_kept.push_back(m_chosen);
      m_has_chosen = false;
    }
    ++m_run;
  }
  if (!m_has_chosen || distance(point, m_kept.back()) > distance(m_chosen, m_kept.back())) {
    m_chosen = point;
    m_has_chosen = true;
  }
}

std::vector<StockPoint> Thinner::finish() && {
  return std::move(m_kept);
}

std::vector<StockPoint> thin_out(const std::vector<StockPoint>& points, std::size_t max_points) {
  Thinner thinner(points.size(), max_points);
  for (const StockPoint& point : points) {
    thinner.add(point);
  }
  return std::move(thinner).finish();
}

}  // namespace inv::report
