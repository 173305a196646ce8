#include "inv/app/audit_service.hpp"

#include <algorithm>
#include <string>

#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/event_json.hpp"
#include "inv/store/schema.hpp"
#include "inv/util/string_map.hpp"

namespace inv::app {
namespace {

struct ItemState {
  domain::Item item;
  std::int64_t last_position = 0;
};
using ItemMap = util::StringMap<ItemState>;  // by SKU, probed with views: no allocation per event

ItemState& state_of(ItemMap& items, std::string_view sku) {
  auto found = items.find(sku);
  if (found == items.end()) {
    found = items.emplace(std::string(sku), ItemState{}).first;
    found->second.item.sku = sku;
  }
  return found->second;
}

std::string str(std::int64_t value) {
  return std::to_string(value);
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

std::string describe_item(const domain::Item& item) {
  return "on_hand " + str(item.on_hand) + ", reserved " + str(item.reserved) + ", available " +
         str(item.available) + ", version " + str(item.version) + ", updated_at " + item.updated_at;
}

// Collects problems, keeping the first k_max_problems.
class Problems {
 public:
  explicit Problems(VerifyReport& report) : m_report(report) {}
  void add(std::int64_t position, std::string kind, std::string message) {
    ++m_report.problems_total;
    if (m_report.problems.size() < AuditService::k_max_problems) {
      m_report.problems.push_back({position, std::move(kind), std::move(message)});
    }
  }

 private:
  VerifyReport& m_report;
};

constexpr std::int64_t k_progress_every = 65536;

}  // namespace

VerifyReport AuditService::verify(const std::optional<ExpectedHead>& expected,
                                  const Progress& progress) {
  VerifyReport report;
  Problems problems(report);
  auto session = m_store.begin_read();
  const store::Head stored_head = session->head();

  ItemMap items;
  std::vector<store::Snapshot> expected_snapshots;
  std::int64_t expected_position = 1;
  std::string previous_hash = store::k_genesis_hash;
  std::string previous_recorded_at;
  std::string canonical;
  canonical.reserve(1024);

  session->scan_log(0, [&](const store::StoredEventView& row) {
    const std::int64_t at = row.position;
    if (row.position != expected_position) {
      problems.add(at, "position_gap",
                   "expected position " + str(expected_position) + ", found " + str(at));
    }
    expected_position = row.position + 1;

    if (row.prev_hash != previous_hash) {
      problems.add(at, "chain_broken",
                   "prev_hash is " + std::string(row.prev_hash) +
                       " but the previous event's hash is " + previous_hash);
    }
    canonical.clear();
    store::append_canonical_json(
        canonical, {row.position, row.sku, row.version, row.type, row.data, row.recorded_at,
                    row.actor, row.ref, row.note, row.idempotency_key});
    const std::string hash = store::chain_hash(row.prev_hash, canonical);
    if (hash != row.hash) {
      problems.add(at, "hash_mismatch",
                   "stored hash " + std::string(row.hash) + ", recomputed " + hash);
    }
    previous_hash = row.hash;

    if (row.recorded_at < previous_recorded_at) {
      problems.add(at, "time_out_of_order",
                   "recorded_at " + std::string(row.recorded_at) + " is before the previous " +
                       previous_recorded_at);
    }
    previous_recorded_at = row.recorded_at;
    ++report.events;
    if (progress && report.events % k_progress_every == 0) {
      progress(report.events, stored_head.position);
    }

    ItemState& state = state_of(items, row.sku);
    if (row.version != state.item.version + 1) {
      problems.add(at, "version_gap",
                   "expected version " + str(state.item.version + 1) + " of '" +
                       std::string(row.sku) + "', found " + str(row.version));
    }
    const auto event = event_of(row);
    if (!event) {
      problems.add(at, "unknown_event",
                   "type '" + std::string(row.type) + "' with these typed columns is not an event");
      state.item.version = row.version;
      return;
    }
    const std::string data = store::event_data_json(*event);
    if (data != row.data) {
      problems.add(at, "data_mismatch",
                   "data " + std::string(row.data) + " disagrees with its typed columns " + data);
    }
    const bool creation = std::holds_alternative<domain::ItemCreated>(*event);
    if (creation != (row.version == 1)) {
      problems.add(at, "bad_creation",
                   creation ? "ItemCreated at version " + str(row.version) + " of an existing item"
                            : "the first event of '" + std::string(row.sku) + "' is " +
                                  std::string(row.type) + ", not ItemCreated");
    }
    state.item = domain::evolve(std::move(state.item), *event);
    state.item.version = row.version;  // resynchronize after a gap, so one gap is one problem
    state.item.updated_at = row.recorded_at;
    state.last_position = row.position;
    if (!domain::invariant_holds(state.item)) {
      problems.add(at, "invariant_violated",
                   "'" + std::string(row.sku) + "' folds to " + describe_item(state.item));
    }
    if (state.item.version % store::k_snapshot_interval == 0) {
      expected_snapshots.push_back({state.item, row.position});
    }
  });
  report.head = stored_head;
  report.items = static_cast<std::int64_t>(items.size());

  if (expected &&
      (expected->position != stored_head.position || expected->hash != stored_head.hash)) {
    problems.add(stored_head.position, "head_mismatch",
                 "expected head " + str(expected->position) + ":" + expected->hash + ", found " +
                     str(stored_head.position) + ":" + stored_head.hash);
  }

  // Problems of the log itself came first, in position order. Then the caches: the read model
  // must equal the replay, row for row (in SKU order)…
  std::vector<std::string> in_read_model;
  for (const domain::Item& stored : session->read_model()) {
    in_read_model.push_back(stored.sku);
    const auto found = items.find(stored.sku);
    if (found == items.end()) {
      problems.add(0, "read_model_mismatch",
                   "read model has '" + stored.sku + "', which has no events");
    } else if (!(found->second.item == stored)) {
      problems.add(found->second.last_position, "read_model_mismatch",
                   "read model of '" + stored.sku + "' says " + describe_item(stored) +
                       "; the log says " + describe_item(found->second.item));
    }
  }
  std::sort(in_read_model.begin(), in_read_model.end());
  std::vector<const ItemMap::value_type*> missing;
  for (const auto& entry : items) {
    if (!std::binary_search(in_read_model.begin(), in_read_model.end(), entry.first)) {
      missing.push_back(&entry);
    }
  }
  std::sort(missing.begin(), missing.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : missing) {
    problems.add(entry->second.last_position, "read_model_mismatch",
                 "read model has no row for '" + entry->first + "'");
  }

  // …and the snapshots must be exactly the replayed states at every k_snapshot_interval-th version.
  const auto by_key = [](const store::Snapshot& a, const store::Snapshot& b) {
    return std::tie(a.item.sku, a.item.version) < std::tie(b.item.sku, b.item.version);
  };
  std::sort(expected_snapshots.begin(), expected_snapshots.end(), by_key);
  const std::vector<store::Snapshot> stored_snapshots = session->snapshots();
  auto want = expected_snapshots.begin();
  auto have = stored_snapshots.begin();
  while (want != expected_snapshots.end() || have != stored_snapshots.end()) {
    if (have == stored_snapshots.end() ||
        (want != expected_snapshots.end() && by_key(*want, *have))) {
      problems.add(want->position, "snapshot_mismatch",
                   "no snapshot of '" + want->item.sku + "' at version " + str(want->item.version));
      ++want;
    } else if (want == expected_snapshots.end() || by_key(*have, *want)) {
      problems.add(
          have->position, "snapshot_mismatch",
          "unexpected snapshot of '" + have->item.sku + "' at version " + str(have->item.version));
      ++have;
    } else {
      if (!(*want == *have)) {
        problems.add(want->position, "snapshot_mismatch",
                     "snapshot of '" + have->item.sku + "' says " + describe_item(have->item) +
                         "; the log says " + describe_item(want->item));
      }
      ++want;
      ++have;
    }
  }
  return report;
}

RebuildResult AuditService::rebuild(const Progress& progress) {
  RebuildResult result;
  auto session = m_store.begin_write();
  const std::int64_t total = session->head().position;
  ItemMap items;
  std::vector<store::Snapshot> snapshots;
  session->scan_log(0, [&](const store::StoredEventView& row) {
    const auto event = event_of(row);
    if (!event) {
      throw Error(ExitCode::integrity, "damaged_log",
                  "cannot rebuild: the event at position " + str(row.position) +
                      " is not a known event; run 'inv verify'");
    }
    ItemState& state = state_of(items, row.sku);
    state.item = domain::evolve(std::move(state.item), *event);
    state.item.version = row.version;
    state.item.updated_at = row.recorded_at;
    if (state.item.version % store::k_snapshot_interval == 0) {
      snapshots.push_back({state.item, row.position});
    }
    ++result.events;
    if (progress && result.events % k_progress_every == 0) {
      progress(result.events, total);
    }
  });
  std::vector<domain::Item> read_model;
  read_model.reserve(items.size());
  for (auto& [sku, state] : items) {
    read_model.push_back(std::move(state.item));
  }
  session->replace_read_models(read_model, snapshots);
  session->commit();
  result.items = static_cast<std::int64_t>(read_model.size());
  result.snapshots = static_cast<std::int64_t>(snapshots.size());
  return result;
}

ImportResult AuditService::import_events(std::istream& input, const std::string& source,
                                         const Progress& progress, bool dry_run) {
  auto session = m_store.begin_write();
  const store::Head head = session->head();
  ImportResult result;
  result.head = head;

  ItemMap items;  // items touched by the import, starting from their state in this database
  bool continues = true;
  std::string first_problem;  // why the file does not continue this log, if it does not
  store::RecordedEvent previous;
  std::string line;
  std::int64_t line_number = 0;

  const auto broken = [&](std::int64_t at_line, const std::string& message) {
    return Error(ExitCode::integrity, "broken_import",
                 source + ":" + str(at_line) + ": " + message + "; nothing was imported");
  };

  while (std::getline(input, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos) {
      continue;
    }
    store::RecordedEvent event;
    try {
      event = store::parse_event_json(line);
    } catch (const Error& error) {
      throw Error(ExitCode::usage, "invalid_import_line",
                  source + ":" + str(line_number) + ": not an inv event: " + error.what() +
                      "; nothing was imported");
    }

    // The file's own chain: consecutive positions, linked and correct hashes, ordered times.
    const std::string hash = store::chain_hash(event.prev_hash, store::canonical_json(event));
    if (hash != event.hash) {
      throw broken(line_number, "hash of position " + str(event.position) + " is " + event.hash +
                                    ", recomputed " + hash);
    }
    if (result.events == 0) {
      if (event.position != head.position + 1 || event.prev_hash != head.hash) {
        continues = false;
        first_problem = "it starts at position " + str(event.position) + " after hash " +
                        event.prev_hash + ", but this log's head is " + str(head.position) + ":" +
                        head.hash;
      }
    } else {
      if (event.position != previous.position + 1) {
        throw broken(line_number, "position " + str(event.position) + " follows position " +
                                      str(previous.position));
      }
      if (event.prev_hash != previous.hash) {
        throw broken(line_number, "prev_hash of position " + str(event.position) +
                                      " is not the hash of position " + str(previous.position));
      }
      if (event.recorded_at < previous.recorded_at) {
        throw broken(line_number, "recorded_at of position " + str(event.position) +
                                      " is before that of the previous event");
      }
    }
    if (continues && result.events == 0 && !head.recorded_at.empty() &&
        event.recorded_at < head.recorded_at) {
      throw broken(line_number,
                   "recorded_at of position " + str(event.position) + " is before this log's head");
    }

    // Versions and folds, per item. Where the file does not continue this log, the items'
    // starting states are unknown, so only the versions within the file can be checked.
    auto found = items.find(event.sku);
    if (found == items.end()) {
      ItemState state;
      if (continues) {
        state.item = session->load(event.sku);
      } else {
        state.item.sku = event.sku;
        state.item.version = event.version - 1;
      }
      found = items.emplace(event.sku, std::move(state)).first;
    }
    ItemState& state = found->second;
    if (event.version != state.item.version + 1) {
      throw broken(line_number, "version " + str(event.version) + " of '" + event.sku +
                                    "' follows version " + str(state.item.version));
    }
    if (continues) {
      const bool creation = std::holds_alternative<domain::ItemCreated>(event.event);
      if (creation != (event.version == 1)) {
        throw broken(line_number, "'" + event.sku + "' version " + str(event.version) +
                                      " cannot be " + std::string(event.type()));
      }
      state.item = domain::evolve(std::move(state.item), event.event);
      state.item.updated_at = event.recorded_at;
      if (!domain::invariant_holds(state.item)) {
        throw broken(line_number, "'" + event.sku + "' would fold to on_hand " +
                                      str(state.item.on_hand) + ", reserved " +
                                      str(state.item.reserved) + ", available " +
                                      str(state.item.available));
      }
      session->append_recorded(event, state.item);
    } else {
      state.item.version = event.version;
    }
    ++result.events;
    if (progress && result.events % k_progress_every == 0) {
      progress(result.events, 0);
    }
    previous = std::move(event);
  }
  if (input.bad()) {
    throw Error(ExitCode::storage, "io_error", "cannot read " + source);
  }
  if (!continues) {
    throw Error(
        ExitCode::conflict, "import_not_continuation",
        source + " does not continue this log: " + first_problem + "; nothing was imported");
  }
  if (result.events > 0) {
    if (!dry_run) {
      session->commit();
    }
    result.head = {previous.position, previous.hash, previous.recorded_at};
  }
  return result;
}

}  // namespace inv::app
