// replay_window: the floor of `report movements` (SPEC §9): a bare sequential typed replay of
// the events a window of time covers. It finds the window's positions as inv does (a binary
// search over recorded_at), reads the rows in position order, types each event and folds it into
// its item, and prints how many it folded. No opening balances, no report, no output layer:
// `report movements` over the same window is measured against it.
//
// Usage: replay_window DB FROM TO   (FROM and TO: canonical RFC 3339 UTC, both inclusive)

#include <cstdio>
#include <exception>

#include "inv/app/event_log.hpp"
#include "inv/store/sqlite_event_store.hpp"
#include "inv/util/string_map.hpp"
#include "inv/util/time.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: replay_window DB FROM TO\n");
    return 2;
  }
  try {
    const auto from = inv::util::parse_time(argv[2]);
    const auto to = inv::util::parse_time(argv[3]);
    if (!from || !to) {
      std::fprintf(stderr, "replay_window: FROM and TO must be RFC 3339 times\n");
      return 2;
    }
    inv::store::SqliteStore store(argv[1], inv::store::Access::read, 5000);
    auto session = store.begin(inv::store::Store::Mode::read);
    const auto last = session->last_event();
    const std::int64_t head = last ? last->position : 0;
    const std::int64_t before =
        inv::app::last_position_at(*session, head, inv::util::Timestamp{*from - 1});
    const std::int64_t up_to =
        inv::app::last_position_at(*session, head, inv::util::Timestamp{*to});
    inv::util::StringMap<inv::domain::Item> items;
    std::int64_t folded = 0;
    inv::app::scan_events(
        *session, before, up_to, "",
        [&](const inv::store::StoredEventView& row, const inv::domain::Event& event) {
          inv::domain::Item& item = items.try_emplace(std::string(row.sku)).first->second;
          item = inv::app::fold(std::move(item), event, row.recorded_at);
          ++folded;
        });
    std::printf("%lld events of %zu items folded\n", static_cast<long long>(folded), items.size());
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "replay_window: %s\n", error.what());
    return 1;
  }
}
