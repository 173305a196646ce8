#include "inv/app/event_log.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/util/json_writer.hpp"

namespace inv::app {
namespace {

std::string str(std::int64_t value) {
  return std::to_string(value);
}

Error damaged(const std::string& message) {
  return Error(ExitCode::integrity, "damaged_log",
               "the log is damaged: " + message +
                   "; nothing was appended: run 'inv verify' to see every problem");
}

Error broken(const std::string& message) {
  return Error(ExitCode::integrity, "broken_log", message);
}

Error mismatch(std::string_view sku, const std::string& why) {
  return Error(ExitCode::integrity, "read_model_mismatch",
               "the stored state of '" + std::string(sku) + "' does not match the log (" + why +
                   "); nothing was appended: run 'inv verify', then 'inv rebuild'");
}

std::optional<util::Timestamp> time_of(std::string_view text) {
  if (text.empty()) {
    return util::Timestamp{};
  }
  const auto micros = util::parse_time(text);
  return micros ? std::optional<util::Timestamp>(util::Timestamp{*micros}) : std::nullopt;
}

// The domain event of a stored row, if its type is known and the typed columns it needs are set.
std::optional<domain::Event> event_of(const store::StoredEventView& row) {
  const auto event =
      store::event_from_columns(row.type, row.qty.value_or(0), row.on_hand.value_or(0),
                                row.available.value_or(0), row.previous.value_or(0));
  if (!event) {
    return std::nullopt;
  }
  const store::EventColumns needed = store::event_columns(*event);
  if (needed.qty.has_value() != row.qty.has_value() ||
      needed.on_hand.has_value() != row.on_hand.has_value() ||
      needed.available.has_value() != row.available.has_value() ||
      needed.previous.has_value() != row.previous.has_value()) {
    return std::nullopt;
  }
  return event;
}

// True if the event's own hash and data are what its content says.
bool intact(const store::RecordedEvent& event) {
  return store::event_data_json(event.event) == event.data &&
         store::chain_hash(event.prev_hash, store::canonical_json(event)) == event.hash;
}

}  // namespace

std::string describe_item(const domain::Item& item) {
  return "on_hand " + str(item.on_hand) + ", reserved " + str(item.reserved) + ", available " +
         str(item.available) + ", version " + str(item.version) + ", updated_at " +
         item.updated_at + (item.retired ? ", retired" : "") +
         (item.reorder_point ? ", reorder_point " + str(*item.reorder_point) : "");
}

std::vector<domain::Holding> group_lots(std::span<const store::LotRow> lots) {
  std::vector<domain::Holding> holdings;
  for (const store::LotRow& row : lots) {
    if (holdings.empty() || holdings.back().sku != row.sku || holdings.back().ref != row.ref) {
      holdings.push_back(domain::Holding{row.sku, row.ref, {}});
    }
    holdings.back().lots.push_back(row.lot);
  }
  return holdings;
}

void write_caches(store::Session& session, Replay& replay) {
  std::vector<store::CachedItem> read_model;
  read_model.reserve(replay.items().size());
  for (const auto& [sku, state] : replay.items()) {
    read_model.push_back({state.item, seal_of(state.item, state.last_hash)});
  }
  session.put_items(read_model);
  session.put_snapshots(replay.snapshots());
  const std::vector<store::LotRow> lots = replay.lots();
  session.put_lots(lots);
  session.set_cache_version(k_cache_version);
}

std::string seal_of(const domain::Item& item, std::string_view last_hash) {
  std::string state;
  state.reserve(160 + item.sku.size());
  util::append_json_string(state, item.sku);
  for (const std::int64_t value : {item.on_hand, item.reserved, item.available, item.version}) {
    state.push_back(',');
    util::append_json_int(state, value);
  }
  state.push_back(',');
  util::append_json_string(state, item.updated_at);
  if (item.retired) {  // only then, so that every seal made before retirement existed still holds
    state += ",retired";
  }
  if (item.reorder_point) {  // likewise: seals made before reorder points (SPEC §9) still hold
    state += ",reorder_point:";
    util::append_json_int(state, *item.reorder_point);
  }
  return store::chain_hash(last_hash, state);
}

domain::Item fold(domain::Item item, const domain::Event& event, std::string_view recorded_at) {
  item = domain::evolve(std::move(item), event);
  item.updated_at = recorded_at;
  return item;
}

std::optional<domain::Item> item_at_version(store::Session& session, std::string_view sku,
                                            std::int64_t version) {
  domain::Item item;
  item.sku = sku;
  if (auto snapshot = session.snapshot_at_or_before(sku, version)) {
    item = std::move(snapshot->item);
  }
  session.item_events(sku, item.version, version, [&](const store::StoredEventView& row) {
    const auto event = event_of(row);
    if (!event || row.version != item.version + 1) {
      throw Error(ExitCode::integrity, "damaged_log",
                  "the log of '" + std::string(sku) + "' is damaged at position " +
                      str(row.position) + "; run 'inv verify'");
    }
    item = fold(std::move(item), *event, row.recorded_at);
  });
  if (item.version != version) {
    return std::nullopt;
  }
  return item;
}

std::optional<domain::Item> item_as_of(store::Session& session, std::string_view sku,
                                       std::int64_t current_version, util::Timestamp time) {
  // recorded_at never goes back along positions, so never along an item's versions either.
  std::int64_t low = 0;  // invariant: version `low` is at or before `time` (0: before the item)
  std::int64_t high = current_version;
  while (low < high) {
    const std::int64_t middle = low + (high - low + 1) / 2;
    const auto at = session.recorded_at(sku, middle);
    if (at && *at <= time) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  if (low == 0) {
    return std::nullopt;
  }
  return item_at_version(session, sku, low);
}

std::int64_t last_position_at(store::Session& session, std::int64_t last_position,
                              util::Timestamp time) {
  const auto time_at = [&](std::int64_t position) {
    const auto event = session.event_at(position);
    const auto at = event ? time_of(event->recorded_at) : std::nullopt;
    if (!at) {
      throw Error(
          ExitCode::integrity, "damaged_log",
          "the log has no readable event at position " + str(position) + "; run 'inv verify'");
    }
    return *at;
  };
  std::int64_t low = 0;  // invariant: position `low` is at or before `time` (0: before the log)
  std::int64_t high = last_position;
  while (low < high) {
    const std::int64_t middle = low + (high - low + 1) / 2;
    if (time_at(middle) <= time) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

void scan_events(
    store::Session& session, std::int64_t after_position, std::int64_t up_to_position,
    std::string_view prefix,
    const std::function<void(const store::StoredEventView&, const domain::Event&)>& visit) {
  session.scan(after_position, up_to_position, [&](const store::StoredEventView& row) {
    if (!row.sku.starts_with(prefix)) {
      return;
    }
    const auto event = event_of(row);
    if (!event) {
      throw Error(ExitCode::integrity, "damaged_log",
                  "the log is damaged at position " + str(row.position) + "; run 'inv verify'");
    }
    visit(row, *event);
  });
}

std::vector<domain::Item> items_at_position(store::Session& session, std::int64_t position,
                                            std::string_view prefix) {
  util::StringMap<domain::Item> items;
  // From the checkpoint at or before `position` when the caches keep checkpoints (a database
  // whose caches older rules built has them once a write rebuilds them), else from the start.
  std::int64_t from = 0;
  if (session.cache_version() >= k_cache_version) {
    from = checkpoint_before(position);
    session.states_at(from, prefix, [&](const store::Snapshot& state) {
      items.try_emplace(state.item.sku, state.item);
    });
  }
  scan_events(session, from, position, prefix,
              [&](const store::StoredEventView& row, const domain::Event& event) {
                auto [entry, added] = items.try_emplace(std::string(row.sku));
                if (added) {
                  entry->second.sku = row.sku;
                }
                entry->second = fold(std::move(entry->second), event, row.recorded_at);
              });
  std::vector<domain::Item> sorted;
  sorted.reserve(items.size());
  for (auto& [sku, item] : items) {
    sorted.push_back(std::move(item));
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const domain::Item& a, const domain::Item& b) { return a.sku < b.sku; });
  return sorted;
}

std::optional<Problem> check_tail(const std::optional<store::Head>& committed,
                                  const std::optional<store::RecordedEvent>& last) {
  const auto problem = [](std::int64_t position, std::string sku, std::string kind,
                          std::string message) {
    return Problem{position, std::move(sku), std::move(kind), std::move(message)};
  };
  if (!committed) {
    return problem(last ? last->position : 0, last ? last->sku : "", "head_missing",
                   "the record of the head inv last committed is missing");
  }
  const std::int64_t last_position = last ? last->position : 0;
  if (last_position < committed->position) {
    return problem(last_position, last ? last->sku : "", "log_truncated",
                   "the log ends at position " + str(last_position) +
                       ", but inv last committed position " + str(committed->position) +
                       " (events were removed)");
  }
  if (last_position > committed->position) {
    return problem(last_position, last->sku, "head_mismatch",
                   "the log ends at position " + str(last_position) +
                       ", after the head inv last committed (position " + str(committed->position) +
                       ")");
  }
  if (last && last->hash != committed->hash) {
    return problem(last_position, last->sku, "head_mismatch",
                   "the last event's hash is " + last->hash + ", but inv committed " +
                       committed->hash + " at position " + str(committed->position));
  }
  if (last && !intact(*last)) {
    return problem(last_position, last->sku, "hash_mismatch",
                   "the last event (position " + str(last_position) + ") does not match its hash");
  }
  return std::nullopt;
}

// ---- LogWriter ----------------------------------------------------------------------------------

LogWriter::LogWriter(std::unique_ptr<store::Session> session) : m_session(std::move(session)) {
  const auto committed = m_session->committed_head();
  const auto last = m_session->last_event();
  if (auto problem = check_tail(committed, last)) {
    throw damaged(problem->message);
  }
  m_head = *committed;
  const auto time = time_of(m_head.recorded_at);
  if (!time) {
    throw damaged("the head's time '" + m_head.recorded_at + "' is not a time");
  }
  m_head_time = *time;
  if (m_session->cache_version() < k_cache_version) {
    // Caches built by older rules (an upgraded database): rebuilt from the log, checked as a
    // rebuild checks it, before this write decides anything from them.
    Replay replay([](Problem problem) {
      throw damaged("at position " + str(problem.position) + ": " + problem.message);
    });
    m_session->scan(0, m_head.position,
                    [&](const store::StoredEventView& row) { replay.fold(row); });
    // A read model row edited by hand is reported, not silently replaced by the rebuild (SPEC
    // §11): the rows must be the replay's before they are rebuilt.
    std::int64_t rows = 0;
    m_session->scan_items("", [&](const store::CachedItem& cached) {
      ++rows;
      const auto found = replay.items().find(cached.item.sku);
      if (found == replay.items().end()) {
        throw mismatch(cached.item.sku, "the read model has a row for it, but it has no events");
      }
      if (!(found->second.item == cached.item) ||
          (!cached.seal.empty() && cached.seal != seal_of(cached.item, found->second.last_hash))) {
        throw mismatch(cached.item.sku, "the read model says " + describe_item(cached.item));
      }
    });
    if (rows != static_cast<std::int64_t>(replay.items().size())) {
      throw Error(ExitCode::integrity, "read_model_mismatch",
                  "the read model has " + str(rows) + " rows for " +
                      str(static_cast<std::int64_t>(replay.items().size())) +
                      " items in the log; nothing was appended: run 'inv verify', then "
                      "'inv rebuild'");
    }
    m_session->clear_caches();
    write_caches(*m_session, replay);
  }
}

LogWriter::Tip& LogWriter::tip_of(std::string_view sku) {
  if (const auto found = m_tips.find(sku); found != m_tips.end()) {
    return found->second;
  }
  Tip tip;
  tip.item.sku = sku;
  auto cached = m_session->item(sku);
  const auto last = m_session->item_tip(sku);
  if (cached || last) {
    if (!cached) {
      throw mismatch(
          sku, "it has events up to version " + str(last->version) + " but no read model row");
    }
    if (!last) {
      throw mismatch(sku, "the read model has a row for it, but it has no events");
    }
    if (cached->item.version != last->version) {
      throw mismatch(sku, "the read model is at version " + str(cached->item.version) +
                              ", the log at version " + str(last->version));
    }
    if (cached->seal.empty()) {
      // A row from before seals (schema 1): check it the long way once, by a fold from the
      // nearest snapshot; the write then seals it.
      if (item_at_version(*m_session, sku, last->version) != cached->item) {
        throw mismatch(sku, "the read model says " + describe_item(cached->item));
      }
    } else if (cached->seal != seal_of(cached->item, last->hash)) {
      throw mismatch(sku, "the read model says " + describe_item(cached->item) +
                              ", which the log did not write");
    }
    tip.item = std::move(cached->item);
    tip.last_hash = last->hash;
    tip.last_position = last->position;
    tip.stored_reserved = tip.item.reserved;
  }
  return m_tips.emplace(std::string(sku), std::move(tip)).first->second;
}

domain::Item LogWriter::load(std::string_view sku) {
  return tip_of(sku).item;
}

void LogWriter::load_holdings(Tip& tip) {
  if (tip.holdings_loaded) {
    return;
  }
  const std::string& sku = tip.item.sku;
  std::vector<store::LotRow> stored;
  std::int64_t total = 0;
  m_session->scan_lots({sku, std::nullopt}, [&](const store::LotRow& row) {
    stored.push_back(row);
    total += row.lot.qty;
  });
  if (total != tip.stored_reserved) {
    throw mismatch(sku, "its open reservations add up to " + str(total) + ", but " +
                            str(tip.stored_reserved) + " are reserved");
  }
  // The lots opened in this transaction come after every stored one.
  auto fresh = std::move(tip.holdings);
  tip.holdings.clear();
  for (domain::Holding& holding : group_lots(stored)) {
    std::string ref = holding.ref;
    tip.holdings.emplace(std::move(ref), std::move(holding));
  }
  for (auto& [ref, opened] : fresh) {
    domain::Holding& holding = holding_of(tip, ref);
    holding.lots.insert(holding.lots.end(), opened.lots.begin(), opened.lots.end());
  }
  tip.stored_lots = std::move(stored);
  tip.holdings_loaded = true;
}

domain::Holding& LogWriter::holding_of(Tip& tip, std::string_view ref) {
  auto found = tip.holdings.find(ref);
  if (found == tip.holdings.end()) {
    found =
        tip.holdings.emplace(std::string(ref), domain::Holding{tip.item.sku, std::string(ref), {}})
            .first;
  }
  return found->second;
}

domain::Holdings LogWriter::holdings(std::string_view sku, std::string_view ref, bool every) {
  Tip& tip = tip_of(sku);
  load_holdings(tip);
  domain::Holdings result;
  const auto own = tip.holdings.find(ref);
  result.own = own != tip.holdings.end() ? own->second
                                         : domain::Holding{std::string(sku), std::string(ref), {}};
  if (every) {
    for (const auto& [holder, holding] : tip.holdings) {
      result.all.push_back(holding);
    }
  }
  return result;
}

std::vector<std::string> LogWriter::skus_held_by(std::string_view ref) {
  std::vector<std::string> skus;
  m_session->scan_lots({std::nullopt, std::string(ref)}, [&](const store::LotRow& row) {
    if (skus.empty() || skus.back() != row.sku) {
      skus.push_back(row.sku);
    }
  });
  for (const auto& [sku, tip] : m_tips) {  // reserved earlier in this transaction
    if (tip.holdings.contains(ref)) {
      skus.push_back(sku);
    }
  }
  std::sort(skus.begin(), skus.end());
  skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
  std::erase_if(skus, [&](const std::string& sku) { return holdings(sku, ref).own.qty() <= 0; });
  return skus;
}

std::vector<domain::Holding> LogWriter::open_holdings() {
  std::vector<std::string> skus;
  m_session->scan_lots({}, [&](const store::LotRow& row) {
    if (skus.empty() || skus.back() != row.sku) {
      skus.push_back(row.sku);
    }
  });
  for (const auto& [sku, tip] : m_tips) {
    if (!tip.holdings.empty()) {
      skus.push_back(sku);
    }
  }
  std::sort(skus.begin(), skus.end());
  skus.erase(std::unique(skus.begin(), skus.end()), skus.end());
  std::vector<domain::Holding> open;
  for (const std::string& sku : skus) {
    Tip& tip = tip_of(sku);
    load_holdings(tip);
    for (const auto& [ref, holding] : tip.holdings) {  // in ref order
      if (holding.qty() > 0) {
        open.push_back(holding);
      }
    }
  }
  return open;
}

void LogWriter::record(std::vector<store::RecordedEvent>& events, Tip& tip) {
  if (events.empty()) {
    return;
  }
  m_session->insert(events);
  std::vector<store::Snapshot> snapshots;
  for (const store::RecordedEvent& event : events) {
    const bool opens = std::holds_alternative<domain::StockReserved>(event.event);
    const bool draws = std::holds_alternative<domain::ReservationReleased>(event.event) ||
                       std::holds_alternative<domain::ReservationCompleted>(event.event);
    if (opens || draws) {
      if (draws) {
        load_holdings(tip);
      }
      domain::Holding& holding = holding_of(tip, domain::holding_ref(event.metadata.ref));
      const std::int64_t qty = opens ? std::get<domain::StockReserved>(event.event).qty
                               : std::holds_alternative<domain::ReservationReleased>(event.event)
                                   ? std::get<domain::ReservationReleased>(event.event).qty
                                   : std::get<domain::ReservationCompleted>(event.event).qty;
      if (opens) {
        domain::open_lot(holding.lots, event.position, event.recorded_at, qty);
      } else {
        domain::draw_lots(holding.lots, qty, event.position, event.recorded_at);
      }
      tip.holdings_dirty = true;
    }
    if (crosses_checkpoint(tip.last_position, event.position) &&
        tip.item.version % k_snapshot_interval != 0) {
      snapshots.push_back({tip.item, tip.last_position});
    }
    tip.item = fold(std::move(tip.item), event.event, event.recorded_at);
    tip.last_position = event.position;
    if (tip.item.version % k_snapshot_interval == 0) {
      snapshots.push_back({tip.item, event.position});
    }
  }
  if (!snapshots.empty()) {
    m_session->put_snapshots(snapshots);
  }
  const store::RecordedEvent& last = events.back();
  tip.last_hash = last.hash;
  if (!tip.dirty) {
    tip.dirty = true;
    m_dirty.push_back(tip.item.sku);
  }
  m_head = {last.position, last.hash, last.recorded_at};
}

std::vector<store::RecordedEvent> LogWriter::append(const domain::Item& item,
                                                    const std::vector<domain::Event>& events,
                                                    const store::EventMetadata& metadata) {
  Tip& tip = tip_of(item.sku);
  // recorded_at never goes back along positions, even if the clock does, so that "events at or
  // before TIME" is always a prefix of the log.
  const util::Timestamp now{util::now_micros()};
  if (m_head_time < now) {
    m_head_time = now;
  }
  const std::string recorded_at = util::format_rfc3339_micros(m_head_time.micros);
  std::vector<store::RecordedEvent> recorded;
  recorded.reserve(events.size());
  std::string prev_hash = m_head.hash;
  std::int64_t position = m_head.position;
  std::int64_t version = tip.item.version;
  for (const domain::Event& event : events) {
    store::RecordedEvent& r = recorded.emplace_back();
    r.position = ++position;
    r.sku = tip.item.sku;
    r.version = ++version;
    r.event = event;
    r.data = store::event_data_json(event);
    r.recorded_at = recorded_at;
    r.metadata = metadata;
    r.prev_hash = prev_hash;
    r.hash = store::chain_hash(r.prev_hash, store::canonical_json(r));
    prev_hash = r.hash;
  }
  record(recorded, tip);
  return recorded;
}

void LogWriter::append_recorded(const store::RecordedEvent& event) {
  if (event.position != m_head.position + 1) {
    throw broken("position " + str(event.position) + " does not follow this log's head " +
                 str(m_head.position));
  }
  if (event.prev_hash != m_head.hash) {
    throw broken("prev_hash of position " + str(event.position) + " is not the hash of position " +
                 str(m_head.position));
  }
  if (!intact(event)) {
    throw broken("hash of position " + str(event.position) + " is " + event.hash +
                 ", which its content does not give");
  }
  const auto time = time_of(event.recorded_at);
  if (!time || *time < m_head_time) {
    throw broken("recorded_at of position " + str(event.position) +
                 " is before that of the previous event");
  }
  Tip& tip = tip_of(event.sku);
  if (event.version != tip.item.version + 1) {
    throw broken("version " + str(event.version) + " of '" + event.sku + "' follows version " +
                 str(tip.item.version));
  }
  const bool creation = std::holds_alternative<domain::ItemCreated>(event.event);
  if (creation != (event.version == 1)) {
    throw broken("'" + event.sku + "' version " + str(event.version) + " cannot be " +
                 std::string(event.type()));
  }
  const domain::Item after = fold(tip.item, event.event, event.recorded_at);
  if (!domain::invariant_holds(after)) {
    throw broken("'" + event.sku + "' would fold to on_hand " + str(after.on_hand) + ", reserved " +
                 str(after.reserved) + ", available " + str(after.available));
  }
  std::vector<store::RecordedEvent> one{event};
  record(one, tip);
  m_head_time = *time;
}

std::vector<store::RecordedEvent> LogWriter::events_with_key(std::string_view key) {
  return m_session->events_with_key(key);
}

std::optional<std::string> LogWriter::command_for_key(
    std::string_view key, std::span<const store::RecordedEvent> events) {
  auto command = m_session->command_for_key(key);
  if (!command) {
    return command;
  }
  bool possible = !events.empty();
  if (*command != "apply") {
    // One event, or (a whole order, expire) one per SKU, all of that command.
    for (const store::RecordedEvent& event : events) {
      possible = possible && domain::is_command_of(*command, event.event);
    }
  }
  if (!possible) {
    throw Error(ExitCode::integrity, "read_model_mismatch",
                "the idempotency index says key '" + std::string(key) + "' was used for '" +
                    *command +
                    "', which the log does not show; nothing was appended: run 'inv verify', "
                    "then 'inv rebuild'");
  }
  return command;
}

void LogWriter::remember_command(std::string_view key, std::string_view command) {
  m_session->put_command_key({std::string(key), std::string(command)});
}

std::optional<domain::Item> LogWriter::item_at(std::string_view sku, std::int64_t version) {
  return item_at_version(*m_session, sku, version);
}

std::optional<store::RecordedEvent> LogWriter::event_at(std::int64_t position) {
  return m_session->event_at(position);
}

void LogWriter::commit() {
  // The read model is written once per item at commit, not once per event: a batch of a
  // million reserves over a few SKUs then costs a few row updates, not a million.
  std::vector<store::CachedItem> rows;
  rows.reserve(m_dirty.size());
  std::vector<store::LotRow> lots;
  for (const std::string& sku : m_dirty) {
    const Tip& tip = m_tips.find(sku)->second;
    rows.push_back({tip.item, seal_of(tip.item, tip.last_hash)});
    if (!tip.holdings_dirty) {
      continue;
    }
    // What changed since the lots were loaded (or, unloaded, the lots opened here): each stored
    // lot that is gone is written with qty 0, which removes it.
    std::map<std::pair<std::string_view, std::int64_t>, std::int64_t> before;
    for (const store::LotRow& row : tip.stored_lots) {
      before.emplace(std::pair<std::string_view, std::int64_t>(row.ref, row.lot.position),
                     row.lot.qty);
    }
    for (const auto& [ref, holding] : tip.holdings) {
      for (const domain::Lot& lot : holding.lots) {
        const auto was = before.find({ref, lot.position});
        if (was == before.end() || was->second != lot.qty) {
          lots.push_back({sku, ref, lot});
        }
        if (was != before.end()) {
          before.erase(was);
        }
      }
    }
    for (const auto& [key, qty] : before) {
      lots.push_back({sku, std::string(key.first), domain::Lot{key.second, {}, 0}});
    }
  }
  if (!rows.empty()) {
    m_session->put_items(rows);
    m_session->put_lots(lots);
    m_session->set_head(m_head);
  }
  m_session->commit();
}

// ---- Replay -------------------------------------------------------------------------------------

void Replay::fold(const store::StoredEventView& row) {
  const std::int64_t at = row.position;
  const std::string_view sku = row.sku;
  const auto report = [&](std::string kind, std::string message) {
    m_report(Problem{at, std::string(sku), std::move(kind), std::move(message)});
  };
  if (row.position != m_head.position + 1) {
    report("position_gap", "expected position " + str(m_head.position + 1) + ", found " + str(at));
  }
  if (row.prev_hash != m_head.hash) {
    report("chain_broken", "prev_hash is " + std::string(row.prev_hash) +
                               " but the previous event's hash is " + m_head.hash);
  }
  m_canonical.clear();
  store::append_canonical_json(
      m_canonical, {row.position, row.sku, row.version, row.type, row.data, row.recorded_at,
                    row.actor, row.ref, row.note, row.idempotency_key});
  const std::string hash = store::chain_hash(row.prev_hash, m_canonical);
  if (hash != row.hash) {
    report("hash_mismatch", "stored hash " + std::string(row.hash) + ", recomputed " + hash);
  }
  // Both are inv's fixed-width UTC form (the hash covers them), so byte order is time order.
  if (row.recorded_at < m_head.recorded_at) {
    report("time_out_of_order", "recorded_at " + std::string(row.recorded_at) +
                                    " is before the previous " + m_head.recorded_at);
  }
  m_head.position = row.position;
  m_head.hash = row.hash;
  m_head.recorded_at = row.recorded_at;
  ++m_events;

  auto found = m_items.find(row.sku);
  if (found == m_items.end()) {
    found = m_items.emplace(std::string(sku), ItemState{}).first;
    found->second.item.sku = sku;
  }
  ItemState& state = found->second;
  if (crosses_checkpoint(state.last_position, row.position) &&
      state.item.version % k_snapshot_interval != 0) {
    m_snapshots.push_back({state.item, state.last_position});
  }
  state.last_position = row.position;
  state.last_hash = row.hash;
  if (row.version != state.item.version + 1) {
    report("version_gap", "expected version " + str(state.item.version + 1) + " of '" +
                              std::string(sku) + "', found " + str(row.version));
  }
  const auto event = event_of(row);
  if (!event) {
    report("unknown_event",
           "type '" + std::string(row.type) + "' with these typed columns is not an event");
    state.item.version = row.version;
    return;
  }
  const std::string data = store::event_data_json(*event);
  if (data != row.data) {
    report("data_mismatch",
           "data " + std::string(row.data) + " disagrees with its typed columns " + data);
  }
  const bool creation = std::holds_alternative<domain::ItemCreated>(*event);
  if (creation != (row.version == 1)) {
    report("bad_creation",
           creation ? "ItemCreated at version " + str(row.version) + " of an existing item"
                    : "the first event of '" + std::string(sku) + "' is " + std::string(row.type) +
                          ", not ItemCreated");
  }
  const auto* reserved = std::get_if<domain::StockReserved>(&*event);
  if (reserved || std::holds_alternative<domain::ReservationReleased>(*event) ||
      std::holds_alternative<domain::ReservationCompleted>(*event)) {
    m_lot_key.assign(sku);
    m_lot_key.push_back('\0');
    if (row.ref) {
      m_lot_key.append(*row.ref);
    }
    auto lots = m_lots.find(m_lot_key);
    if (lots == m_lots.end()) {
      lots = m_lots.emplace(m_lot_key, std::vector<domain::Lot>{}).first;
    }
    if (reserved) {
      domain::open_lot(lots->second, row.position, row.recorded_at, reserved->qty);
    } else {
      domain::draw_lots(lots->second, row.qty.value_or(0), row.position, row.recorded_at);
    }
  }
  state.item = domain::evolve(std::move(state.item), *event);
  state.item.version = row.version;  // resynchronize after a gap, so one gap is one problem
  state.item.updated_at = row.recorded_at;
  if (!domain::invariant_holds(state.item)) {
    report("invariant_violated",
           "'" + std::string(sku) + "' folds to " + describe_item(state.item));
  }
  if (state.item.version % k_snapshot_interval == 0) {
    m_snapshots.push_back({state.item, row.position});
  }
}

std::vector<store::LotRow> Replay::lots() const {
  std::vector<const util::StringMap<std::vector<domain::Lot>>::value_type*> keys;
  keys.reserve(m_lots.size());
  for (const auto& entry : m_lots) {
    keys.push_back(&entry);
  }
  // sku NUL ref: byte order of the keys is (sku, ref) order.
  std::sort(keys.begin(), keys.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  std::vector<store::LotRow> rows;
  for (const auto* entry : keys) {
    const std::size_t nul = entry->first.find('\0');
    for (const domain::Lot& lot : entry->second) {
      rows.push_back({entry->first.substr(0, nul), entry->first.substr(nul + 1), lot});
    }
  }
  return rows;
}

}  // namespace inv::app
