// make_log: a large, realistic event log, quickly, through inv_core's own store API (the same code
// path as inv's write commands: decide(), hash chain, read model and snapshots included).
//
// Usage: make_log DB EVENTS SKUS [SEED [COMMIT_EVERY]]
//   DB must not exist yet, or be an empty inv database. Appends exactly EVENTS events:
//   first one ItemCreated per SKU (a stock count, `set-soh`, of 100..10,000), then commands
//   whose SKU is drawn from a Zipf(1) distribution over the SKUs (a few bestsellers, a long
//   tail; shuffled, so the hot SKUs are not the first in order) with this mix:
//     reserve 45 % (qty 1..5), complete 20 %, release 10 %, adjust 10 % (receipts of 10..500,
//     write-offs of 1..5), set-soh 10 % (a stock count near on_hand), set-available 5 %.
//   A command that the rules would reject (e.g. a reserve beyond what is available) becomes a
//   receipt (adjust +500) instead, so every command appends exactly one event.
//   Metadata: four actors; a ref ("order-N") on 80 % of reserve/release/complete; a note on 1 %
//   (with a quote, a backslash, a tab and non-ASCII text, so that JSON escaping is exercised);
//   an idempotency key on 2 %.
//   Commits every COMMIT_EVERY events (default 1,000,000), so the WAL never holds the whole log.
// Deterministic for a given SEED (default 1), except recorded_at (the clock, as for inv).
// Prints "EVENTS events, SKUS items, S snapshots, head POSITION:HASH".

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "inv/app/event_log.hpp"
#include "inv/app/query_service.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/sqlite_event_store.hpp"

namespace {

using namespace inv;

// Uniform in [0, n) from 64 random bits (no libstdc++ distribution: the output must not depend
// on the standard library's implementation).
std::int64_t below(std::mt19937_64& random, std::int64_t n) {
  return static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(n));
}

double unit(std::mt19937_64& random) {
  return static_cast<double>(random() >> 11) * 0x1.0p-53;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 6) {
    std::fprintf(stderr, "usage: make_log DB EVENTS SKUS [SEED [COMMIT_EVERY]]\n");
    return 2;
  }
  const std::int64_t total = std::atoll(argv[2]);
  const std::int64_t skus = std::atoll(argv[3]);
  const std::uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1;
  const std::int64_t commit_every = argc > 5 ? std::atoll(argv[5]) : 1'000'000;
  if (skus < 1 || total < skus || commit_every < 1) {
    std::fprintf(stderr, "make_log: need EVENTS >= SKUS >= 1\n");
    return 2;
  }
  try {
    std::mt19937_64 random(seed);
    store::SqliteStore log_store(argv[1], store::Access::write, 5000);
    if (app::QueryService(log_store).head().position != 0) {
      std::fprintf(stderr, "make_log: %s already has events\n", argv[1]);
      return 5;
    }

    // The items, by index; the SKU names in a shuffled popularity order.
    std::vector<domain::Item> items(static_cast<std::size_t>(skus));
    for (std::int64_t i = 0; i < skus; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "SKU-%06lld", static_cast<long long>(i));
      items[static_cast<std::size_t>(i)].sku = name;
    }
    std::vector<std::size_t> rank_to_item(items.size());
    for (std::size_t i = 0; i < rank_to_item.size(); ++i)
      rank_to_item[i] = i;
    for (std::size_t i = rank_to_item.size(); i > 1; --i) {
      std::swap(
          rank_to_item[i - 1],
          rank_to_item[static_cast<std::size_t>(below(random, static_cast<std::int64_t>(i)))]);
    }
    // Zipf(1): P(rank r) proportional to 1 / (r + 1).
    std::vector<double> cdf(items.size());
    double sum = 0;
    for (std::size_t r = 0; r < cdf.size(); ++r)
      cdf[r] = sum += 1.0 / static_cast<double>(r + 1);
    for (double& c : cdf)
      c /= sum;

    const char* actors[] = {"bench", "alice", "bob", "warehouse-7"};
    const std::string note =
        "count after \"audit\" \\ shelf\t3 \xE2\x80\x94 caf\xC3\xA9 \xE2\x9C\x93";
    const auto started = std::chrono::steady_clock::now();

    std::int64_t appended = 0, order = 0, keys = 0, snapshots = 0;
    std::vector<domain::Event> events;
    while (appended < total) {
      auto session = std::make_unique<app::LogWriter>(log_store.begin(store::Store::Mode::write));
      const std::int64_t stop = std::min(total, appended + commit_every);
      for (; appended < stop; ++appended) {
        domain::Command command;
        std::size_t index = 0;
        store::EventMetadata metadata;
        metadata.actor = actors[below(random, 4)];
        if (appended < skus) {  // the catalogue: every item gets its first stock count
          index = static_cast<std::size_t>(appended);
          command = domain::SetOnHand{items[index].sku, 100 + below(random, 9901)};
        } else {
          const double u = unit(random);
          index = rank_to_item[static_cast<std::size_t>(
              std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin())];
          index = std::min(index, items.size() - 1);
          const domain::Item& item = items[index];
          const std::string& sku = item.sku;
          const std::int64_t pick = below(random, 100);
          bool order_line = false;
          if (pick < 45) {
            command = domain::ReserveStock{sku, 1 + below(random, 5)};
            order_line = true;
          } else if (pick < 65) {
            command = domain::CompleteReservation{
                sku, 1 + below(random, std::max<std::int64_t>(
                                           1, std::min<std::int64_t>(item.reserved, 5)))};
            order_line = true;
          } else if (pick < 75) {
            command = domain::ReleaseReservation{
                sku, 1 + below(random, std::max<std::int64_t>(
                                           1, std::min<std::int64_t>(item.reserved, 5)))};
            order_line = true;
          } else if (pick < 85) {
            command = domain::AdjustStock{
                sku, below(random, 4) == 0 ? -(1 + below(random, 5)) : 10 + below(random, 491)};
          } else if (pick < 95) {
            command = domain::SetOnHand{
                sku, std::max<std::int64_t>(item.reserved, item.on_hand - 5 + below(random, 11))};
          } else {
            command = domain::SetAvailable{sku, below(random, item.on_hand - item.reserved + 1)};
          }
          if (order_line && below(random, 5) != 0)
            metadata.ref = "order-" + std::to_string(++order);
          if (below(random, 100) == 0)
            metadata.note = note;
          if (below(random, 50) == 0)
            metadata.idempotency_key = "key-" + std::to_string(++keys);
        }
        domain::Item& item = items[index];
        try {
          events = domain::decide(command, item);
        } catch (const Error&) {  // rejected by a rule: a receipt instead
          events = domain::decide(domain::AdjustStock{item.sku, 500}, item);
        }
        const auto recorded = session->append(item, events, metadata);
        for (const auto& r : recorded) {
          item = domain::evolve(std::move(item), r.event);
          item.updated_at = r.recorded_at;
          if (item.version % app::k_snapshot_interval == 0)
            ++snapshots;
        }
      }
      session->commit();
    }
    const store::Head head = app::QueryService(log_store).head();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("%lld events, %lld items, %lld snapshots, head %lld:%s (%.1fs, %.0f events/s)\n",
                static_cast<long long>(appended), static_cast<long long>(skus),
                static_cast<long long>(snapshots), static_cast<long long>(head.position),
                head.hash.c_str(), seconds, static_cast<double>(appended) / seconds);
    return 0;
  } catch (const Error& error) {
    std::fprintf(stderr, "make_log: %s\n", error.what());
    return static_cast<int>(error.exit_code());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_log: %s\n", error.what());
    return 1;
  }
}
