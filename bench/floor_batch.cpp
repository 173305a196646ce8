// FLOOR for `inv apply` of a batch of reserves: the least a statically linked program can do to
// append the same event rows to the same kind of database (one made by inv, so the schema, the
// UNIQUE(sku, version) index and the WAL mode are inv's). One write transaction:
//
//   open (read-write) -> PRAGMA cache_size = -65536 and synchronous = FULL (exactly what inv sets
//   for writers, src/store/sqlite_event_store.cpp) -> BEGIN IMMEDIATE -> read every item's
//   version from `items` and the head (position, hash) -> per line of the batch file: take "sku",
//   "qty" and "ref" (a minimal scan, not a JSON parser: the file is known to be well formed),
//   build the StockReserved event's canonical JSON and SHA-256 chain hash, bind inv's 16 columns
//   to ONE prepared INSERT and step it -> COMMIT -> close (the WAL checkpoint on close, as inv).
//
// Nothing else: no JSON parsing, no business rules (no stock check), no read-model update, no
// snapshots, one recorded_at for the whole batch. The rows it appends are valid log rows
// (`bench/floor_verify` accepts the chain), the same size and shape as inv's.
//
// Usage: floor_batch DB BATCH.ndjson    (prints "N events, head POSITION:HASH")

#define OPENSSL_SUPPRESS_DEPRECATED
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <unordered_map>

#include <openssl/sha.h>
#include <sqlite3.h>

namespace {

sqlite3* g_db = nullptr;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "floor_batch: %s: %s\n", what, sqlite3_errmsg(g_db));
  std::exit(7);
}

void exec(const char* sql) {
  if (sqlite3_exec(g_db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    fail(sql);
}

sqlite3_stmt* prepare(const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(g_db, sql, -1, &statement, nullptr) != SQLITE_OK)
    fail(sql);
  return statement;
}

// The string value of "key":"..." in line (no escapes: the benchmark's file has none).
std::string_view string_field(std::string_view line, std::string_view key) {
  const std::size_t at = line.find(key);
  if (at == std::string_view::npos)
    return {};
  const std::size_t begin = at + key.size();
  const std::size_t end = line.find('"', begin);
  return line.substr(begin, end - begin);
}

// Simple JSON strings: the benchmark's SKUs, refs and actor need no escaping.
void append_string(std::string& out, std::string_view text) {
  out += '"';
  out += text;
  out += '"';
}

void append_int(std::string& out, long long value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

using namespace std::string_view_literals;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: floor_batch DB BATCH.ndjson\n");
    return 2;
  }
  const char* actor = std::getenv("INV_ACTOR");
  if (actor == nullptr || *actor == '\0')
    actor = "floor";
  std::FILE* input = std::fopen(argv[2], "rb");
  if (input == nullptr) {
    std::perror(argv[2]);
    return 2;
  }
  if (sqlite3_open_v2(argv[1], &g_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    fail("open");
  }
  sqlite3_busy_timeout(g_db, 5000);
  exec("PRAGMA cache_size = -65536; PRAGMA synchronous = FULL");
  exec("BEGIN IMMEDIATE");

  // Every item's current version (the floor tracks versions; it checks no stock).
  std::unordered_map<std::string, long long, Hash, std::equal_to<>> versions;
  sqlite3_stmt* items = prepare("SELECT sku, version FROM items");
  while (sqlite3_step(items) == SQLITE_ROW) {
    versions.emplace(reinterpret_cast<const char*>(sqlite3_column_text(items, 0)),
                     sqlite3_column_int64(items, 1));
  }
  sqlite3_finalize(items);

  sqlite3_stmt* head =
      prepare("SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1");
  long long position = 0;
  char prev_hash[65];
  std::memset(prev_hash, '0', 64);
  prev_hash[64] = '\0';
  char head_time[64] = "";
  if (sqlite3_step(head) == SQLITE_ROW) {
    position = sqlite3_column_int64(head, 0);
    std::snprintf(prev_hash, sizeof prev_hash, "%s",
                  reinterpret_cast<const char*>(sqlite3_column_text(head, 1)));
    std::snprintf(head_time, sizeof head_time, "%s",
                  reinterpret_cast<const char*>(sqlite3_column_text(head, 2)));
  }
  sqlite3_finalize(head);

  // One recorded_at for the batch: UTC with microseconds, never before the head's.
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  gmtime_r(&now.tv_sec, &utc);
  char recorded_at[64];
  std::snprintf(recorded_at, sizeof recorded_at, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                utc.tm_sec, now.tv_nsec / 1000);
  if (std::strcmp(recorded_at, head_time) < 0)
    std::memcpy(recorded_at, head_time, sizeof head_time);

  sqlite3_stmt* insert = prepare(
      "INSERT INTO events (position, sku, version, type, data, recorded_at, actor, ref, note, "
      "idempotency_key, prev_hash, hash, qty, on_hand, available, previous) "
      "VALUES (?, ?, ?, 'StockReserved', ?, ?, ?, ?, NULL, NULL, ?, ?, ?, NULL, NULL, NULL)");
  sqlite3_bind_text(insert, 5, recorded_at, -1, SQLITE_STATIC);
  sqlite3_bind_text(insert, 6, actor, -1, SQLITE_STATIC);

  static constexpr char k_hex[] = "0123456789abcdef";
  std::string canonical, data;
  canonical.reserve(512);
  data.reserve(64);
  char hash[65];
  hash[64] = '\0';
  char buffer[4096];
  long long events = 0;
  while (std::fgets(buffer, sizeof buffer, input) != nullptr) {
    const std::string_view line(buffer);
    const std::string_view sku = string_field(line, "\"sku\":\"");
    if (sku.empty())
      continue;
    const std::string_view ref = string_field(line, "\"ref\":\"");
    const std::size_t qty_at = line.find("\"qty\":");
    const long long qty = qty_at == std::string_view::npos ? 1 : std::atoll(buffer + qty_at + 6);
    const auto found = versions.find(sku);
    if (found == versions.end()) {
      std::fprintf(stderr, "floor_batch: no item '%.*s'\n", static_cast<int>(sku.size()),
                   sku.data());
      return 4;
    }
    const long long version = ++found->second;
    ++position;

    data.clear();
    data += "{\"qty\":"sv;
    append_int(data, qty);
    data += '}';
    canonical.clear();
    canonical += "{\"actor\":"sv;
    append_string(canonical, actor);
    canonical += ",\"data\":"sv;
    canonical += data;
    canonical += ",\"idempotency_key\":null,\"note\":null,\"position\":"sv;
    append_int(canonical, position);
    canonical += ",\"recorded_at\":\""sv;
    canonical += recorded_at;
    canonical += "\",\"ref\":"sv;
    if (ref.empty()) {
      canonical += "null"sv;
    } else {
      append_string(canonical, ref);
    }
    canonical += ",\"sku\":"sv;
    append_string(canonical, sku);
    canonical += ",\"type\":\"StockReserved\",\"version\":"sv;
    append_int(canonical, version);
    canonical += '}';
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, prev_hash, 64);
    SHA256_Update(&context, canonical.data(), canonical.size());
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256_Final(digest, &context);
    for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
      hash[2 * i] = k_hex[digest[i] >> 4];
      hash[2 * i + 1] = k_hex[digest[i] & 0xF];
    }

    sqlite3_bind_int64(insert, 1, position);
    sqlite3_bind_text(insert, 2, sku.data(), static_cast<int>(sku.size()), SQLITE_STATIC);
    sqlite3_bind_int64(insert, 3, version);
    sqlite3_bind_text(insert, 4, data.data(), static_cast<int>(data.size()), SQLITE_STATIC);
    if (ref.empty()) {
      sqlite3_bind_null(insert, 7);
    } else {
      sqlite3_bind_text(insert, 7, ref.data(), static_cast<int>(ref.size()), SQLITE_STATIC);
    }
    sqlite3_bind_text(insert, 8, prev_hash, 64, SQLITE_STATIC);
    sqlite3_bind_text(insert, 9, hash, 64, SQLITE_STATIC);
    sqlite3_bind_int64(insert, 10, qty);
    if (sqlite3_step(insert) != SQLITE_DONE)
      fail("insert event");
    sqlite3_reset(insert);
    std::memcpy(prev_hash, hash, 64);
    ++events;
  }
  std::fclose(input);
  sqlite3_finalize(insert);
  exec("COMMIT");
  std::printf("%lld events, head %lld:%s\n", events, position, prev_hash);
  if (sqlite3_close(g_db) != SQLITE_OK)
    fail("close");
  return 0;
}
