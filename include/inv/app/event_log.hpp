#pragma once
// The event log: every rule of the log, once, above every store (STYLE §9).
//
// It assigns positions and versions, chains the hashes (SPEC §2), keeps recorded_at from ever
// going back, folds events with domain::evolve, stores a snapshot every k_snapshot_interval
// versions, seals each read model row, and checks on every write that the store still holds
// what it last committed (SPEC §11): the tail of the log (its last event is intact and is the
// head inv committed) and the item being written (its read model row is the one the log sealed).
// `verify` and `rebuild` replay the log through one Replay. A store (event_store.hpp) only keeps
// and returns rows.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inv/domain/decide.hpp"
#include "inv/domain/events.hpp"
#include "inv/domain/item.hpp"
#include "inv/store/event_store.hpp"
#include "inv/util/string_map.hpp"
#include "inv/util/time.hpp"

namespace inv::app {

// The version of the rules the caches are built by. A store whose caches were built by an older
// one (a database upgraded from an older schema) has them rebuilt from the log by its next write,
// in that write's transaction. 3: open reservations per ref (SPEC §8). Schema 4 (reorder points,
// SPEC §9) did not change it: no log of an older schema holds a ReorderPointSet, so its caches
// (with reorder_point NULL, as the upgrade adds the columns) are already what a replay gives.
// 4: checkpoint snapshots (k_checkpoint_interval).
inline constexpr std::int64_t k_cache_version = 4;

// Every item's state is also stored as a snapshot each time its version reaches a multiple of
// this, so point-in-time reads fold at most this many events.
inline constexpr std::int64_t k_snapshot_interval = 1000;

// Checkpoints of the whole stock: the log is cut into blocks of this many positions, and an item
// whose event follows one of its events in an earlier block has its state after that earlier
// event stored as a snapshot (unless one is already stored at that version). Then every item's
// state at a block boundary is stored (a snapshot, or the read model for an item not moved
// since), and the whole stock at any position is those states plus a sequential fold of less than
// one block: what `list --as-of` and `report movements` read (SPEC §9). It costs at most one
// snapshot per item per block it moves in, written by the write that moves it again: never a
// whole-stock write. (32,768: the fold after a checkpoint stays a fraction of a second on a
// million-event log, and the snapshots of 1,000,000 movements over 10,000 items add ≈ 0.3
// rows per event; docs/benchmarks.md.)
inline constexpr std::int64_t k_checkpoint_interval = 32768;

// The last position of the block before the one `position` is in: the checkpoint at or before it.
inline constexpr std::int64_t checkpoint_before(std::int64_t position) {
  return position / k_checkpoint_interval * k_checkpoint_interval;
}

// Whether an item's event at `position`, following its event at `previous` (0: none), stores the
// item's state after `previous` as a checkpoint snapshot (k_checkpoint_interval).
inline constexpr bool crosses_checkpoint(std::int64_t previous, std::int64_t position) {
  return previous > 0 && checkpoint_before(previous - 1) != checkpoint_before(position - 1);
}

// The seal of a read model row: SHA-256 of the hash of the item's last event and its state, so
// that a row edited by hand no longer matches (one look-up and one hash per write, SPEC §11).
std::string seal_of(const domain::Item& item, std::string_view last_hash);

// "on_hand N, reserved N, available N, version N, updated_at T", for messages.
std::string describe_item(const domain::Item& item);

// The item after `event` recorded at `recorded_at` (evolve, then the time).
domain::Item fold(domain::Item item, const domain::Event& event, std::string_view recorded_at);

// The state of `sku` right after its event at `version`, folded from the nearest snapshot at or
// before it (nullopt if the item has no such version). Throws inv::Error (integrity,
// "damaged_log") if the events after the snapshot are not consecutive.
std::optional<domain::Item> item_at_version(store::Session& session, std::string_view sku,
                                            std::int64_t version);

// The state of `sku` after its last event recorded at or before `time` (nullopt if it did not
// exist yet): a binary search over its versions (recorded_at never goes back), then a fold from
// the nearest snapshot. `current_version` is the item's version now.
std::optional<domain::Item> item_as_of(store::Session& session, std::string_view sku,
                                       std::int64_t current_version, util::Timestamp time);

// The last position at or before `last_position` whose event was recorded at or before `time`
// (0 if none): a binary search over positions, since recorded_at never goes back along them.
// Throws inv::Error (integrity, "damaged_log") if an event it looks at is missing or has no time.
std::int64_t last_position_at(store::Session& session, std::int64_t last_position,
                              util::Timestamp time);

// Visits, in position order, the events at positions after `after_position` up to `up_to_position`
// whose SKU starts with `prefix`, typed. Throws inv::Error (integrity, "damaged_log") for a row
// that is not a readable event.
void scan_events(
    store::Session& session, std::int64_t after_position, std::int64_t up_to_position,
    std::string_view prefix,
    const std::function<void(const store::StoredEventView&, const domain::Event&)>& visit);

// Every item whose SKU starts with `prefix` as the events at positions 1..`position` leave it,
// in byte order of SKU: the states stored at the checkpoint before `position`, then a sequential
// fold of the rest (less than k_checkpoint_interval events). Throws inv::Error (integrity,
// "damaged_log") for a row that is not a readable event.
std::vector<domain::Item> items_at_position(store::Session& session, std::int64_t position,
                                            std::string_view prefix);

// The open reservations of one holder, grouped from lots in (sku, ref, position) order.
std::vector<domain::Holding> group_lots(std::span<const store::LotRow> lots);

class Replay;

// Writes every cache of `session` (read model, snapshots, open reservations) from what `replay`
// holds, and records k_cache_version. The caller replayed the whole log without problems and
// emptied the caches (clear_caches) before writing any snapshot it took from the replay.
void write_caches(store::Session& session, Replay& replay);

// One write transaction on the log. Construction checks the tail (exit 6 "damaged_log" for a
// broken or truncated log) and rebuilds caches built by older rules (see k_cache_version);
// destruction without commit() appends nothing.
class LogWriter {
 public:
  explicit LogWriter(std::unique_ptr<store::Session> session);

  // The current state of `sku` (version 0 if it does not exist), checked against the log: a read
  // model row that is not the one the log sealed throws inv::Error (integrity,
  // "read_model_mismatch"). Items written in this transaction come from memory.
  domain::Item load(std::string_view sku);

  // What `ref` ("" for the pool) holds of `sku` (SPEC §8), with this transaction's changes; with
  // `every`, also every holding of `sku` (what a refusal's message names). The stored lots are
  // checked against the item's `reserved` on first use: lots that do not add up to it throw
  // inv::Error (integrity, "read_model_mismatch"). Costs what the item's open lots cost to read,
  // once per transaction; never a replay of its history.
  domain::Holdings holdings(std::string_view sku, std::string_view ref, bool every = false);

  // The SKUs of which `ref` holds something, in byte order (whole-order release and complete).
  std::vector<std::string> skus_held_by(std::string_view ref);

  // Every open holding (quantity above 0), in (sku, ref) order (expire).
  std::vector<domain::Holding> open_holdings();

  // Appends `events` to `item.sku`'s stream at its next versions and positions, chains them,
  // stamps them with the time (never before the head's) and `metadata`, and keeps the read model
  // and the snapshots. Returns them as recorded. `item` must be what load() returned.
  std::vector<store::RecordedEvent> append(const domain::Item& item,
                                           const std::vector<domain::Event>& events,
                                           const store::EventMetadata& metadata);

  // Appends an event recorded elsewhere (import), after checking that it continues this log:
  // position, prev_hash, hash, time, version, creation first, data, the invariant after it.
  // Throws inv::Error (integrity, "broken_log") saying what does not hold.
  void append_recorded(const store::RecordedEvent& event);

  // The events committed with idempotency key `key` (position order; empty if none).
  std::vector<store::RecordedEvent> events_with_key(std::string_view key);
  // The command recorded for `key` in the idempotency index (nullopt if none), checked against
  // `events` (its events): an index row that no command could have left throws inv::Error
  // (integrity, "read_model_mismatch").
  std::optional<std::string> command_for_key(std::string_view key,
                                             std::span<const store::RecordedEvent> events);
  void remember_command(std::string_view key, std::string_view command);

  std::optional<domain::Item> item_at(std::string_view sku, std::int64_t version);
  std::optional<store::RecordedEvent> event_at(std::int64_t position);
  const store::Head& head() const { return m_head; }

  // Writes the read model rows and the head, and commits (durable when it returns).
  void commit();

 private:
  struct Tip {
    domain::Item item;
    std::string last_hash;             // of the item's last event (empty if it has none)
    std::int64_t last_position = 0;    // of the item's last event (0 if it has none)
    bool dirty = false;                // written in this transaction
    std::int64_t stored_reserved = 0;  // `reserved` as the store had it
    // The item's open reservations by ref. Loaded from the store on first need (a release or
    // complete); until then it holds only the lots opened in this transaction, so that a reserve
    // never reads the lots it does not touch.
    bool holdings_loaded = false;
    bool holdings_dirty = false;
    std::map<std::string, domain::Holding, std::less<>> holdings;  // by ref
    std::vector<store::LotRow> stored_lots;  // as loaded, to write only what changed
  };
  Tip& tip_of(std::string_view sku);
  void load_holdings(Tip& tip);
  domain::Holding& holding_of(Tip& tip, std::string_view ref);
  void record(std::vector<store::RecordedEvent>& events, Tip& tip);

  std::unique_ptr<store::Session> m_session;
  store::Head m_head;
  util::Timestamp m_head_time;
  util::StringMap<Tip> m_tips;       // items loaded or written in this transaction
  std::vector<std::string> m_dirty;  // SKUs written in this transaction
};

// A problem found by a replay.
struct Problem {
  std::int64_t position = 0;  // 0 when the problem is not at one event
  std::string sku;            // the item concerned (empty if none)
  std::string kind;           // stable snake_case, e.g. "hash_mismatch"
  std::string message;        // expected vs actual
};

// The replay of a whole log, row by row in position order, with every check of SPEC §2: gap-free
// positions and versions, the chain, the hashes, times that never go back, data that agrees with
// the typed columns, creation first, the invariant after every event. It keeps each item's state
// and last hash, and the snapshots the log should have.
class Replay {
 public:
  using Report = std::function<void(Problem)>;
  explicit Replay(Report report) : m_report(std::move(report)) {}

  void fold(const store::StoredEventView& row);

  struct ItemState {
    domain::Item item;
    std::int64_t last_position = 0;
    std::string last_hash;
  };
  const util::StringMap<ItemState>& items() const { return m_items; }
  util::StringMap<ItemState>& items() { return m_items; }
  // The snapshots the log should have (every k_snapshot_interval-th version, and the checkpoints
  // of k_checkpoint_interval) found since the last take_snapshots(), in the order found.
  std::vector<store::Snapshot>& snapshots() { return m_snapshots; }
  std::vector<store::Snapshot> take_snapshots() { return std::exchange(m_snapshots, {}); }
  // The open lots of every (sku, ref), in (sku, ref, position) order.
  std::vector<store::LotRow> lots() const;
  std::int64_t events() const { return m_events; }
  const store::Head& head() const { return m_head; }

 private:
  Report m_report;
  util::StringMap<ItemState> m_items;
  std::vector<store::Snapshot> m_snapshots;
  util::StringMap<std::vector<domain::Lot>> m_lots;  // key: sku, NUL, ref ("" for the pool)
  std::string m_lot_key;
  std::int64_t m_events = 0;
  store::Head m_head;
  std::string m_canonical;
};

// The checks of the committed head against the log's last event (SPEC §11): nullopt if they
// agree, else the problem. Used by every write and by verify.
std::optional<Problem> check_tail(const std::optional<store::Head>& committed,
                                  const std::optional<store::RecordedEvent>& last);

}  // namespace inv::app
