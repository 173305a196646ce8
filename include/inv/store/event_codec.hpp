#pragma once
// The byte-exact forms of an event that the hash chain covers (SPEC §2): the canonical JSON of
// its data, the canonical JSON of the whole event, and the chained SHA-256.

#include <string>
#include <string_view>

#include "inv/domain/events.hpp"
#include "inv/store/event_store.hpp"

namespace inv::store {

// The event's data as canonical JSON (RFC 8785: keys sorted, no whitespace),
// e.g. {"available":10,"on_hand":10}.
std::string event_data_json(const domain::Event& event);

// The hashed fields of an event, as views (no copies: verify runs this for every stored row).
struct CanonicalFields {
  std::int64_t position = 0;
  std::string_view sku;
  std::int64_t version = 0;
  std::string_view type;
  std::string_view data;  // must already be canonical JSON
  std::string_view recorded_at;
  std::string_view actor;
  std::optional<std::string_view> ref, note, idempotency_key;
};

// Appends the canonical JSON object of the event's fields position, sku, version, type, data,
// recorded_at, actor, ref, note, idempotency_key (absent ones as null), keys sorted.
void append_canonical_json(std::string& out, const CanonicalFields& fields);

// The canonical JSON of a recorded event (see append_canonical_json).
std::string canonical_json(const RecordedEvent& event);

// Lowercase hex SHA-256 of the ASCII prev_hash followed by the canonical JSON.
std::string chain_hash(std::string_view prev_hash, std::string_view canonical);

// The domain event of stored type `type` with the typed columns of the events table, or nullopt
// if `type` is not an event type.
std::optional<domain::Event> event_from_columns(std::string_view type, std::int64_t qty,
                                                std::int64_t on_hand, std::int64_t available,
                                                std::int64_t previous);

// The typed columns of an event, the inverse of event_from_columns (absent ones are nullopt).
struct EventColumns {
  std::optional<std::int64_t> qty, on_hand, available, previous;
};
EventColumns event_columns(const domain::Event& event);

}  // namespace inv::store
