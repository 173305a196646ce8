#include "inv/store/event_codec.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "../support.hpp"
#include "inv/store/event_json.hpp"
#include "inv/store/event_store.hpp"

// SPEC §2: each event's `data`, its canonical JSON (RFC 8785 key order, no whitespace, absent
// optional fields as null, integers as plain digits) and the SHA-256 hash chain over it.

namespace inv::store {
namespace {

using domain::AvailableSet;
using domain::Event;
using domain::ItemCreated;
using domain::OnHandSet;
using domain::ReorderPointSet;
using domain::ReservationCompleted;
using domain::ReservationReleased;
using domain::StockAdjusted;
using domain::StockReserved;

constexpr std::int64_t k_max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_min = std::numeric_limits<std::int64_t>::min();

RecordedEvent created_by_alice() {
  RecordedEvent event;
  event.position = 1;
  event.sku = "A-1";
  event.version = 1;
  event.event = ItemCreated{10, 10};
  event.data = event_data_json(event.event);
  event.recorded_at = "2026-11-28T06:15:14.000000Z";
  event.metadata.actor = "alice";
  return event;
}

TEST(EventDataJson, WritesEachTypeWithTheFieldsOfSpecSection2InKeyOrder) {
  EXPECT_EQ(event_data_json(ItemCreated{10, 4}), R"({"available":4,"on_hand":10})");
  EXPECT_EQ(event_data_json(OnHandSet{12, 10, 6}), R"({"available":6,"on_hand":12,"previous":10})");
  EXPECT_EQ(event_data_json(StockAdjusted{-3, 7, 2}), R"({"available":2,"delta":-3,"on_hand":7})");
  EXPECT_EQ(event_data_json(AvailableSet{5, 8}), R"({"available":5,"previous":8})");
  EXPECT_EQ(event_data_json(StockReserved{2}), R"({"qty":2})");
  EXPECT_EQ(event_data_json(ReservationReleased{3}), R"({"qty":3})");
  EXPECT_EQ(event_data_json(ReservationCompleted{4}), R"({"qty":4})");
  EXPECT_EQ(event_data_json(ReorderPointSet{5}), R"({"reorder_point":5})");  // SPEC §9
}

TEST(EventDataJson, WritesIntegersExactlyAtAnySize) {
  EXPECT_EQ(event_data_json(StockAdjusted{k_min, 0, 0}),
            R"({"available":0,"delta":-9223372036854775808,"on_hand":0})");
  EXPECT_EQ(event_data_json(ItemCreated{k_max, k_max}),
            R"({"available":9223372036854775807,"on_hand":9223372036854775807})");
}

TEST(CanonicalJson, SortsKeysAndWritesAbsentOptionalsAsNull) {
  EXPECT_EQ(canonical_json(created_by_alice()),
            R"({"actor":"alice","data":{"available":10,"on_hand":10},"idempotency_key":null,)"
            R"("note":null,"position":1,"recorded_at":"2026-11-28T06:15:14.000000Z","ref":null,)"
            R"("sku":"A-1","type":"ItemCreated","version":1})");
}

TEST(CanonicalJson, WritesPresentOptionalsAsEscapedStrings) {
  RecordedEvent event;
  event.position = 12;
  event.sku = "\xC3\xA9-1";  // é-1
  event.version = 3;
  event.event = StockReserved{2};
  event.data = event_data_json(event.event);
  event.recorded_at = "2026-11-28T06:15:14.123456Z";
  event.metadata.actor = "bob";
  event.metadata.ref = "order-7";
  event.metadata.note = "a \"quoted\"\nnote\\";
  event.metadata.idempotency_key = "k-1";
  EXPECT_EQ(canonical_json(event),
            R"({"actor":"bob","data":{"qty":2},"idempotency_key":"k-1",)"
            R"("note":"a \"quoted\"\nnote\\","position":12,)"
            R"("recorded_at":"2026-11-28T06:15:14.123456Z","ref":"order-7",)"
            "\"sku\":\"\xC3\xA9-1\",\"type\":\"StockReserved\",\"version\":3}");
}

TEST(CanonicalJson, LeavesOutHashesAndTypedColumns) {
  RecordedEvent event = created_by_alice();
  const std::string before = canonical_json(event);
  event.prev_hash = std::string(64, 'a');
  event.hash = std::string(64, 'b');
  EXPECT_EQ(canonical_json(event), before);
  EXPECT_THAT(before, ::testing::StartsWith(R"({"actor":"alice","data":)"));
  EXPECT_THAT(before, ::testing::Not(::testing::HasSubstr("hash")));
}

TEST(ChainHash, IsLowercaseHexSha256OfPrevHashFollowedByCanonical) {
  // FIPS 180-2 test vector: SHA-256("abc").
  const std::string abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(chain_hash("", "abc"), abc);
  EXPECT_EQ(chain_hash("a", "bc"), abc);
  EXPECT_EQ(chain_hash("abc", ""), abc);
  EXPECT_EQ(chain_hash("", ""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ChainHash, ChainsTheFirstEventToSixtyFourZeros) {
  EXPECT_EQ(k_genesis_hash, std::string(64, '0'));
  // Computed independently: sha256(("0" * 64 + canonical).encode()) in Python.
  EXPECT_EQ(chain_hash(k_genesis_hash, canonical_json(created_by_alice())),
            "d123736d2b19dd1ee3dbc903d9bb644d7f5e4d041307a8932ec1575d9f9ee027");
}

TEST(EventColumns, RoundTripThroughEventFromColumns) {
  const std::vector<Event> events = {
      ItemCreated{10, 4},      OnHandSet{12, 10, 6}, StockAdjusted{-3, 7, 2},
      AvailableSet{5, 8},      StockReserved{2},     ReservationReleased{3},
      ReservationCompleted{4}, ReorderPointSet{0},   ReorderPointSet{k_max}};
  for (const Event& event : events) {
    const EventColumns columns = event_columns(event);
    const auto decoded = event_from_columns(
        domain::type_name(event), columns.qty.value_or(0), columns.on_hand.value_or(0),
        columns.available.value_or(0), columns.previous.value_or(0));
    ASSERT_TRUE(decoded.has_value()) << domain::type_name(event);
    EXPECT_EQ(*decoded, event) << domain::type_name(event);
  }
}

TEST(EventFromColumns, RefusesAnUnknownType) {
  ASSERT_EQ(event_from_columns("StockReserved", 1, 0, 0, 0),
            std::optional<Event>(StockReserved{1}));
  EXPECT_EQ(event_from_columns("StockStolen", 1, 1, 1, 1), std::nullopt);
  EXPECT_EQ(event_from_columns("itemcreated", 1, 1, 1, 1), std::nullopt);
  EXPECT_EQ(event_from_columns("", 1, 1, 1, 1), std::nullopt);
}

TEST(TypeName, NamesTheSevenStoredTypes) {
  EXPECT_EQ(domain::type_name(ItemCreated{}), "ItemCreated");
  EXPECT_EQ(domain::type_name(OnHandSet{}), "OnHandSet");
  EXPECT_EQ(domain::type_name(StockAdjusted{}), "StockAdjusted");
  EXPECT_EQ(domain::type_name(AvailableSet{}), "AvailableSet");
  EXPECT_EQ(domain::type_name(StockReserved{}), "StockReserved");
  EXPECT_EQ(domain::type_name(ReservationReleased{}), "ReservationReleased");
  EXPECT_EQ(domain::type_name(ReservationCompleted{}), "ReservationCompleted");
  EXPECT_TRUE(domain::is_event_type("StockReserved"));
  EXPECT_FALSE(domain::is_event_type("stockreserved"));
  EXPECT_FALSE(domain::is_event_type("StockStolen"));
}

TEST(EventColumns, AReorderPointIsTheOneNumberInQty) {
  const EventColumns columns = event_columns(ReorderPointSet{7});
  EXPECT_EQ(columns.qty, std::optional<std::int64_t>(7));
  EXPECT_EQ(columns.on_hand, std::nullopt);
  EXPECT_EQ(columns.available, std::nullopt);
  EXPECT_EQ(columns.previous, std::nullopt);
}

TEST(ParseEventJson, ReadsAReorderPointSetBackWithItsHashUnchanged) {
  RecordedEvent event = created_by_alice();
  event.position = 2;
  event.version = 2;
  event.event = ReorderPointSet{12};
  event.data = event_data_json(event.event);
  event.prev_hash = chain_hash(k_genesis_hash, canonical_json(created_by_alice()));
  event.hash = chain_hash(event.prev_hash, canonical_json(event));
  const std::string line =
      R"({"position":2,"sku":"A-1","version":2,"type":"ReorderPointSet","data":{"reorder_point":12},)"
      R"("recorded_at":"2026-11-28T06:15:14.000000Z","actor":"alice","ref":null,"note":null,)"
      R"("idempotency_key":null,"prev_hash":")" +
      event.prev_hash + R"(","hash":")" + event.hash + R"("})";
  const RecordedEvent parsed = parse_event_json(line);
  EXPECT_EQ(parsed.event, Event(ReorderPointSet{12}));
  EXPECT_EQ(parsed.data, R"({"reorder_point":12})");
  EXPECT_EQ(chain_hash(parsed.prev_hash, canonical_json(parsed)), event.hash);
  // Its data has exactly that one integer field.
  for (const char* data :
       {R"({})", R"({"reorder_point":"5"})", R"({"qty":5})", R"({"reorder_point":5,"qty":5})"}) {
    std::string bad = line;
    bad.replace(bad.find(R"({"reorder_point":12})"), 20, data);
    EXPECT_EQ(error_code_of([&] { parse_event_json(bad); }), "invalid_event") << data;
  }
}

}  // namespace
}  // namespace inv::store
