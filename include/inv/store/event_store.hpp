#pragma once
// The store interface: the primitives a backend offers, and nothing of the log's rules.
//
// A store keeps four things: the events (one per position, global and gap-free; one per
// (sku, version)), the committed head (the position, hash and time of the last event that inv
// committed, kept apart from the events so that a truncated log can be told from a short one),
// and caches: the read model (an item's current state, with an opaque seal), snapshots, the open
// reservations (lots per SKU and ref) and the idempotency index. It stores and returns them
// exactly; it never chains hashes, assigns positions, folds events or decides whether anything is
// valid. Those rules live once, above every store, in app::EventLog. A session is one transaction;
// a write session holds the store's one write lock from start to commit (SQLite: BEGIN IMMEDIATE;
// PostgreSQL: the head row locked FOR UPDATE), so writers are serialized and positions are handed
// out in commit order.
//
// Times: `recorded_at` of an event crosses as the exact text that was recorded (it is part of
// what the hash covers, SPEC §2); every time a store is asked about is a util::Timestamp.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inv/domain/events.hpp"
#include "inv/domain/item.hpp"
#include "inv/domain/reservations.hpp"
#include "inv/util/time.hpp"

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

// The last event of a log: its position and hash (what `inv head` prints), and its time.
struct Head {
  std::int64_t position = 0;
  std::string hash = k_genesis_hash;
  std::string recorded_at;  // as recorded; empty for an empty log
  friend bool operator==(const Head&, const Head&) = default;
};

struct HistoryFilter {
  std::optional<std::string> sku;
  std::int64_t after_position = 0;             // --since: exclusive
  std::optional<std::int64_t> up_to_position;  // inclusive
  std::optional<std::int64_t> limit;           // the first N (the newest N with newest_first)
  std::optional<std::string> type;
  std::optional<std::string> ref, actor;
  bool newest_first = false;  // visit in descending position order
};

struct Stats {
  std::int64_t events = 0;
  std::int64_t items = 0;
  std::int64_t snapshots = 0;
  Head head;
  std::string first_recorded_at;  // empty for an empty log
  std::int64_t schema_version = 0;
  std::int64_t storage_bytes = 0;  // what the store occupies (0 if the store cannot tell)
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

// A read model row: the item's current state and the seal the log gave it (empty if none).
struct CachedItem {
  domain::Item item;
  std::string seal;
};

// The last event of one item.
struct ItemTip {
  std::int64_t version = 0;
  std::int64_t position = 0;
  std::string hash;
};

// One lot of the open reservations cache: what `ref` ("" for the pool) holds of `sku` from one
// reserve.
struct LotRow {
  std::string sku;
  std::string ref;
  domain::Lot lot;
  friend bool operator==(const LotRow&, const LotRow&) = default;
};

struct LotFilter {
  std::optional<std::string> sku;
  std::optional<std::string> ref;  // "" for the pool
};

// One row of the idempotency index: the command an idempotency key was first used with.
struct CommandKey {
  std::string key;
  std::string command;
};

enum class Access {
  read,     // queries: the store must exist and is never created or changed
  write,    // write commands: the store is created (with its schema) if missing
  dry_run,  // writes that roll back: an existing store, or an empty one that leaves no trace
};

// One transaction on one store: primitives only.
class Session {
 public:
  virtual ~Session() = default;

  // ---- reads -----------------------------------------------------------------------------------
  // The head inv last committed (position 0 and the genesis hash for an empty log), or nullopt
  // if the store has lost that record.
  virtual std::optional<Head> committed_head() = 0;
  // The event with the highest position actually stored (nullopt if there is none).
  virtual std::optional<RecordedEvent> last_event() = 0;
  // The event at `position` (nullopt if there is none).
  virtual std::optional<RecordedEvent> event_at(std::int64_t position) = 0;
  // The read model row of `sku` (nullopt if there is none).
  virtual std::optional<CachedItem> item(std::string_view sku) = 0;
  // The stored event of `sku` with the highest version (nullopt if there is none).
  virtual std::optional<ItemTip> item_tip(std::string_view sku) = 0;
  // The snapshot of `sku` with the highest version <= `version` (nullopt if there is none).
  virtual std::optional<Snapshot> snapshot_at_or_before(std::string_view sku,
                                                        std::int64_t version) = 0;
  // Visits the stored rows of `sku` with after_version < version <= up_to_version, in version
  // order, streaming (views valid during the visit only).
  virtual void item_events(std::string_view sku, std::int64_t after_version,
                           std::int64_t up_to_version,
                           const std::function<void(const StoredEventView&)>& visit) = 0;
  // The time of `sku`'s event at `version` (nullopt if there is none, or it is not a time).
  virtual std::optional<util::Timestamp> recorded_at(std::string_view sku,
                                                     std::int64_t version) = 0;
  // Every event that carries idempotency key `key`, in position order.
  virtual std::vector<RecordedEvent> events_with_key(std::string_view key) = 0;
  // The idempotency index row of `key` (nullopt if none).
  virtual std::optional<std::string> command_for_key(std::string_view key) = 0;

  // Visits every stored event row with after_position < position <= up_to_position, in position
  // order, streaming.
  virtual void scan(std::int64_t after_position, std::int64_t up_to_position,
                    const std::function<void(const StoredEventView&)>& visit) = 0;
  // Visits every read model row whose SKU starts with `prefix`, in byte order of SKU.
  virtual void scan_items(std::string_view prefix,
                          const std::function<void(const CachedItem&)>& visit) = 0;
  // Visits every snapshot in (SKU, version) order.
  virtual void scan_snapshots(const std::function<void(const Snapshot&)>& visit) = 0;
  // Visits, in byte order of SKU, every read model item whose SKU starts with `prefix`, with the
  // latest state stored for it at or before `position`: its read model row if its last event is
  // at or before `position`, else its snapshot with the greatest position <= `position`; an item
  // with neither is not visited. Snapshot::position is the position of the state's last event.
  // (Complete for a cut only when the caches keep the snapshots of app::k_checkpoint_interval.)
  virtual void states_at(std::int64_t position, std::string_view prefix,
                         const std::function<void(const Snapshot&)>& visit) = 0;
  // Visits the lots matching `filter` in (sku, ref, position) order.
  virtual void scan_lots(const LotFilter& filter,
                         const std::function<void(const LotRow&)>& visit) = 0;
  // The version of the log's rules the caches were last built by (0: never, e.g. an older schema
  // whose caches have no open reservations yet); see app::k_cache_version.
  virtual std::int64_t cache_version() = 0;
  // Visits every idempotency index row in key order.
  virtual void scan_command_keys(const std::function<void(const CommandKey&)>& visit) = 0;
  // Visits the events matching `filter`, in position order (descending with newest_first).
  virtual void history(const HistoryFilter& filter,
                       const std::function<void(const RecordedEvent&)>& visit) = 0;
  // Counts of rows and the store's size and schema (stats.head and events are the caller's).
  virtual Stats counts() = 0;

  // ---- writes (a write session only) -----------------------------------------------------------
  // Stores events as given. Throws inv::Error (conflict) if a position or (sku, version) is taken.
  virtual void insert(std::span<const RecordedEvent> events) = 0;
  // Inserts or replaces read model rows.
  virtual void put_items(std::span<const CachedItem> items) = 0;
  // Inserts or replaces snapshots.
  virtual void put_snapshots(std::span<const Snapshot> snapshots) = 0;
  // Stores lots (inserted or replaced by (sku, ref, position)); a lot with qty 0 is removed.
  virtual void put_lots(std::span<const LotRow> lots) = 0;
  // Records the version of the rules the caches are now built by.
  virtual void set_cache_version(std::int64_t version) = 0;
  // Records the command of an idempotency key (keeps the first if there is one).
  virtual void put_command_key(const CommandKey& row) = 0;
  // Removes the idempotency index row of `key`.
  virtual void remove_command_key(std::string_view key) = 0;
  // Records `head` as the committed head.
  virtual void set_head(const Head& head) = 0;
  // Empties the read model, the snapshots and the open reservations (rebuild).
  virtual void clear_caches() = 0;
  // Makes everything written durable, then ends the transaction (and releases the lock).
  virtual void commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  enum class Mode { read, write };
  // Starts a transaction: a consistent view until it ends. A write session waits up to the
  // store's wait for the write lock, else throws inv::Error (storage, "database_locked").
  virtual std::unique_ptr<Session> begin(Mode mode) = 0;
};

// The composition root: opens the store that `location` names (`--db`: a file path; a
// `postgresql://` or `postgres://` URI: the PostgreSQL store, SPEC §10). `wait` bounds
// the wait for a lock. Throws inv::Error: not_found (a read of a missing store), integrity (not an
// inv database, newer schema), storage (cannot open, locked, read-only).
std::unique_ptr<Store> open_store(std::string_view location, Access access,
                                  std::chrono::milliseconds wait);

// `location` as it may be shown (messages, `stats`, reports): a URI without its password.
std::string display_location(std::string_view location);

// Creates the store at `location` if needed (`inv init`). Returns true if it was created.
bool initialize_store(std::string_view location, std::chrono::milliseconds wait);

}  // namespace inv::store
