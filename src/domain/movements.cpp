#include "inv/domain/movements.hpp"

#include <string>
#include <utility>
#include <variant>

#include "inv/error.hpp"
#include "inv/util/overloaded.hpp"

namespace inv::domain {
namespace {

void add_to(std::int64_t& sum, std::int64_t amount, const std::string& sku) {
  if (__builtin_add_overflow(sum, amount, &sum)) {
    throw Error(ExitCode::rejected, "overflow",
                "the movements of '" + sku + "' in this window exceed the 64-bit range");
  }
}

// -amount, for amounts that are the negation of a stored (possibly INT64_MIN) number.
std::int64_t negated(std::int64_t amount, const std::string& sku) {
  std::int64_t result = 0;
  if (__builtin_sub_overflow(std::int64_t{0}, amount, &result)) {
    throw Error(ExitCode::rejected, "overflow",
                "a movement of '" + sku + "' in this window exceeds the 64-bit range");
  }
  return result;
}

}  // namespace

Movements open_movements(std::string sku, std::int64_t on_hand) {
  Movements row;
  row.sku = std::move(sku);
  row.opening = on_hand;
  row.closing = on_hand;
  return row;
}

void add_movement(Movements& row, const Event& event) {
  const std::string& sku = row.sku;
  // No default case: a new event type does not compile until it says how it moves stock.
  std::visit(util::Overloaded{
                 [&](const ItemCreated& e) {
                   add_to(row.created, e.on_hand, sku);
                   add_to(row.closing, e.on_hand, sku);
                 },
                 [&](const OnHandSet& e) {
                   std::int64_t difference = 0;
                   if (__builtin_sub_overflow(e.on_hand, row.closing, &difference)) {
                     throw Error(ExitCode::rejected, "overflow",
                                 "a stock count of '" + sku + "' exceeds the 64-bit range");
                   }
                   add_to(row.counted, difference, sku);
                   row.closing = e.on_hand;
                 },
                 [&](const StockAdjusted& e) {
                   add_to(e.delta > 0 ? row.received : row.written_off,
                          e.delta > 0 ? e.delta : negated(e.delta, sku), sku);
                   add_to(row.closing, e.delta, sku);
                 },
                 [&](const ReservationCompleted& e) {
                   add_to(row.shipped, e.qty, sku);
                   add_to(row.closing, negated(e.qty, sku), sku);
                 },
                 [&](const StockSold& e) {
                   add_to(row.sold, e.qty, sku);
                   add_to(row.closing, negated(e.qty, sku), sku);
                 },
                 [](const AvailableSet&) {},
                 [](const ItemRetired&) {},
                 [](const ReorderPointSet&) {},  // a threshold, not stock
                 [](const StockReserved&) {},
                 [](const ReservationReleased&) {},
             },
             event);
}

}  // namespace inv::domain
