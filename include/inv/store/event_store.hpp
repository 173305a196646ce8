#pragma once
// The event store interface. The SQLite store implements it today; a PostgreSQL store can join
// it without touching the domain, the application layer or the CLI.
//
// The log is one table of events with a global, gap-free `position` (commit order) and a
// per-item, gap-free `version`. Writers serialize on one write lock (a WriteSession): load the
// item, decide, append at version + 1 and position head + 1, update the read model, commit.
// Each event is chained to the previous one by SHA-256 (SPEC §2), so edits are detectable.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inv/domain/events.hpp"
#include "inv/domain/item.hpp"

namespace inv::store {

// The prev_hash of the first event: 64 zeros.
inline const std::string k_genesis_hash(64, '0');

// Who and why, as recorded with each event of one command.
struct EventMetadata {
  std::string actor;
  std::optional<std::string> ref;
  std::optional<std::string> note;
  std::optional<std::string> idempotency_key;
};

// An event as stored, with everything SPEC §4 prints for it.
struct RecordedEvent {
  std::int64_t position = 0;
  std::string sku;
  std::int64_t version = 0;
  domain::Event event;
  std::string data;  // canonical JSON of the event's data, as stored and hashed
  std::string recorded_at;
  EventMetadata metadata;
  std::string prev_hash;
  std::string hash;

  std::string_view type() const { return domain::type_name(event); }
};

struct Head {
  std::int64_t position = 0;
  std::string hash = k_genesis_hash;
  std::string recorded_at;  // empty for an empty log
};

struct HistoryFilter {
  std::optional<std::string> sku;
  std::int64_t after_position = 0;  // --since: exclusive
  std::optional<std::int64_t> limit;
  std::optional<std::string> type;
};

struct Stats {
  std::int64_t events = 0;
  std::int64_t items = 0;
  std::int64_t snapshots = 0;
  Head head;
  std::string first_recorded_at;  // empty for an empty log
  std::int64_t schema_version = 0;
  std::int64_t file_bytes = 0;
};

// A stored event row exactly as it is, parsed and checked for nothing: what verify looks at.
// The views are valid only during the visit.
struct StoredEventView {
  std::int64_t position = 0;
  std::string_view sku;
  std::int64_t version = 0;
  std::string_view type;
  std::string_view data;
  std::string_view recorded_at;
  std::string_view actor;
  std::optional<std::string_view> ref, note, idempotency_key;
  std::string_view prev_hash;
  std::string_view hash;
  std::optional<std::int64_t> qty, on_hand, available, previous;  // the typed columns
};

// An item's state stored at one of its versions.
struct Snapshot {
  domain::Item item;  // item.version is the snapshot's version
  std::int64_t position = 0;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// One consistent view of the database (a read transaction).
class ReadSession {
 public:
  virtual ~ReadSession() = default;

  // Calls `visit` for every stored event row after `after_position`, in position order.
  virtual void scan_log(std::int64_t after_position,
                        const std::function<void(const StoredEventView&)>& visit) = 0;
  // Every row of the read model, in SKU order.
  virtual std::vector<domain::Item> read_model() = 0;
  // Every stored snapshot, in (SKU, version) order.
  virtual std::vector<Snapshot> snapshots() = 0;
  virtual Head head() = 0;
};

// One write transaction, holding the write lock from start to commit. Destroying it without
// commit() rolls everything back.
class WriteSession : public ReadSession {
 public:
  // The current state of `sku` from the read model (version 0 if the item does not exist).
  virtual domain::Item load(std::string_view sku) = 0;

  // Appends `events` to `item`'s stream at item.version + 1…, chains their hashes, stamps them
  // with the time and `metadata`, and updates the read model and snapshots. Returns them as
  // stored. Throws inv::Error (conflict) if the version was taken, (storage) on I/O failure.
  virtual std::vector<RecordedEvent> append(const domain::Item& item,
                                            const std::vector<domain::Event>& events,
                                            const EventMetadata& metadata) = 0;

  // Appends an event that was recorded elsewhere (import), with its own time, metadata and
  // hashes, at the next position. The caller has checked that it continues this log.
  virtual void append_recorded(const RecordedEvent& event, const domain::Item& item_after) = 0;

  // The events of the command that was committed with idempotency key `key` (empty if none).
  virtual std::vector<RecordedEvent> find_by_idempotency_key(std::string_view key) = 0;

  // The state of `sku` right after its event at `version`, from the nearest snapshot.
  virtual std::optional<domain::Item> item_at_version(std::string_view sku,
                                                      std::int64_t version) = 0;

  // Records that idempotency key `key` was used with the command named `command`, and looks that
  // up (nullopt if unknown, e.g. for keys that arrived by import).
  virtual void remember_command(std::string_view key, std::string_view command) = 0;
  virtual std::optional<std::string> command_for_key(std::string_view key) = 0;

  // Replaces the read model and the snapshots with `items` and `snapshots` (rebuild).
  virtual void replace_read_models(const std::vector<domain::Item>& items,
                                   const std::vector<Snapshot>& snapshots) = 0;

  // Makes everything appended durable (synchronous=FULL), then releases the lock.
  virtual void commit() = 0;
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Starts a write transaction: waits up to the busy timeout for the lock, else storage error.
  virtual std::unique_ptr<WriteSession> begin_write() = 0;

  // Starts a read transaction: a consistent view until it is destroyed.
  virtual std::unique_ptr<ReadSession> begin_read() = 0;

  // Current state of one item, or nullopt if it does not exist.
  virtual std::optional<domain::Item> find_item(std::string_view sku) = 0;

  // The state of `sku` right after its event at `version` (nullopt if it has no such version),
  // folded from the nearest earlier snapshot.
  virtual std::optional<domain::Item> item_at_version(std::string_view sku,
                                                      std::int64_t version) = 0;

  // The state of `sku` after its last event recorded at or before `time` (RFC 3339, UTC,
  // microseconds), or nullopt if it did not exist yet. Folds from the nearest earlier snapshot.
  virtual std::optional<domain::Item> item_as_of(std::string_view sku, std::string_view time) = 0;

  // The state of every item that existed at `time`, whose SKU starts with `prefix`, in SKU order.
  virtual std::vector<domain::Item> list_as_of(std::string_view time, std::string_view prefix) = 0;

  // Current state of every item whose SKU starts with `prefix`, in byte order of SKU.
  virtual std::vector<domain::Item> list_items(std::string_view prefix) = 0;

  // Calls `visit` for each event matching `filter`, in position order.
  virtual void history(const HistoryFilter& filter,
                       const std::function<void(const RecordedEvent&)>& visit) = 0;

  virtual Head head() = 0;
  virtual Stats stats() = 0;
};

}  // namespace inv::store
