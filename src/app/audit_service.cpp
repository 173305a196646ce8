#include "inv/app/audit_service.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>

#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/store/event_json.hpp"

namespace inv::app {
namespace {

std::string str(std::int64_t value) {
  return std::to_string(value);
}

// Collects problems, keeping the first k_max_problems.
class Problems {
 public:
  explicit Problems(VerifyReport& report) : m_report(report) {}
  void add(Problem problem) {
    ++m_report.problems_total;
    if (m_report.problems.size() < AuditService::k_max_problems) {
      m_report.problems.push_back(std::move(problem));
    }
  }
  void add(std::int64_t position, std::string sku, std::string kind, std::string message) {
    add(Problem{position, std::move(sku), std::move(kind), std::move(message)});
  }

 private:
  VerifyReport& m_report;
};

constexpr std::int64_t k_progress_every = 65536;

// A snapshot stored as a checkpoint (k_checkpoint_interval), not for its version.
bool is_checkpoint(const store::Snapshot& snapshot) {
  return snapshot.item.version % k_snapshot_interval != 0;
}

// The checkpoint block a snapshot belongs to: the block of its last event's position.
std::int64_t block_of(const store::Snapshot& snapshot) {
  return (snapshot.position - 1) / k_checkpoint_interval;
}

// A digest of a set of snapshots that does not depend on their order: their count and the sum,
// lane by lane, of a SHA-256 of each (its state, version and position).
struct SnapshotDigest {
  std::int64_t count = 0;
  std::array<std::uint64_t, 4> sum{};

  void add(const store::Snapshot& snapshot) {
    const std::string hash = seal_of(snapshot.item, std::to_string(snapshot.position));
    for (std::size_t lane = 0; lane < sum.size(); ++lane) {
      sum[lane] += std::stoull(hash.substr(lane * 16, 16), nullptr, 16);
    }
    ++count;
  }
  friend bool operator==(const SnapshotDigest&, const SnapshotDigest&) = default;
};

// Problems of the log itself first, then those of the caches (whose position is the item's last
// event), each in position order; those at no event (position 0) last.
bool by_position(const Problem& a, const Problem& b) {
  const auto key = [](const Problem& p) {
    const bool cache = p.kind == "read_model_mismatch" || p.kind == "snapshot_mismatch" ||
                       p.kind == "reservations_mismatch" || p.kind == "idempotency_index_mismatch";
    return std::pair(cache,
                     p.position == 0 ? std::numeric_limits<std::int64_t>::max() : p.position);
  };
  return key(a) < key(b);
}

// Replays the whole log of `session` into `replay`, with the check of its tail.
// Replays the log up to `total` (its last stored position) one checkpoint block at a time, and
// hands the snapshots the replay found in each block to `take_snapshots`, so that no caller holds
// them all (a million-event log has some 300,000).
void replay_log(store::Session& session, Replay& replay, Problems& problems, std::int64_t total,
                std::int64_t& done, const Progress& progress,
                const std::function<void(std::vector<store::Snapshot>)>& take_snapshots) {
  for (std::int64_t from = 0; from < total; from += k_checkpoint_interval) {
    const std::int64_t to =
        from + k_checkpoint_interval < total ? from + k_checkpoint_interval : total;
    session.scan(from, to, [&](const store::StoredEventView& row) {
      replay.fold(row);
      if (progress && ++done % k_progress_every == 0) {
        progress(done, total);
      }
    });
    take_snapshots(replay.take_snapshots());
  }
  if (auto problem = check_tail(session.committed_head(), session.last_event())) {
    // A broken last event was already reported by the replay; a head record that does not
    // match the log was not.
    if (problem->kind != "hash_mismatch") {
      problems.add(std::move(*problem));
    }
  }
}

// The idempotency index rows that no command could have left: (key, problem) in key order.
void check_command_keys(store::Session& session,
                        const std::function<void(const store::CommandKey&, Problem)>& report) {
  std::vector<store::CommandKey> rows;
  session.scan_command_keys([&](const store::CommandKey& row) { rows.push_back(row); });
  for (const store::CommandKey& row : rows) {
    const auto events = session.events_with_key(row.key);
    bool possible = !events.empty();
    if (possible && row.command != "apply") {
      for (const store::RecordedEvent& event : events) {  // one event, or one per SKU
        possible = possible && domain::is_command_of(row.command, event.event);
      }
    }
    if (!possible) {
      report(row, Problem{events.empty() ? 0 : events[0].position,
                          events.empty() ? "" : events[0].sku, "idempotency_index_mismatch",
                          "the idempotency index says key '" + row.key + "' was used for '" +
                              row.command + "', but the log " +
                              (events.empty() ? std::string("has no event with that key")
                                              : "shows " + std::string(events[0].type()) +
                                                    " at "
                                                    "position " +
                                                    str(events[0].position))});
    }
  }
}

}  // namespace

VerifyReport AuditService::verify(const std::optional<ExpectedHead>& expected,
                                  const std::optional<ExpectedHead>& extends,
                                  const Progress& progress) {
  VerifyReport report;
  report.checked_at = util::format_rfc3339_micros(util::now_micros());
  Problems problems(report);
  auto session = m_store.begin(store::Store::Mode::read);
  const auto last = session->last_event();
  const store::Head stored_head =
      last ? store::Head{last->position, last->hash, last->recorded_at} : store::Head{};

  Replay replay([&](Problem problem) { problems.add(std::move(problem)); });
  std::int64_t done = 0;
  // The snapshots the log should have: those of every k_snapshot_interval-th version as they are
  // (a few per thousand events), the checkpoints (up to one per item per block) as a digest per
  // block, so that verify's memory does not grow with the log.
  std::vector<store::Snapshot> expected_snapshots;
  std::map<std::int64_t, SnapshotDigest> expected_checkpoints;
  const bool has_checkpoints = session->cache_version() >= k_cache_version;
  replay_log(*session, replay, problems, stored_head.position, done, progress,
             [&](std::vector<store::Snapshot> found) {
               for (store::Snapshot& snapshot : found) {
                 if (is_checkpoint(snapshot)) {
                   if (has_checkpoints) {
                     expected_checkpoints[block_of(snapshot)].add(snapshot);
                   }
                 } else {
                   expected_snapshots.push_back(std::move(snapshot));
                 }
               }
             });
  report.events = replay.events();
  report.head = stored_head;
  report.items = static_cast<std::int64_t>(replay.items().size());

  if (expected &&
      (expected->position != stored_head.position || expected->hash != stored_head.hash)) {
    problems.add(stored_head.position, "", "head_mismatch",
                 "expected head " + str(expected->position) + ":" + expected->hash + ", found " +
                     str(stored_head.position) + ":" + stored_head.hash);
  }
  if (extends) {
    const auto pinned = session->event_at(extends->position);
    if (!pinned || pinned->hash != extends->hash) {
      problems.add(extends->position, pinned ? pinned->sku : "", "head_mismatch",
                   "expected the log to hold " + str(extends->position) + ":" + extends->hash +
                       (pinned ? ", found hash " + pinned->hash
                               : ", but it ends at position " + str(stored_head.position)));
    }
  }

  // The caches. The read model must equal the replay, row for row, and carry the log's seal…
  const auto& items = replay.items();
  std::vector<std::string> in_read_model;
  session->scan_items("", [&](const store::CachedItem& stored) {
    in_read_model.push_back(stored.item.sku);
    const auto found = items.find(stored.item.sku);
    if (found == items.end()) {
      problems.add(0, stored.item.sku, "read_model_mismatch",
                   "read model has '" + stored.item.sku + "', which has no events");
    } else if (!(found->second.item == stored.item)) {
      problems.add(found->second.last_position, stored.item.sku, "read_model_mismatch",
                   "read model of '" + stored.item.sku + "' says " + describe_item(stored.item) +
                       "; the log says " + describe_item(found->second.item));
    } else if (!stored.seal.empty() &&
               stored.seal != seal_of(stored.item, found->second.last_hash)) {
      problems.add(found->second.last_position, stored.item.sku, "read_model_mismatch",
                   "read model row of '" + stored.item.sku + "' has a seal the log did not give");
    }
  });
  std::vector<const util::StringMap<Replay::ItemState>::value_type*> missing;
  for (const auto& entry : items) {
    if (!std::binary_search(in_read_model.begin(), in_read_model.end(), entry.first)) {
      missing.push_back(&entry);
    }
  }
  for (const auto* entry : missing) {
    problems.add(entry->second.last_position, entry->first, "read_model_mismatch",
                 "read model has no row for '" + entry->first + "'");
  }

  // …the snapshots must be exactly the replayed states at every k_snapshot_interval-th version,
  // and the checkpoints of each block exactly the replay's (compared by digest)…
  const auto by_key = [](const store::Snapshot& a, const store::Snapshot& b) {
    return std::tie(a.item.sku, a.item.version) < std::tie(b.item.sku, b.item.version);
  };
  std::sort(expected_snapshots.begin(), expected_snapshots.end(), by_key);
  std::map<std::int64_t, SnapshotDigest> stored_checkpoints;
  auto want = expected_snapshots.begin();
  const auto unexpected = [&](const store::Snapshot& have) {
    problems.add(
        have.position, have.item.sku, "snapshot_mismatch",
        "unexpected snapshot of '" + have.item.sku + "' at version " + str(have.item.version));
  };
  session->scan_snapshots([&](const store::Snapshot& have) {
    if (is_checkpoint(have)) {
      stored_checkpoints[block_of(have)].add(have);
      return;
    }
    while (want != expected_snapshots.end() && by_key(*want, have)) {
      problems.add(want->position, want->item.sku, "snapshot_mismatch",
                   "no snapshot of '" + want->item.sku + "' at version " + str(want->item.version));
      ++want;
    }
    if (want == expected_snapshots.end() || by_key(have, *want)) {
      unexpected(have);
      return;
    }
    if (!(*want == have)) {
      problems.add(want->position, have.item.sku, "snapshot_mismatch",
                   "snapshot of '" + have.item.sku + "' says " + describe_item(have.item) +
                       "; the log says " + describe_item(want->item));
    }
    ++want;
  });
  for (; want != expected_snapshots.end(); ++want) {
    problems.add(want->position, want->item.sku, "snapshot_mismatch",
                 "no snapshot of '" + want->item.sku + "' at version " + str(want->item.version));
  }
  for (const auto& [block, digest] : stored_checkpoints) {
    expected_checkpoints.try_emplace(block);  // a block the log has none for
  }
  for (const auto& [block, digest] : expected_checkpoints) {
    const auto stored = stored_checkpoints.find(block);
    const SnapshotDigest none;
    const SnapshotDigest& have = stored == stored_checkpoints.end() ? none : stored->second;
    if (!(have == digest)) {
      const std::int64_t first = block * k_checkpoint_interval + 1;
      problems.add(first, "", "snapshot_mismatch",
                   "the checkpoint snapshots of positions " + str(first) + " to " +
                       str(first + k_checkpoint_interval - 1) + " are not the log's (" +
                       str(have.count) + " stored, " + str(digest.count) +
                       " expected, or the same number with other states)");
    }
  }

  // …the open reservations must be the replay's, lot for lot (once built by the current rules)…
  if (session->cache_version() >= k_cache_version) {
    std::vector<store::LotRow> stored;
    session->scan_lots({}, [&](const store::LotRow& row) { stored.push_back(row); });
    const std::vector<domain::Holding> have = group_lots(stored);
    const std::vector<domain::Holding> want_lots = group_lots(replay.lots());
    const auto key = [](const domain::Holding& h) { return std::tie(h.sku, h.ref); };
    const auto differ = [&](const domain::Holding& h, const std::string& what) {
      const std::int64_t at = h.lots.empty() ? 0 : h.lots.front().position;
      problems.add(at, h.sku, "reservations_mismatch",
                   "open reservations of '" + h.sku + "' held by " +
                       domain::describe_holder(h.ref) + ": " + what);
    };
    auto a = have.begin();
    auto b = want_lots.begin();
    while (a != have.end() || b != want_lots.end()) {
      if (b == want_lots.end() || (a != have.end() && key(*a) < key(*b))) {
        differ(*a, "the cache has " + str(a->qty()) + ", the log none");
        ++a;
      } else if (a == have.end() || key(*b) < key(*a)) {
        differ(*b, "the log has " + str(b->qty()) + ", the cache none");
        ++b;
      } else {
        if (a->lots != b->lots) {
          differ(*b, "the cache has " + str(a->qty()) + " since " + a->since() + ", the log " +
                         str(b->qty()) + " since " + b->since());
        }
        ++a;
        ++b;
      }
    }
  }

  // …and every idempotency index row must be one that a command could have left.
  check_command_keys(*session, [&](const store::CommandKey&, Problem problem) {
    problems.add(std::move(problem));
  });

  std::stable_sort(report.problems.begin(), report.problems.end(), by_position);
  return report;
}

RebuildResult AuditService::rebuild(const Progress& progress) {
  RebuildResult result;
  auto session = m_store.begin(store::Store::Mode::write);
  const auto last = session->last_event();
  VerifyReport report;
  Problems problems(report);
  Replay replay([&](Problem problem) { problems.add(std::move(problem)); });
  std::int64_t done = 0;
  // The snapshots are written block by block as the replay finds them; if the log has problems,
  // nothing is committed.
  session->clear_caches();
  replay_log(*session, replay, problems, last ? last->position : 0, done, progress,
             [&](std::vector<store::Snapshot> found) {
               result.snapshots += static_cast<std::int64_t>(found.size());
               if (report.problems.empty()) {
                 session->put_snapshots(found);
               }
             });
  if (!report.problems.empty()) {
    std::stable_sort(report.problems.begin(), report.problems.end(), by_position);
    const Problem& first = report.problems.front();
    throw Error(ExitCode::integrity, "damaged_log",
                "cannot rebuild: the log itself has " + str(report.problems_total) +
                    (report.problems_total == 1 ? " problem" : " problems") +
                    ", the first at position " + str(first.position) + " (" + first.kind + ": " +
                    first.message + "); nothing was changed: run 'inv verify'");
  }
  write_caches(*session, replay);
  // An index row that no command could have left goes; the log's events then decide.
  check_command_keys(*session, [&](const store::CommandKey& row, const Problem&) {
    session->remove_command_key(row.key);
  });
  session->set_head(replay.head());
  session->commit();
  result.events = replay.events();
  result.items = static_cast<std::int64_t>(replay.items().size());
  return result;
}

ImportResult AuditService::import_events(std::istream& input, const std::string& source,
                                         const Progress& progress, bool dry_run) {
  LogWriter log(m_store.begin(store::Store::Mode::write));
  const store::Head head = log.head();
  ImportResult result;
  result.head = head;

  // Where the file does not continue this log, the items' starting states are unknown, so only
  // the versions within the file are checked.
  util::StringMap<std::int64_t> file_versions;
  bool continues = true;
  std::string conflict_code;
  std::string first_problem;  // why the file does not continue this log, if it does not
  store::RecordedEvent previous;
  bool first = true;
  std::string line;
  std::int64_t line_number = 0;

  const auto broken = [&](std::int64_t at_line, const std::string& message) {
    return Error(ExitCode::integrity, "broken_import",
                 source + ":" + str(at_line) + ": " + message + "; nothing was imported");
  };
  const auto diverge = [&](std::string code, std::string why) {
    if (continues) {
      continues = false;
      conflict_code = std::move(code);
      first_problem = std::move(why);
    }
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

    // The file's own chain: a correct hash, consecutive positions, linked, ordered times.
    const std::string hash = store::chain_hash(event.prev_hash, store::canonical_json(event));
    if (hash != event.hash) {
      throw broken(line_number, "hash of position " + str(event.position) + " is " + event.hash +
                                    ", recomputed " + hash);
    }
    if (first && event.position == 1 && event.prev_hash != store::k_genesis_hash) {
      throw broken(line_number, "the first event's prev_hash is not 64 zeros");
    }
    if (!first) {
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
    auto [version, created] = file_versions.try_emplace(event.sku, event.version - 1);
    if (event.version != version->second + 1) {
      throw broken(line_number, "version " + str(event.version) + " of '" + event.sku +
                                    "' follows version " + str(version->second));
    }
    version->second = event.version;
    first = false;

    if (event.position <= head.position) {
      // The overlap: it must be this log's own events. One hash stands for the whole prefix.
      const auto ours = log.event_at(event.position);
      if (!ours || ours->hash != event.hash) {
        diverge("import_diverged", "at position " + str(event.position) + " it has hash " +
                                       event.hash + ", this log " +
                                       (ours ? ours->hash : std::string("has no event")));
      }
      ++result.skipped;
    } else if (continues) {
      if (event.position != head.position + 1 && result.events == 0 && result.skipped == 0) {
        diverge("import_not_continuation",
                "it starts at position " + str(event.position) + " after hash " + event.prev_hash +
                    ", but this log's head is " + str(head.position) + ":" + head.hash);
      } else {
        try {
          log.append_recorded(event);
        } catch (const Error& error) {
          if (error.code() != "broken_log") {
            throw;  // this database's own state (a damaged log, a hand-edited row), or storage
          }
          if (event.position != head.position + 1 || event.prev_hash == head.hash) {
            throw broken(line_number, error.what());
          }
          diverge(result.skipped > 0 ? "import_diverged" : "import_not_continuation",
                  "its position " + str(event.position) + " follows hash " + event.prev_hash +
                      ", but this log's head is " + str(head.position) + ":" + head.hash);
        }
        if (continues) {
          ++result.events;
        }
      }
    }
    if (progress && (result.events + result.skipped) % k_progress_every == 0) {
      progress(result.events + result.skipped, 0);
    }
    previous = std::move(event);
  }
  if (input.bad()) {
    throw Error(ExitCode::storage, "io_error", "cannot read " + source);
  }
  if (!continues) {
    throw Error(ExitCode::conflict, conflict_code,
                source +
                    (conflict_code == "import_diverged" ? " diverges from this log: "
                                                        : " does not continue this log: ") +
                    first_problem + "; nothing was imported");
  }
  if (result.events > 0) {
    if (!dry_run) {
      log.commit();
    }
    result.head = log.head();
  }
  return result;
}

}  // namespace inv::app
