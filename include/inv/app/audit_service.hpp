#pragma once
// The audit use cases: verify the whole log, rebuild the caches from it, import an exported log.

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "inv/app/event_log.hpp"
#include "inv/store/event_store.hpp"

namespace inv::app {

struct VerifyReport {
  bool ok() const { return problems.empty(); }
  std::int64_t events = 0;
  std::int64_t items = 0;
  store::Head head;
  std::string checked_at;           // when the check started (RFC 3339, UTC)
  std::vector<Problem> problems;    // the first k_max_problems found, in position order
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
  std::int64_t events = 0;   // appended
  std::int64_t skipped = 0;  // already in this log (the overlap)
  store::Head head;
};

class AuditService {
 public:
  static constexpr std::size_t k_max_problems = 10000;

  explicit AuditService(store::Store& store) : m_store(store) {}

  // Replays the whole log in one read transaction and checks: gap-free positions, per-item
  // versions, the hash chain, that data agrees with the typed columns, that every event folds
  // (creation first, invariant after each event), that the log ends at the head inv committed,
  // and that every cache equals the replay: read model rows and their seals, snapshots, the
  // idempotency index. With `expected`, the head must be exactly that; with `extends`, the event
  // at that position must have that hash (the log still holds a head pinned earlier).
  VerifyReport verify(const std::optional<ExpectedHead>& expected,
                      const std::optional<ExpectedHead>& extends, const Progress& progress);

  // Recreates the read model, the snapshots and the idempotency index from the log alone, in one
  // write transaction, after replaying it with every check of verify. Throws inv::Error
  // (integrity, "damaged_log") and changes nothing if the log itself has a problem.
  RebuildResult rebuild(const Progress& progress);

  // Syncs an `export` stream (NDJSON events) into this log, in one write transaction: where the
  // file overlaps this log its events must be this log's (same positions and hashes) and are
  // skipped; the events after this head are appended, and must continue it. Everything is
  // checked before the commit. Throws inv::Error: usage (a line that is not an event, naming
  // `source:line`), integrity (the file's chain, versions or folds are broken), conflict
  // (`import_diverged`: the overlap differs; `import_not_continuation`: the file starts after
  // this head). With `dry_run`, everything is checked and nothing is committed.
  ImportResult import_events(std::istream& input, const std::string& source,
                             const Progress& progress, bool dry_run = false);

 private:
  store::Store& m_store;
};

}  // namespace inv::app
