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

}  // namespace inv::report
