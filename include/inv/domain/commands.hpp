#pragma once
// The write commands of SPEC §1, §8 and §9 that act on one item, as plain values. Parsing (CLI,
// batch lines) happens elsewhere; these already hold validated SKUs and quantities in range.

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace inv::domain {

struct CreateItem {
  std::string sku;
  std::int64_t on_hand = 0;
  std::optional<std::int64_t> available;  // defaults to on_hand
};
struct SetOnHand {  // a stock count; creates the item when absent
  std::string sku;
  std::int64_t on_hand = 0;
};
struct AdjustStock {  // a receipt (+) or write-off (-)
  std::string sku;
  std::int64_t delta = 0;
};
struct SetAvailable {
  std::string sku;
  std::int64_t available = 0;
};
struct ReserveStock {
  std::string sku;
  std::int64_t qty = 0;
};
struct ReleaseReservation {
  std::string sku;
  std::int64_t qty = 0;
};
struct CompleteReservation {
  std::string sku;
  std::int64_t qty = 0;
};

struct SellStock {  // a direct sale, without a reservation
  std::string sku;
  std::int64_t qty = 0;
};
struct RetireItem {
  std::string sku;
};
struct SetReorderPoint {  // SPEC §9: N >= 0
  std::string sku;
  std::int64_t reorder_point = 0;
};

using Command =
    std::variant<CreateItem, SetOnHand, AdjustStock, SetAvailable, ReserveStock, ReleaseReservation,
                 CompleteReservation, SellStock, RetireItem, SetReorderPoint>;

// The SKU a command is about.
const std::string& sku_of(const Command& command);

// The commands' names on the command line and in batches, in the order of Command's alternatives.
inline constexpr std::string_view k_command_names[] = {
    "create",  "set-soh",  "adjust", "set-available", "reserve",
    "release", "complete", "sell",   "retire",        "set-reorder"};
static_assert(std::size(k_command_names) == std::variant_size_v<Command>);

// The event type a command word appends ("reserve" -> "StockReserved"), nullopt if `word` is no
// command. (set-soh of a missing item appends an ItemCreated; its word stands for OnHandSet.)
std::optional<std::string_view> event_type_of_command(std::string_view word);

// The command's name on the command line ("create", "set-soh", …).
std::string_view command_name(const Command& command);

}  // namespace inv::domain
