#pragma once
// The write use case: load the item, check the caller's expectations, decide, append, commit —
// all in one write transaction of the event store.

#include <optional>
#include <vector>

#include "inv/domain/commands.hpp"
#include "inv/domain/item.hpp"
#include "inv/store/event_store.hpp"

namespace inv::app {

struct WriteOptions {
  std::optional<std::int64_t> expect_version;  // 0: the item must not exist yet
  bool dry_run = false;                        // decide and report, but roll back
  store::EventMetadata metadata;
};

// What a write command did (or, for a dry run, would do).
struct WriteResult {
  domain::Item item;                          // the item after the command
  std::vector<store::RecordedEvent> events;   // as appended
  bool dry_run = false;
  bool duplicate = false;
};

class CommandService {
 public:
  explicit CommandService(store::EventStore& store) : m_store(store) {}

  // Runs `command` in one transaction. Checks, in order (SPEC §7): the idempotency key (a command
  // already committed with it is reported again with duplicate = true, and nothing is appended;
  // the key with another command is a conflict), --expect-version, existence of the item, the
  // business rules. Throws inv::Error with the exit code of the first failed check;
  // nothing is appended then.
  WriteResult execute(const domain::Command& command, const WriteOptions& options);

 private:
  store::EventStore& m_store;
};

}  // namespace inv::app
