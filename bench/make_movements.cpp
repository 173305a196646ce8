// make_movements: one stream of stock movements written twice, as an inv export (NDJSON with its
// hash chain, for `inv import`) and as a ledger journal, so that `inv list --as-of` and
// `ledger balance -e` can be timed on the same movements and their balances compared SKU by SKU.
//
// Usage: make_movements EVENTS SKUS SEED EXPORT.ndjson JOURNAL.ledger
//   First one stock count (`set-soh`, 100..1,000) per SKU, then commands on uniformly drawn SKUs:
//   reserve 30 % (1..5), complete 25 % (1..what is reserved), release 10 %, receipt 20 %
//   (adjust +10..200), write-off 5 % (adjust -1..3), stock count 10 % (on_hand -5..+5). A
//   command the rules reject becomes a receipt instead, so every command is one event, made by
//   inv's own decide() and chained by inv's own codec.
//   Event i is recorded at 2026-01-01T00:00:00Z + i * (365 days / EVENTS), so the days of the
//   year split the log into 365 equal parts, and a date is a cut for both tools: events up to
//   the end of day D are `inv ... --as-of D` and `ledger ... -e D+1`.
//   The journal has one transaction per event that moves on_hand (account Stock:SKU, balanced
//   by Counterparty); reserves and releases move no stock, so ledger has nothing to record.
// Deterministic for a given SEED. Prints "EVENTS events (P postings), SKUS items".

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "inv/cli/output.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/store/event_codec.hpp"

namespace {

using namespace inv;

constexpr std::int64_t k_year_us = 365LL * 86400 * 1'000'000;
constexpr std::time_t k_start = 1767225600;  // 2026-01-01T00:00:00Z

std::uint64_t below(std::mt19937_64& random, std::uint64_t n) {
  return random() % n;
}

std::int64_t between(std::mt19937_64& random, std::int64_t low, std::int64_t high) {
  return low + static_cast<std::int64_t>(below(random, static_cast<std::uint64_t>(high - low + 1)));
}

// RFC 3339 with microseconds, UTC, of `us` microseconds after 2026-01-01.
std::string time_of(std::int64_t us) {
  const std::time_t seconds = k_start + static_cast<std::time_t>(us / 1'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "Z",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, us % 1'000'000);
  return text;
}

domain::Command next_command(std::mt19937_64& random, const domain::Item& item) {
  const std::string& sku = item.sku;
  const std::uint64_t pick = below(random, 100);
  if (pick < 30) {
    return domain::ReserveStock{sku, between(random, 1, 5)};
  }
  if (pick < 55) {
    return domain::CompleteReservation{sku,
                                       item.reserved > 0 ? between(random, 1, item.reserved) : 1};
  }
  if (pick < 65) {
    return domain::ReleaseReservation{sku,
                                      item.reserved > 0 ? between(random, 1, item.reserved) : 1};
  }
  if (pick < 85) {
    return domain::AdjustStock{sku, between(random, 10, 200)};
  }
  if (pick < 90) {
    return domain::AdjustStock{sku, -between(random, 1, 3)};
  }
  return domain::SetOnHand{sku, std::max<std::int64_t>(0, item.on_hand + between(random, -5, 5))};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: make_movements EVENTS SKUS SEED EXPORT.ndjson JOURNAL.ledger\n");
    return 2;
  }
  const std::int64_t events = std::atoll(argv[1]);
  const std::int64_t skus = std::atoll(argv[2]);
  std::mt19937_64 random(std::strtoull(argv[3], nullptr, 10));
  if (events < skus || skus < 1) {
    std::fprintf(stderr, "make_movements: EVENTS must be at least SKUS, and SKUS at least 1\n");
    return 2;
  }
  std::FILE* exported = std::fopen(argv[4], "w");
  std::FILE* journal = std::fopen(argv[5], "w");
  if (exported == nullptr || journal == nullptr) {
    std::perror("make_movements");
    return 1;
  }
  try {
    std::vector<domain::Item> items(static_cast<std::size_t>(skus));
    for (std::int64_t i = 0; i < skus; ++i) {
      char sku[32];
      std::snprintf(sku, sizeof sku, "SKU-%06" PRId64, i);
      items[static_cast<std::size_t>(i)].sku = sku;
    }
    std::string prev_hash(64, '0');
    std::int64_t postings = 0;
    for (std::int64_t i = 0; i < events; ++i) {
      domain::Item& item = items[static_cast<std::size_t>(
          i < skus ? i
                   : static_cast<std::int64_t>(below(random, static_cast<std::uint64_t>(skus))))];
      const domain::Command command =
          i < skus ? domain::Command(domain::SetOnHand{item.sku, between(random, 100, 1000)})
                   : next_command(random, item);
      std::vector<domain::Event> decided;
      try {
        decided = domain::decide(command, item);
      } catch (const Error&) {
        decided = domain::decide(domain::AdjustStock{item.sku, 500}, item);
      }
      const domain::Event& event = decided.at(0);
      const std::int64_t before = item.on_hand;
      item = domain::evolve(item, event);
      const std::int64_t change = item.on_hand - before;

      // The event as inv records it; its hash and its export line by inv's own codec and output.
      store::RecordedEvent recorded;
      recorded.position = i + 1;
      recorded.sku = item.sku;
      recorded.version = item.version;
      recorded.event = event;
      recorded.data = store::event_data_json(event);
      recorded.recorded_at = time_of(i * (k_year_us / events));
      recorded.metadata.actor = "bench";
      recorded.prev_hash = prev_hash;
      recorded.hash = store::chain_hash(prev_hash, store::canonical_json(recorded));
      std::fputs((cli::event_json(recorded) + "\n").c_str(), exported);
      prev_hash = recorded.hash;
      const std::string& recorded_at = recorded.recorded_at;
      const std::string_view type = recorded.type();

      if (change != 0) {
        std::fprintf(journal, "%.10s %.*s\n    Stock:%s  %" PRId64 "\n    Counterparty\n\n",
                     recorded_at.c_str(), static_cast<int>(type.size()), type.data(),
                     item.sku.c_str(), change);
        ++postings;
      }
    }
    if (std::fclose(exported) != 0 || std::fclose(journal) != 0) {
      std::perror("make_movements");
      return 1;
    }
    std::printf("%" PRId64 " events (%" PRId64 " postings), %" PRId64 " items\n", events, postings,
                skus);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "make_movements: %s\n", error.what());
    return 1;
  }
  return 0;
}
