// FLOOR for `inv reserve SKU Q`: the least a statically linked program can do to append the same
// event to the same kind of database (one made by inv). One SQLite transaction:
//
//   open (read-write) -> BEGIN IMMEDIATE -> read the item row from `items` -> read the head
//   (last position, hash, recorded_at) -> build the event's canonical JSON and its SHA-256
//   chain hash -> INSERT the row into `events` with inv's 16 columns -> UPDATE `items`
//   -> COMMIT -> print one line -> close -> exit.
//
// No schema checks, no CLI parsing, no error classes: everything `inv` does on top of this is
// what the benchmark measures. The event it appends is a valid one (`inv verify` accepts it),
// so both programs do the same SQLite and hashing work.
//
// Usage: floor_reserve DB SKU QTY     (exit 3 if not enough is available, 7 on an SQLite error)

#define OPENSSL_SUPPRESS_DEPRECATED
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <openssl/sha.h>
#include <sqlite3.h>

namespace {

sqlite3* g_db = nullptr;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "floor_reserve: %s: %s\n", what, sqlite3_errmsg(g_db));
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

void append_string(std::string& out, const char* text) {
  out += '"';
  for (const char* p = text; *p != '\0'; ++p) {
    const auto byte = static_cast<unsigned char>(*p);
    if (*p == '"' || *p == '\\') {
      out += '\\';
      out += *p;
    } else if (byte < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", byte);
      out += escape;
    } else {
      out += *p;
    }
  }
  out += '"';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: floor_reserve DB SKU QTY\n");
    return 2;
  }
  const char* sku = argv[2];
  const long long qty = std::atoll(argv[3]);
  const char* actor = std::getenv("INV_ACTOR");
  if (actor == nullptr || *actor == '\0')
    actor = std::getenv("LOGNAME");
  if (actor == nullptr || *actor == '\0')
    actor = "floor";

  if (sqlite3_open_v2(argv[1], &g_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    fail("open");
  }
  sqlite3_busy_timeout(g_db, 5000);
  exec("BEGIN IMMEDIATE");

  // The item's row from the read model.
  sqlite3_stmt* item =
      prepare("SELECT on_hand, reserved, available, version FROM items WHERE sku = ?");
  sqlite3_bind_text(item, 1, sku, -1, SQLITE_STATIC);
  if (sqlite3_step(item) != SQLITE_ROW) {
    std::fprintf(stderr, "floor_reserve: no item '%s'\n", sku);
    return 4;
  }
  const long long on_hand = sqlite3_column_int64(item, 0);
  const long long reserved = sqlite3_column_int64(item, 1) + qty;
  const long long available = sqlite3_column_int64(item, 2) - qty;
  const long long version = sqlite3_column_int64(item, 3) + 1;
  sqlite3_finalize(item);
  if (available < 0) {
    std::fprintf(stderr, "floor_reserve: not enough available\n");
    return 3;
  }

  // The head of the log: last position, its hash and time.
  sqlite3_stmt* head =
      prepare("SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1");
  long long position = 1;
  char prev_hash[65];
  std::memset(prev_hash, '0', 64);
  prev_hash[64] = '\0';
  char head_time[64] = "";
  if (sqlite3_step(head) == SQLITE_ROW) {
    position = sqlite3_column_int64(head, 0) + 1;
    std::snprintf(prev_hash, sizeof prev_hash, "%s",
                  reinterpret_cast<const char*>(sqlite3_column_text(head, 1)));
    std::snprintf(head_time, sizeof head_time, "%s",
                  reinterpret_cast<const char*>(sqlite3_column_text(head, 2)));
  }
  sqlite3_finalize(head);

  // recorded_at: UTC with microseconds, never before the head's.
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

  // The event, its canonical JSON (keys sorted) and its chain hash.
  char data[48];
  std::snprintf(data, sizeof data, "{\"qty\":%lld}", qty);
  std::string canonical = "{\"actor\":";
  append_string(canonical, actor);
  canonical += ",\"data\":";
  canonical += data;
  canonical += ",\"idempotency_key\":null,\"note\":null,\"position\":";
  canonical += std::to_string(position);
  canonical += ",\"recorded_at\":\"";
  canonical += recorded_at;
  canonical += "\",\"ref\":null,\"sku\":";
  append_string(canonical, sku);
  canonical += ",\"type\":\"StockReserved\",\"version\":";
  canonical += std::to_string(version);
  canonical += '}';
  SHA256_CTX context;
  SHA256_Init(&context);
  SHA256_Update(&context, prev_hash, 64);
  SHA256_Update(&context, canonical.data(), canonical.size());
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &context);
  char hash[65];
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    std::snprintf(hash + 2 * i, 3, "%02x", digest[i]);
  }

  sqlite3_stmt* insert = prepare(
      "INSERT INTO events (position, sku, version, type, data, recorded_at, actor, ref, note, "
      "idempotency_key, prev_hash, hash, qty, on_hand, available, previous) "
      "VALUES (?, ?, ?, 'StockReserved', ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, NULL, NULL, NULL)");
  sqlite3_bind_int64(insert, 1, position);
  sqlite3_bind_text(insert, 2, sku, -1, SQLITE_STATIC);
  sqlite3_bind_int64(insert, 3, version);
  sqlite3_bind_text(insert, 4, data, -1, SQLITE_STATIC);
  sqlite3_bind_text(insert, 5, recorded_at, -1, SQLITE_STATIC);
  sqlite3_bind_text(insert, 6, actor, -1, SQLITE_STATIC);
  sqlite3_bind_text(insert, 7, prev_hash, 64, SQLITE_STATIC);
  sqlite3_bind_text(insert, 8, hash, 64, SQLITE_STATIC);
  sqlite3_bind_int64(insert, 9, qty);
  if (sqlite3_step(insert) != SQLITE_DONE)
    fail("insert event");
  sqlite3_finalize(insert);

  sqlite3_stmt* update = prepare(
      "UPDATE items SET reserved = ?, available = ?, version = ?, updated_at = ? WHERE sku = ?");
  sqlite3_bind_int64(update, 1, reserved);
  sqlite3_bind_int64(update, 2, available);
  sqlite3_bind_int64(update, 3, version);
  sqlite3_bind_text(update, 4, recorded_at, -1, SQLITE_STATIC);
  sqlite3_bind_text(update, 5, sku, -1, SQLITE_STATIC);
  if (sqlite3_step(update) != SQLITE_DONE)
    fail("update item");
  sqlite3_finalize(update);

  exec("COMMIT");
  std::printf("%s: reserved %lld -> on_hand %lld, reserved %lld, available %lld (version %lld)\n",
              sku, qty, on_hand, reserved, available, version);
  sqlite3_close(g_db);
  return 0;
}
