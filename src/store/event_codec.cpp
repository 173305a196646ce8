#include "inv/store/event_codec.hpp"

// The low-level SHA-256 functions are deprecated in OpenSSL 3 in favour of EVP, but EVP fetches
// a provider and may read openssl.cnf on first use: start-up cost paid by every inv process.
// The low-level functions use the same assembly (SHA-NI where the CPU has it).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "inv/util/json_writer.hpp"
#include "inv/util/overloaded.hpp"

namespace inv::store {
namespace {

using util::Overloaded;

void field(std::string& out, std::string_view key, std::int64_t value, bool last = false) {
  util::append_json_string(out, key);
  out.push_back(':');
  util::append_json_int(out, value);
  out.push_back(last ? '}' : ',');
}

}  // namespace

std::string event_data_json(const domain::Event& event) {
  std::string out = "{";
  // Keys in sorted order, as RFC 8785 requires.
  std::visit(Overloaded{
                 [&](const domain::ItemCreated& e) {
                   field(out, "available", e.available);
                   field(out, "on_hand", e.on_hand, true);
                 },
                 [&](const domain::OnHandSet& e) {
                   field(out, "available", e.available);
                   field(out, "on_hand", e.on_hand);
                   field(out, "previous", e.previous, true);
                 },
                 [&](const domain::StockAdjusted& e) {
                   field(out, "available", e.available);
                   field(out, "delta", e.delta);
                   field(out, "on_hand", e.on_hand, true);
                 },
                 [&](const domain::AvailableSet& e) {
                   field(out, "available", e.available);
                   field(out, "previous", e.previous, true);
                 },
                 [&](const domain::StockReserved& e) { field(out, "qty", e.qty, true); },
                 [&](const domain::ReservationReleased& e) { field(out, "qty", e.qty, true); },
                 [&](const domain::ReservationCompleted& e) { field(out, "qty", e.qty, true); },
                 [&](const domain::StockSold& e) { field(out, "qty", e.qty, true); },
                 [&](const domain::ItemRetired&) { out.push_back('}'); },
                 [&](const domain::ReorderPointSet& e) {
                   field(out, "reorder_point", e.reorder_point, true);
                 },
             },
             event);
  return out;
}

void append_canonical_json(std::string& out, const CanonicalFields& f) {
  const auto optional = [&](const std::optional<std::string_view>& value) {
    if (value) {
      util::append_json_string(out, *value);
    } else {
      out += "null";
    }
  };
  // Keys sorted: actor, data, idempotency_key, note, position, recorded_at, ref, sku, type,
  // version.
  out += "{\"actor\":";
  util::append_json_string(out, f.actor);
  out += ",\"data\":";
  out += f.data;
  out += ",\"idempotency_key\":";
  optional(f.idempotency_key);
  out += ",\"note\":";
  optional(f.note);
  out += ",\"position\":";
  util::append_json_int(out, f.position);
  out += ",\"recorded_at\":";
  util::append_json_string(out, f.recorded_at);
  out += ",\"ref\":";
  optional(f.ref);
  out += ",\"sku\":";
  util::append_json_string(out, f.sku);
  out += ",\"type\":";
  util::append_json_string(out, f.type);
  out += ",\"version\":";
  util::append_json_int(out, f.version);
  out += '}';
}

std::string canonical_json(const RecordedEvent& event) {
  const auto view = [](const std::optional<std::string>& value) {
    return value ? std::optional<std::string_view>(*value) : std::nullopt;
  };
  std::string out;
  out.reserve(256 + event.data.size() + event.sku.size());
  append_canonical_json(out, {event.position, event.sku, event.version, event.type(), event.data,
                              event.recorded_at, event.metadata.actor, view(event.metadata.ref),
                              view(event.metadata.note), view(event.metadata.idempotency_key)});
  return out;
}

std::string chain_hash(std::string_view prev_hash, std::string_view canonical) {
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, prev_hash.data(), prev_hash.size());
  SHA256_Update(&context, canonical.data(), canonical.size());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &context);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex(2 * SHA256_DIGEST_LENGTH, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0xF];
  }
  return hex;
}

std::optional<domain::Event> event_from_columns(std::string_view type, std::int64_t qty,
                                                std::int64_t on_hand, std::int64_t available,
                                                std::int64_t previous) {
  auto make = Overloaded{
      [&](std::type_identity<domain::ItemCreated>) {
        return domain::ItemCreated{on_hand, available};
      },
      [&](std::type_identity<domain::OnHandSet>) {
        return domain::OnHandSet{on_hand, previous, available};
      },
      [&](std::type_identity<domain::StockAdjusted>) {
        return domain::StockAdjusted{qty, on_hand, available};
      },
      [&](std::type_identity<domain::AvailableSet>) {
        return domain::AvailableSet{available, previous};
      },
      [&](std::type_identity<domain::StockReserved>) { return domain::StockReserved{qty}; },
      [&](std::type_identity<domain::ReservationReleased>) {
        return domain::ReservationReleased{qty};
      },
      [&](std::type_identity<domain::ReservationCompleted>) {
        return domain::ReservationCompleted{qty};
      },
      [&](std::type_identity<domain::StockSold>) { return domain::StockSold{qty}; },
      [&](std::type_identity<domain::ItemRetired>) { return domain::ItemRetired{}; },
      // The one number of the event goes in `qty`, as an adjust's delta does.
      [&](std::type_identity<domain::ReorderPointSet>) { return domain::ReorderPointSet{qty}; },
  };
  return domain::make_event(type, make);
}

EventColumns event_columns(const domain::Event& event) {
  return std::visit(Overloaded{
                        [](const domain::ItemCreated& e) {
                          return EventColumns{std::nullopt, e.on_hand, e.available, std::nullopt};
                        },
                        [](const domain::OnHandSet& e) {
                          return EventColumns{std::nullopt, e.on_hand, e.available, e.previous};
                        },
                        [](const domain::StockAdjusted& e) {
                          return EventColumns{e.delta, e.on_hand, e.available, std::nullopt};
                        },
                        [](const domain::AvailableSet& e) {
                          return EventColumns{std::nullopt, std::nullopt, e.available, e.previous};
                        },
                        [](const domain::StockReserved& e) {
                          return EventColumns{e.qty, {}, {}, {}};
                        },
                        [](const domain::ReservationReleased& e) {
                          return EventColumns{e.qty, {}, {}, {}};
                        },
                        [](const domain::ReservationCompleted& e) {
                          return EventColumns{e.qty, {}, {}, {}};
                        },
                        [](const domain::StockSold& e) {
                          return EventColumns{e.qty, {}, {}, {}};
                        },
                        [](const domain::ItemRetired&) { return EventColumns{}; },
                        [](const domain::ReorderPointSet& e) {
                          return EventColumns{e.reorder_point, {}, {}, {}};
                        },
                    },
                    event);
}

}  // namespace inv::store
