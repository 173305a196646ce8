#pragma once
// The write use case: load the item, check the caller's expectations, decide, append, commit —
// all in one write transaction of the event store.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "inv/domain/commands.hpp"
#include "inv/domain/item.hpp"
#include "inv/store/event_store.hpp"
#include "inv/util/time.hpp"

namespace inv::app {

struct WriteOptions {
  std::optional<std::int64_t> expect_version;  // 0: the item must not exist yet
  bool dry_run = false;                        // decide and report, but roll back
  store::EventMetadata metadata;
  // The key was checked by the caller: a batch's key, carried by each of its events.
  bool key_checked_by_batch = false;
};

// What a write command did (or, for a dry run, would do).
struct WriteResult {
  domain::Item item;                         // the item after the command
  std::vector<store::RecordedEvent> events;  // as appended
  bool dry_run = false;
  bool duplicate = false;
  // A command over many items (a whole order, expire): each item after it, in SKU order, in
  // place of `item` (SPEC §8).
  bool many_items = false;
  std::vector<domain::Item> items;
};

// `release --ref R` / `complete --ref R` without SKU and quantity: every SKU that R holds, all
// of it, one event per SKU, in one transaction (SPEC §8).
struct WholeOrder {
  enum class Kind { release, complete };
  Kind kind = Kind::release;
  std::string ref;
  std::string_view name() const { return kind == Kind::release ? "release" : "complete"; }
};

// `expire --older-than DURATION`: releases every (SKU, ref) whose oldest open unit was reserved
// at or before `cutoff`.
struct Expire {
  util::Timestamp cutoff;
};

struct BatchLine;
class BatchReader;

struct BatchOptions {
  std::string source;  // for messages: "FILE:LINE: …"
  bool dry_run = false;
  std::string actor;
  std::optional<std::string> idempotency_key;  // the whole batch as one idempotent command
};

struct BatchResult {
  std::int64_t commands = 0;
  std::int64_t events = 0;
  bool dry_run = false;
  bool duplicate = false;
  store::Head head;
};

// Called for each line of a batch with its outcome (after the whole batch succeeded or not:
// outcomes are reported only for a batch that commits, or a dry run).
using LineOutcome = std::function<void(const BatchLine& line, const WriteResult& result)>;

class CommandService {
 public:
  explicit CommandService(store::Store& store) : m_store(store) {}

  // Runs `command` in one transaction. Checks, in order (SPEC §7): the idempotency key (a command
  // already committed with it is reported again with duplicate = true, and nothing is appended;
  // the key with another command is a conflict), --expect-version, existence of the item, the
  // business rules. Throws inv::Error with the exit code of the first failed check;
  // nothing is appended then.
  WriteResult execute(const domain::Command& command, const WriteOptions& options);
  // The same for a whole order: exit 4 "reservation_not_found" if its ref holds nothing.
  WriteResult execute(const WholeOrder& order, const WriteOptions& options);
  // Expires abandoned reservations (their events carry the note "expired"); nothing to expire
  // appends nothing and succeeds.
  WriteResult execute(const Expire& expire, const WriteOptions& options);

  // Runs every command of `reader` in one transaction, all or nothing (SPEC §3). An error names
  // the line ("FILE:LINE: …") and keeps the exit code the line's command would have had. With a
  // batch idempotency key, a re-run of the same batch appends nothing and reports the original
  // outcomes (duplicate = true); the key with another batch is a conflict.
  BatchResult apply(BatchReader& reader, const BatchOptions& options, const LineOutcome& outcome);

 private:
  store::Store& m_store;
};

}  // namespace inv::app
