#include "inv/report/series.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace inv::report {
namespace {

// How far `point` strays from `from`, in the figures a chart draws.
std::int64_t distance(const StockPoint& point, const StockPoint& from) {
  // The figures are 64-bit; their differences can overflow, so compare halves.
  const auto apart = [](std::int64_t a, std::int64_t b) { return std::llabs(a / 2 - b / 2); };
  return std::max(apart(point.on_hand, from.on_hand), apart(point.available, from.available));
}

}  // namespace

std::vector<StockPoint> thin_out(const std::vector<StockPoint>& points, std::size_t max_points) {
  max_points = std::max<std::size_t>(max_points, 2);
  if (points.size() <= max_points) {
    return points;
  }
  std::vector<StockPoint> kept;
  kept.reserve(max_points);
  kept.push_back(points.front());
  // The points strictly between the first and the last, cut into max_points - 2 runs.
  const std::size_t inner = points.size() - 2;
  const std::size_t runs = max_points - 2;
  for (std::size_t run = 0; run < runs; ++run) {
    const std::size_t begin = 1 + run * inner / runs;
    const std::size_t end = 1 + (run + 1) * inner / runs;
    std::size_t chosen = begin;
    for (std::size_t i = begin; i < end; ++i) {
      if (distance(points[i], kept.back()) > distance(points[chosen], kept.back())) {
        chosen = i;
      }
    }
    if (begin < end) {
      kept.push_back(points[chosen]);
    }
  }
  kept.push_back(points.back());
  return kept;
}

HistorySampler::HistorySampler(std::int64_t events, std::size_t max_samples)
    : m_events(std::max<std::int64_t>(events, 0)),
      m_runs(std::min(m_events, static_cast<std::int64_t>(std::max<std::size_t>(max_samples, 1)))) {
  m_next_end = m_runs > 0 ? run_end(0) : 0;
}

std::int64_t HistorySampler::run_end(std::int64_t run) const {
  // (run + 1) * events / runs without that product, which could overflow for a long history:
  // here the largest product is below runs², and runs is at most max_samples.
  const std::int64_t whole = m_events / m_runs;
  const std::int64_t rest = m_events % m_runs;
  return (run + 1) * whole + (run + 1) * rest / m_runs;
}

void HistorySampler::add(const domain::Item& after) {
  // Assigned member by member: the string keeps its buffer, so a long history allocates nothing
  // per event but what it keeps.
  m_last.version = after.version;
  m_last.recorded_at.assign(after.updated_at);
  m_last.on_hand = after.on_hand;
  m_last.reserved = after.reserved;
  m_last.available = after.available;
  if (++m_history.events == 1) {
    m_history.first = m_last;
  }
  if (m_history.events == m_next_end && m_next_run < m_runs) {
    m_history.samples.push_back(m_last);
    ++m_next_run;
    m_next_end = m_next_run < m_runs ? run_end(m_next_run) : 0;
  }
}

SampledHistory HistorySampler::finish() && {
  if (m_history.events > 0 &&
      (m_history.samples.empty() || m_history.samples.back().version != m_last.version)) {
    m_history.samples.push_back(m_last);
  }
  return std::move(m_history);
}

}  // namespace inv::report
