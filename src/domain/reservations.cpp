#include "inv/domain/reservations.hpp"

#include <algorithm>

namespace inv::domain {

std::int64_t Holding::qty() const {
  std::int64_t total = 0;
  for (const Lot& lot : lots) {
    total += lot.qty;
  }
  return total;
}

std::string Holding::since() const {
  const auto open = std::find_if(lots.begin(), lots.end(), [](const Lot& lot) { return lot.qty > 0; });
  return open == lots.end() ? std::string() : open->recorded_at;
}

void open_lot(std::vector<Lot>& lots, std::int64_t position, std::string_view recorded_at,
              std::int64_t qty) {
  lots.push_back(Lot{position, std::string(recorded_at), qty});
}

void draw_lots(std::vector<Lot>& lots, std::int64_t qty, std::int64_t position,
               std::string_view recorded_at) {
  auto lot = lots.begin();
  while (qty > 0 && lot != lots.end()) {
    if (lot->qty > 0) {
      const std::int64_t taken = std::min(qty, lot->qty);
      lot->qty -= taken;
      qty -= taken;
    }
    ++lot;
  }
  std::erase_if(lots, [](const Lot& l) { return l.qty == 0; });
  if (qty > 0) {
    // Wrapping: replay must be total even on a damaged log; verify reports the damage.
    const auto debt = std::find_if(lots.begin(), lots.end(), [](const Lot& l) { return l.qty < 0; });
    if (debt != lots.end()) {
      debt->qty = static_cast<std::int64_t>(static_cast<std::uint64_t>(debt->qty) -
                                            static_cast<std::uint64_t>(qty));
    } else {
      lots.push_back(Lot{position, std::string(recorded_at), -qty});  // all others are spent
    }
  }
}

std::string describe_holder(std::string_view ref) {
  return ref.empty() ? std::string("the unnamed pool") : "ref '" + std::string(ref) + "'";
}

}  // namespace inv::domain
