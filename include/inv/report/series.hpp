#pragma once
// An item's stock over its history, as the pictures of SPEC §9 draw it: one point after each of
// its events, thinned to what a picture can show.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "inv/domain/item.hpp"

namespace inv::report {

// The item's figures right after one of its events.
struct StockPoint {
  std::int64_t version = 0;
  std::string recorded_at;  // RFC 3339, UTC
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;
  friend bool operator==(const StockPoint&, const StockPoint&) = default;
};

// At most `max_points` of `points` (at least 2): the first and the last always, and between them,
// from each of max_points - 2 evenly sized runs of points, the one where on_hand or available
// strays furthest from the point kept before it, so a short spike or dip still shows.
std::vector<StockPoint> thin_out(const std::vector<StockPoint>& points, std::size_t max_points);

// thin_out one point at a time, for a series whose length is known before it is read (an item's
// version): it holds at most max_points points, however long the history.
class Thinner {
 public:
  Thinner(std::size_t count, std::size_t max_points);
  // The next point, in order; `count` of them in all.
  void add(const StockPoint& point);
  // What thin_out keeps of the points added.
  std::vector<StockPoint> finish() &&;

 private:
  std::size_t run_end(std::size_t run) const;
  std::size_t m_count, m_max;
  std::size_t m_seen = 0;
  std::size_t m_run = 0;  // the run of the points between the first and the last being read
  bool m_has_chosen = false;
  StockPoint m_chosen;
  std::vector<StockPoint> m_kept;
};

// An item's history cut down for a chart: how many events it covers, the state after the first,
// and the state at the end of each of (at most a fixed number of) equal runs of its events.
struct SampledHistory {
  std::int64_t events = 0;          // the points given (the item's versions 1..events)
  StockPoint first;                 // the state after the first event
  std::vector<StockPoint> samples;  // in version order; the last is the state after the last
};

// Samples an item's history while it streams by, in memory bounded by `max_samples` however
// long the history is: of `events` points given in version order, it keeps the last of each of
// min(events, max_samples) equal runs (run k ends at point (k + 1) * events / runs), so the last
// point given is always kept.
class HistorySampler {
 public:
  HistorySampler(std::int64_t events, std::size_t max_samples);

  // The item right after its next event.
  void add(const domain::Item& after);

  // What was added so far. If more or fewer points came than `events` said, the last one added
  // still ends the samples.
  SampledHistory finish() &&;

 private:
  std::int64_t run_end(std::int64_t run) const;  // points up to the end of run `run` (from 0)

  std::int64_t m_events = 0;
  std::int64_t m_runs = 0;
  std::int64_t m_next_run = 0;
  std::int64_t m_next_end = 0;
  StockPoint m_last;  // the last point added (its string's buffer reused from one to the next)
  SampledHistory m_history;
};

}  // namespace inv::report
