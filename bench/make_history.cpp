// make_history: gives one existing item a long history, quickly, through inv_core's own store
// API (the same code path as `inv reserve` / `inv release`, hash chain, read model and snapshots
// included), in ONE write transaction.
//
// Usage: make_history DB SKU VERSION [PER_CALL]
//   Appends alternating StockReserved{1} / ReservationReleased{1} events to SKU until its version
//   is VERSION. The item must exist (e.g. `inv set-soh SKU 1000`) and have on_hand >= 1.
//   PER_CALL (default 1000) events go to each append() call, and the events of one call share
//   one recorded_at; PER_CALL 1 gives (almost) every event its own time, as separate commands
//   would, so that `--as-of` can land anywhere in the history.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "inv/app/event_log.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/sqlite_event_store.hpp"

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: make_history DB SKU VERSION [PER_CALL]\n");
    return 2;
  }
  const std::string sku = argv[2];
  const std::int64_t target = std::atoll(argv[3]);
  const std::int64_t k_batch = argc == 5 ? std::max<std::int64_t>(1, std::atoll(argv[4])) : 1000;
  try {
    inv::store::SqliteStore store(argv[1], inv::store::Access::write, 5000);
    store.database().execute("PRAGMA cache_size = -65536");  // 64 MiB: bulk work (PERF-NOTES)
    auto session =
        std::make_unique<inv::app::LogWriter>(store.begin(inv::store::Store::Mode::write));
    inv::domain::Item item = session->load(sku);
    if (!item.exists()) {
      std::fprintf(stderr, "make_history: no item '%s'\n", sku.c_str());
      return 4;
    }
    inv::store::EventMetadata metadata;
    metadata.actor = "bench";
    std::vector<inv::domain::Event> events;
    while (item.version < target) {
      // One append call per batch: append() updates the read model once per call.
      events.clear();
      inv::domain::Item state = item;
      while (state.version < target && static_cast<std::int64_t>(events.size()) < k_batch) {
        inv::domain::Event event = state.reserved > 0
                                       ? inv::domain::Event(inv::domain::ReservationReleased{1})
                                       : inv::domain::Event(inv::domain::StockReserved{1});
        state = inv::domain::evolve(std::move(state), event);
        events.push_back(event);
      }
      const auto recorded = session->append(item, events, metadata);
      state.updated_at = recorded.back().recorded_at;
      item = std::move(state);
    }
    session->commit();
    std::printf("%s: version %lld\n", sku.c_str(), static_cast<long long>(item.version));
    return 0;
  } catch (const inv::Error& error) {
    std::fprintf(stderr, "make_history: %s\n", error.what());
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_history: %s\n", error.what());
    return 1;
  }
}
