#pragma once
// The read use cases: current state from the read model, history from the log.

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "inv/domain/item.hpp"
#include "inv/domain/movements.hpp"
#include "inv/domain/reservations.hpp"
#include "inv/store/event_store.hpp"

namespace inv::app {

// What `history` asks (SPEC §3, §9).
struct HistoryQuery {
  store::HistoryFilter filter;
  std::optional<util::Timestamp> from, to;  // recorded at or after / at or before (inclusive)
  std::optional<std::int64_t> last;         // the newest N, still visited oldest first
  bool balances = false;                    // the item after each event (with filter.sku)
};

// What `report movements` asks (SPEC §9): a window of time, both ends inclusive (none: from the
// first event / to the last), and a SKU prefix.
struct MovementsQuery {
  std::optional<util::Timestamp> from, to;
  std::string prefix;
};

// An event, and with HistoryQuery::balances the item right after it (else nullptr).
using HistoryVisit = std::function<void(const store::RecordedEvent&, const domain::Item* after)>;

class QueryService {
 public:
  explicit QueryService(store::Store& store) : m_store(store) {}

  // The current state of `sku`. Throws inv::Error (not_found) for an unknown SKU.
  domain::Item show(std::string_view sku);

  // The state of `sku` right after its event at `version`. Throws inv::Error (not_found) for an
  // unknown SKU or a version beyond the item's.
  domain::Item show_at_version(std::string_view sku, std::int64_t version);

  // The state of `sku` as of `time` (canonical RFC 3339 UTC with microseconds), counting events
  // recorded at or before it. Throws inv::Error (not_found) if the item did not exist then.
  domain::Item show_as_of(std::string_view sku, std::string_view time);

  // Every item whose SKU starts with `prefix`, in byte order of SKU.
  std::vector<domain::Item> list(std::string_view prefix);

  // Every item that existed at `time`, as it was then, in byte order of SKU.
  std::vector<domain::Item> list_as_of(std::string_view time, std::string_view prefix);

  // The open reservations (quantity above 0) of `filter`'s SKU and ref ("" for the pool), oldest
  // `since` first, then by SKU and ref; with `older_than`, only those whose oldest open unit was
  // reserved at or before it (SPEC §8). Throws inv::Error (not_found) for an unknown SKU.
  std::vector<domain::Holding> reservations(const store::LotFilter& filter,
                                            std::optional<util::Timestamp> older_than);

  // Visits the events matching `filter` in position order. Throws inv::Error (not_found) when
  // the filter names a SKU that has no events.
  void history(const store::HistoryFilter& filter,
               const std::function<void(const store::RecordedEvent&)>& visit);

  // The events `query` asks for, in position order. Throws inv::Error (not_found) when the
  // filter names a SKU that has no events.
  void history(const HistoryQuery& query, const HistoryVisit& visit);

  // Per SKU with an event in the window, in byte order of SKU: how its on_hand moved (opening,
  // created, received, counted, shipped, sold, written off, closing).
  std::vector<domain::Movements> movements(const MovementsQuery& query);

  // The last event's position and hash (SPEC §4; 0 and 64 zeros for an empty log).
  store::Head head();
  store::Stats stats();

 private:
  store::Store& m_store;
};

}  // namespace inv::app
