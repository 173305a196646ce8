#include "inv/store/event_json.hpp"

#include <array>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "inv/domain/sku.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"
#include "inv/util/overloaded.hpp"
#include "inv/util/time.hpp"

namespace inv::store {
namespace {

using nlohmann::json;

Error invalid(const std::string& message) {
  return Error(ExitCode::usage, "invalid_event", message);
}

std::int64_t integer(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw invalid(std::string("missing \"") + key + "\"");
  }
  if (found->is_number_integer()) {
    if (found->is_number_unsigned() &&
        found->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw invalid(std::string("\"") + key + "\" is out of range");
    }
    return found->get<std::int64_t>();
  }
  throw invalid(std::string("\"") + key + "\" must be an integer");
}

std::string text(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw invalid(std::string("missing \"") + key + "\"");
  }
  if (!found->is_string()) {
    throw invalid(std::string("\"") + key + "\" must be a string");
  }
  return found->get<std::string>();
}

std::optional<std::string> optional_text(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) {
    throw invalid(std::string("missing \"") + key + "\"");
  }
  if (found->is_null()) {
    return std::nullopt;
  }
  if (!found->is_string()) {
    throw invalid(std::string("\"") + key + "\" must be a string or null");
  }
  return found->get<std::string>();
}

void expect_keys(const json& object, std::initializer_list<const char*> keys, const char* what) {
  for (const auto& entry : object.items()) {
    const std::string& key = entry.key();
    if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) ==
        keys.end()) {
      throw invalid(std::string("unknown field \"") + key + "\" in " + what);
    }
  }
  if (object.size() != keys.size()) {
    for (const char* key : keys) {
      if (!object.contains(key)) {
        throw invalid(std::string("missing \"") + key + "\" in " + what);
      }
    }
  }
}

domain::Event parse_data(const std::string& type, const json& data) {
  if (!data.is_object()) {
    throw invalid("\"data\" must be an object");
  }
  const auto qty = [&] {
    expect_keys(data, {"qty"}, "data");
    return integer(data, "qty");
  };
  auto make = util::Overloaded{
      [&](std::type_identity<domain::ItemCreated>) {
        expect_keys(data, {"on_hand", "available"}, "data");
        return domain::ItemCreated{integer(data, "on_hand"), integer(data, "available")};
      },
      [&](std::type_identity<domain::OnHandSet>) {
        expect_keys(data, {"on_hand", "previous", "available"}, "data");
        return domain::OnHandSet{integer(data, "on_hand"), integer(data, "previous"),
                                 integer(data, "available")};
      },
      [&](std::type_identity<domain::StockAdjusted>) {
        expect_keys(data, {"delta", "on_hand", "available"}, "data");
        return domain::StockAdjusted{integer(data, "delta"), integer(data, "on_hand"),
                                     integer(data, "available")};
      },
      [&](std::type_identity<domain::AvailableSet>) {
        expect_keys(data, {"available", "previous"}, "data");
        return domain::AvailableSet{integer(data, "available"), integer(data, "previous")};
      },
      [&](std::type_identity<domain::StockReserved>) { return domain::StockReserved{qty()}; },
      [&](std::type_identity<domain::ReservationReleased>) {
        return domain::ReservationReleased{qty()};
      },
      [&](std::type_identity<domain::ReservationCompleted>) {
        return domain::ReservationCompleted{qty()};
      },
      [&](std::type_identity<domain::StockSold>) { return domain::StockSold{qty()}; },
      [&](std::type_identity<domain::ItemRetired>) {
        expect_keys(data, {}, "data");
        return domain::ItemRetired{};
      },
      [&](std::type_identity<domain::ReorderPointSet>) {
        expect_keys(data, {"reorder_point"}, "data");
        return domain::ReorderPointSet{integer(data, "reorder_point")};
      },
  };
  if (auto event = domain::make_event(type, make)) {
    return *event;
  }
  throw invalid("unknown event type '" + type + "'");
}

bool is_hash(const std::string& value) {
  return value.size() == 64 && value.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

RecordedEvent parse_event_json(std::string_view line) {
  json object = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (object.is_discarded()) {
    throw invalid("not valid JSON");
  }
  if (!object.is_object()) {
    throw invalid("not a JSON object");
  }
  expect_keys(object,
              {"position", "sku", "version", "type", "data", "recorded_at", "actor", "ref", "note",
               "idempotency_key", "prev_hash", "hash"},
              "the event");
  RecordedEvent event;
  event.position = integer(object, "position");
  if (event.position < 1) {
    throw invalid("\"position\" must be >= 1");
  }
  event.sku = text(object, "sku");
  domain::validate_sku(event.sku);
  event.version = integer(object, "version");
  if (event.version < 1) {
    throw invalid("\"version\" must be >= 1");
  }
  const std::string type = text(object, "type");
  if (!domain::is_event_type(type)) {
    throw invalid("unknown event type '" + type + "'");
  }
  event.event = parse_data(type, object["data"]);
  event.data = event_data_json(event.event);
  event.recorded_at = text(object, "recorded_at");
  const auto instant = util::parse_time(event.recorded_at);
  if (!instant || util::format_rfc3339_micros(*instant) != event.recorded_at) {
    throw invalid(
        "\"recorded_at\" must be UTC RFC 3339 with microseconds, e.g. "
        "2026-11-28T06:15:14.000000Z");
  }
  event.metadata.actor = text(object, "actor");
  event.metadata.ref = optional_text(object, "ref");
  event.metadata.note = optional_text(object, "note");
  event.metadata.idempotency_key = optional_text(object, "idempotency_key");
  event.prev_hash = text(object, "prev_hash");
  event.hash = text(object, "hash");
  if (!is_hash(event.prev_hash) || !is_hash(event.hash)) {
    throw invalid("\"prev_hash\" and \"hash\" must be 64 lowercase hex digits");
  }
  return event;
}

}  // namespace inv::store
