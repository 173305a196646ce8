#include "inv/app/query_service.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "inv/app/event_log.hpp"
#include "inv/error.hpp"

namespace inv::app {
namespace {

Error unknown_item(std::string_view sku) {
  return Error(ExitCode::not_found, "item_not_found",
               "no item with SKU '" + std::string(sku) + "'");
}

util::Timestamp timestamp(std::string_view time) {
  const auto micros = util::parse_time(time);
  if (!micros) {
    throw usage_error("invalid time '" + std::string(time) + "'");
  }
  return util::Timestamp{*micros};
}

}  // namespace

domain::Item QueryService::show(std::string_view sku) {
  auto item = m_store.begin(store::Store::Mode::read)->item(sku);
  if (!item) {
    throw unknown_item(sku);
  }
  return std::move(item->item);
}

domain::Item QueryService::show_at_version(std::string_view sku, std::int64_t version) {
  auto session = m_store.begin(store::Store::Mode::read);
  auto item = item_at_version(*session, sku, version);
  if (!item) {
    if (!session->item(sku)) {
      throw unknown_item(sku);
    }
    throw Error(ExitCode::not_found, "version_not_found",
                "item '" + std::string(sku) + "' has no version " + std::to_string(version));
  }
  return *item;
}

domain::Item QueryService::show_as_of(std::string_view sku, std::string_view time) {
  auto session = m_store.begin(store::Store::Mode::read);
  const auto current = session->item(sku);
  if (!current) {
    throw unknown_item(sku);
  }
  auto item = item_as_of(*session, sku, current->item.version, timestamp(time));
  if (!item) {
    throw Error(ExitCode::not_found, "item_not_found",
                "item '" + std::string(sku) + "' did not exist yet at " + std::string(time));
  }
  return *item;
}

std::vector<domain::Item> QueryService::list_as_of(std::string_view time, std::string_view prefix) {
  const util::Timestamp at = timestamp(time);
  auto session = m_store.begin(store::Store::Mode::read);
  std::vector<domain::Item> current;
  session->scan_items(prefix,
                      [&](const store::CachedItem& cached) { current.push_back(cached.item); });
  const auto last = session->last_event();
  if (!last) {
    return {};
  }
  // recorded_at never goes backwards along positions: a cut at or after the last event's time is
  // the whole log, every item as the read model has it; else the events that count are 1..cut.
  const auto last_time = util::parse_time(last->recorded_at);
  if (last_time && *last_time <= at.micros) {
    return current;
  }
  const std::int64_t cut = last_position_at(*session, last->position - 1, at);
  // With checkpoints (k_checkpoint_interval): the stock at the checkpoint before the cut and a
  // fold of less than one block. Without (caches of older rules, until a write rebuilds them),
  // the cheaper of two ways: per item, a binary search over its versions and a fold from its
  // nearest snapshot (some tens of scattered row reads each), or one sequential fold of the
  // prefix (`cut` rows read in order, each far cheaper than a scattered read).
  constexpr std::int64_t k_sequential_rows_per_item = 200;
  if (session->cache_version() >= k_cache_version ||
      cut <= static_cast<std::int64_t>(current.size()) * k_sequential_rows_per_item) {
    return items_at_position(*session, cut, prefix);
  }
  std::vector<domain::Item> items;
  for (domain::Item& now : current) {
    const auto changed = session->recorded_at(now.sku, now.version);
    if (changed && *changed <= at) {
      items.push_back(std::move(now));  // nothing happened to it since
    } else if (auto then = item_as_of(*session, now.sku, now.version, at)) {
      items.push_back(std::move(*then));
    }
  }
  return items;
}

std::vector<domain::Item> QueryService::list(std::string_view prefix) {
  std::vector<domain::Item> items;
  m_store.begin(store::Store::Mode::read)->scan_items(prefix, [&](const store::CachedItem& cached) {
    items.push_back(cached.item);
  });
  return items;
}

std::vector<domain::Holding> QueryService::reservations(const store::LotFilter& filter,
                                                        std::optional<util::Timestamp> older_than) {
  auto session = m_store.begin(store::Store::Mode::read);
  if (filter.sku && !session->item(*filter.sku)) {
    throw unknown_item(*filter.sku);
  }
  std::vector<store::LotRow> lots;
  if (session->cache_version() >= k_cache_version) {
    session->scan_lots(filter, [&](const store::LotRow& row) { lots.push_back(row); });
  } else {
    // A database of an older schema, not yet upgraded by a write: the replay has them.
    Replay replay([](const Problem&) {});
    session->scan(0, std::numeric_limits<std::int64_t>::max(),
                  [&](const store::StoredEventView& row) { replay.fold(row); });
    for (store::LotRow& row : replay.lots()) {
      if ((!filter.sku || row.sku == *filter.sku) && (!filter.ref || row.ref == *filter.ref)) {
        lots.push_back(std::move(row));
      }
    }
  }
  std::vector<domain::Holding> open;
  const std::string cutoff =
      older_than ? util::format_rfc3339_micros(older_than->micros) : std::string();
  for (domain::Holding& holding : group_lots(lots)) {
    if (holding.qty() > 0 && (!older_than || holding.since() <= cutoff)) {
      open.push_back(std::move(holding));
    }
  }
  std::stable_sort(
      open.begin(), open.end(), [](const domain::Holding& a, const domain::Holding& b) {
        return std::tuple(a.since(), a.sku, a.ref) < std::tuple(b.since(), b.sku, b.ref);
      });
  return open;
}

void QueryService::history(const store::HistoryFilter& filter,
                           const std::function<void(const store::RecordedEvent&)>& visit) {
  auto session = m_store.begin(store::Store::Mode::read);
  if (filter.sku && !session->item(*filter.sku)) {
    throw unknown_item(*filter.sku);
  }
  session->history(filter, visit);
}

void QueryService::history(const HistoryQuery& query, const HistoryVisit& visit) {
  auto session = m_store.begin(store::Store::Mode::read);
  const auto current = query.filter.sku ? session->item(*query.filter.sku) : std::nullopt;
  if (query.filter.sku && !current) {
    throw unknown_item(*query.filter.sku);
  }
  store::HistoryFilter filter = query.filter;
  // A time window is a range of positions: recorded_at never goes back along them.
  if (query.from || query.to) {
    const auto last = session->last_event();
    const std::int64_t head = last ? last->position : 0;
    if (query.from && query.from->micros > 0) {
      const util::Timestamp before_from{query.from->micros - 1};
      filter.after_position =
          std::max(filter.after_position, last_position_at(*session, head, before_from));
    }
    if (query.to) {
      const std::int64_t up_to = last_position_at(*session, head, *query.to);
      filter.up_to_position = std::min(filter.up_to_position.value_or(up_to), up_to);
    }
  }
  std::vector<store::RecordedEvent> newest;
  if (query.last) {
    filter.newest_first = true;
    filter.limit = *query.last;
  }
  // Balances: folded along the item's versions, from its state at the first event shown (a
  // snapshot and at most k_snapshot_interval events), and again after any versions skipped.
  std::optional<domain::Item> item;
  const auto show = [&](const store::RecordedEvent& event) {
    if (!query.balances) {
      visit(event, nullptr);
      return;
    }
    if (item && item->version + 1 == event.version) {
      item = fold(std::move(*item), event.event, event.recorded_at);
    } else {
      item = item_at_version(*session, event.sku, event.version);
    }
    visit(event, item ? &*item : nullptr);
  };
  if (!query.last) {
    session->history(filter, show);
    return;
  }
  session->history(filter, [&](const store::RecordedEvent& event) { newest.push_back(event); });
  std::for_each(newest.rbegin(), newest.rend(), show);
}

std::vector<domain::Movements> QueryService::movements(const MovementsQuery& query) {
  auto session = m_store.begin(store::Store::Mode::read);
  const auto last = session->last_event();
  const std::int64_t head = last ? last->position : 0;
  // The window is a range of positions (before, up_to]: recorded_at never goes back along them.
  std::int64_t before = 0;
  if (query.from && query.from->micros > 0) {
    before = last_position_at(*session, head, util::Timestamp{query.from->micros - 1});
  }
  const std::int64_t up_to = query.to ? last_position_at(*session, head, *query.to) : head;
  if (up_to <= before) {
    return {};
  }
  // First pass: the SKUs in the window and the version each had before it.
  util::StringMap<std::int64_t> version_before;
  session->scan(before, up_to, [&](const store::StoredEventView& row) {
    if (row.sku.starts_with(query.prefix)) {
      version_before.try_emplace(std::string(row.sku), row.version - 1);
    }
  });
  // The opening on_hand of each: the stock before the window (from its checkpoint, as for
  // list --as-of), or, without checkpoints, per item the state at its version before the window
  // (a snapshot and a short fold) when that reads fewer rows than a fold of the whole prefix.
  util::StringMap<domain::Movements> rows;
  constexpr std::int64_t k_sequential_rows_per_item = 200;
  if (session->cache_version() >= k_cache_version ||
      before <= static_cast<std::int64_t>(version_before.size()) * k_sequential_rows_per_item) {
    for (domain::Item& item : items_at_position(*session, before, query.prefix)) {
      if (version_before.contains(item.sku)) {
        rows.try_emplace(item.sku, domain::open_movements(item.sku, item.on_hand));
      }
    }
  }
  for (const auto& [sku, version] : version_before) {
    if (rows.contains(sku)) {
      continue;
    }
    std::int64_t opening = 0;
    if (version > 0) {
      const auto item = item_at_version(*session, sku, version);
      if (!item) {
        throw Error(ExitCode::integrity, "damaged_log",
                    "the log is missing version " + std::to_string(version) + " of '" + sku +
                        "'; run 'inv verify'");
      }
      opening = item->on_hand;
    }
    rows.try_emplace(sku, domain::open_movements(sku, opening));
  }
  // Second pass: the window's events, each added to its item's row.
  scan_events(*session, before, up_to, query.prefix,
              [&](const store::StoredEventView& row, const domain::Event& event) {
                const auto found = rows.find(row.sku);
                if (found == rows.end()) {  // the two passes read one snapshot of the log
                  throw Error(ExitCode::failure, "internal",
                              "the log changed while it was read at position " +
                                  std::to_string(row.position));
                }
                domain::add_movement(found->second, event);
              });
  std::vector<domain::Movements> sorted;
  sorted.reserve(rows.size());
  for (auto& [sku, row] : rows) {
    sorted.push_back(std::move(row));
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const domain::Movements& a, const domain::Movements& b) { return a.sku < b.sku; });
  return sorted;
}

store::Head QueryService::head() {
  const auto last = m_store.begin(store::Store::Mode::read)->last_event();
  if (!last) {
    return {};
  }
  return {last->position, last->hash, last->recorded_at};
}

store::Stats QueryService::stats() {
  auto session = m_store.begin(store::Store::Mode::read);
  store::Stats stats = session->counts();
  if (const auto last = session->last_event()) {
    stats.head = {last->position, last->hash, last->recorded_at};
  }
  // Positions are gap-free from 1, so the head position is the number of events.
  stats.events = stats.head.position;
  return stats;
}

}  // namespace inv::app
