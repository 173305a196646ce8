// FLOOR for `inv verify`: the least a statically linked program can do to check the hash chain of
// the same database. One read transaction:
//
//   open (read-only) -> BEGIN -> SELECT the same 16 columns of `events` as inv's scan, in position
//   order -> per row: rebuild the canonical JSON of the 10 hashed fields (keys sorted, as
//   src/store/event_codec.cpp does), SHA-256(prev_hash + canonical JSON), compare it with the
//   stored hash, and the stored prev_hash with the previous row's hash -> print the head -> exit.
//
// Nothing else: no per-item fold, no version, data, time-order or invariant checks, no read model
// or snapshot comparison. Everything `inv verify` does on top of this is what the benchmark
// measures. It must agree with inv: it FAILS LOUDLY (exit 6, naming the row) on the first row
// whose recomputed hash differs from the stored one, so a floor that hashed different bytes than
// inv cannot pass unnoticed.
//
// Usage: floor_verify DB      (prints "N events, head POSITION:HASH")

#define OPENSSL_SUPPRESS_DEPRECATED
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <openssl/sha.h>
#include <sqlite3.h>

namespace {

sqlite3* g_db = nullptr;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "floor_verify: %s: %s\n", what, sqlite3_errmsg(g_db));
  std::exit(7);
}

std::string_view text(sqlite3_stmt* row, int column) {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(row, column));
  if (data == nullptr)
    return {};
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(row, column))};
}

// JSON string as inv writes it (src/util/json_writer.cpp): escape " \ and control characters.
// Runs of bytes that need no escape are appended at once.
void append_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;
  while (plain < text.size()) {
    const auto byte = static_cast<unsigned char>(text[plain]);
    if (byte < 0x20 || byte == '"' || byte == '\\')
      break;
    ++plain;
  }
  out.append(text.data(), plain);
  for (const char c : text.substr(plain)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && c != '"' && c != '\\') {
      out += c;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += k_hex[byte >> 4];
        out += k_hex[byte & 0xF];
    }
  }
  out += '"';
}

void append_int(std::string& out, long long value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_optional(std::string& out, sqlite3_stmt* row, int column) {
  if (sqlite3_column_type(row, column) == SQLITE_NULL) {
    out += "null";
  } else {
    append_string(out, text(row, column));
  }
}

}  // namespace

using namespace std::string_view_literals;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: floor_verify DB\n");
    return 2;
  }
  if (sqlite3_open_v2(argv[1], &g_db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    fail("open");
  }
  if (sqlite3_exec(g_db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
    fail("BEGIN");
  sqlite3_stmt* row = nullptr;
  // The same statement as inv's scan_log (src/store/sqlite_event_store.cpp).
  if (sqlite3_prepare_v2(g_db,
                         "SELECT position, sku, version, type, data, recorded_at, actor, ref, "
                         "note, idempotency_key, prev_hash, hash, qty, on_hand, available, "
                         "previous FROM events WHERE position > ? ORDER BY position",
                         -1, &row, nullptr) != SQLITE_OK) {
    fail("prepare");
  }
  sqlite3_bind_int64(row, 1, 0);

  static constexpr char k_hex[] = "0123456789abcdef";
  char previous[65];
  std::memset(previous, '0', 64);  // the genesis prev_hash: 64 zeros
  previous[64] = '\0';
  std::string canonical;
  canonical.reserve(1024);
  long long events = 0, expected_position = 1, typed = 0;
  int rc = 0;
  while ((rc = sqlite3_step(row)) == SQLITE_ROW) {
    const long long position = sqlite3_column_int64(row, 0);
    const std::string_view prev_hash = text(row, 10);
    const std::string_view hash = text(row, 11);
    // The typed columns are read (as inv's scan reads them) and otherwise unused.
    for (int column = 12; column < 16; ++column)
      typed += sqlite3_column_int64(row, column);
    if (position != expected_position || prev_hash != std::string_view(previous, 64)) {
      std::fprintf(stderr,
                   "floor_verify: FAILED at position %lld: expected position %lld after hash %s, "
                   "found prev_hash %.*s\n",
                   position, expected_position, previous, static_cast<int>(prev_hash.size()),
                   prev_hash.data());
      return 6;
    }
    ++expected_position;

    // Canonical JSON, keys sorted: actor, data, idempotency_key, note, position, recorded_at,
    // ref, sku, type, version (src/store/event_codec.cpp, append_canonical_json).
    canonical.clear();
    canonical += "{\"actor\":"sv;
    append_string(canonical, text(row, 6));
    canonical += ",\"data\":"sv;
    canonical += text(row, 4);
    canonical += ",\"idempotency_key\":"sv;
    append_optional(canonical, row, 9);
    canonical += ",\"note\":"sv;
    append_optional(canonical, row, 8);
    canonical += ",\"position\":"sv;
    append_int(canonical, position);
    canonical += ",\"recorded_at\":"sv;
    append_string(canonical, text(row, 5));
    canonical += ",\"ref\":"sv;
    append_optional(canonical, row, 7);
    canonical += ",\"sku\":"sv;
    append_string(canonical, text(row, 1));
    canonical += ",\"type\":"sv;
    append_string(canonical, text(row, 3));
    canonical += ",\"version\":"sv;
    append_int(canonical, sqlite3_column_int64(row, 2));
    canonical += '}';

    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, prev_hash.data(), prev_hash.size());
    SHA256_Update(&context, canonical.data(), canonical.size());
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256_Final(digest, &context);
    char recomputed[65];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
      recomputed[2 * i] = k_hex[digest[i] >> 4];
      recomputed[2 * i + 1] = k_hex[digest[i] & 0xF];
    }
    recomputed[64] = '\0';
    if (hash != std::string_view(recomputed, 64)) {
      std::fprintf(stderr,
                   "floor_verify: FAILED at position %lld: stored hash %.*s, recomputed %s "
                   "(canonical JSON: %s)\n",
                   position, static_cast<int>(hash.size()), hash.data(), recomputed,
                   canonical.c_str());
      return 6;
    }
    std::memcpy(previous, recomputed, 64);
    ++events;
  }
  if (rc != SQLITE_DONE)
    fail("step");
  sqlite3_finalize(row);
  sqlite3_exec(g_db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(g_db);
  std::printf("%lld events, head %lld:%s (typed sum %lld)\n", events, expected_position - 1,
              previous, typed);
  return 0;
}
