#pragma once
// The audit use cases: verify the whole log, rebuild the caches from it, import an exported log.

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "inv/store/event_store.hpp"

namespace inv::app {

struct Problem {
  std::int64_t position =
      0;                // 0 when the problem is not at one event (e.g. an extra read model row)
  std::string kind;     // stable snake_case, e.g. "hash_mismatch"
  std::string message;  // expected vs actual
};

struct VerifyReport {
  bool ok() const { return problems.empty(); }
  std::int64_t events = 0;
  std::int64_t items = 0;
  store::Head head;
  std::vector<Problem> problems;    // the first k_max_problems, in the order found
  std::int64_t problems_total = 0;  // all of them, including those not kept
};

struct ExpectedHead {
  std::int64_t position = 0;
  std::string hash;
};

// Called now and then during long work with (done, total); total is 0 when unknown.
using Progress = std::function<void(std::int64_t done, std::int64_t total)>;

struct RebuildResult {
  std::int64_t events = 0;
  std::int64_t items = 0;
  std::int64_t snapshots = 0;
};

struct ImportResult {
  std::int64_t events = 0;
  store::Head head;
};

class AuditService {
 public:
  static constexpr std::size_t k_max_problems = 10000;

  explicit AuditService(store::EventStore& store) : m_store(store) {}

  // Replays the whole log in one read transaction and checks: gap-free positions, per-item
  // versions, the hash chain, that data agrees with the typed columns, that every event folds
  // (creation first, invariant after each event), and that the read model and snapshots equal the
  // replay. With `expected`, the head must be exactly that (catches a truncated tail).
  VerifyReport verify(const std::optional<ExpectedHead>& expected, const Progress& progress);

  // Recreates the read model and the snapshots from the log alone, in one write transaction.
  RebuildResult rebuild(const Progress& progress);

  // Loads an `export` stream (NDJSON events) into this log, in one write transaction: into an
  // empty database, or as an exact continuation (first position = head + 1, its prev_hash = the
  // head's hash). Everything is checked before the commit. Throws inv::Error: usage (a line that
  // is not an event, naming `source:line`), integrity (the file's chain, versions or folds are
  // broken), conflict (a valid export that does not continue this log).
  // With `dry_run`, everything is checked and nothing is committed.
  ImportResult import_events(std::istream& input, const std::string& source,
                             const Progress& progress, bool dry_run = false);

 private:
  store::EventStore& m_store;
};

}  // namespace inv::app
