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
