// FLOOR for `inv show SKU`: the least a statically linked program can do to answer the same
// question from the same database. Open the file read-only, select the item's row from the
// `items` read model, print it in inv's text layout, exit.
//
// Usage: floor_show DB SKU      (exit 4 if the item is missing, 7 on an SQLite error)

#include <cstdio>

#include <sqlite3.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: floor_show DB SKU\n");
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "floor_show: %s\n", sqlite3_errmsg(db));
    return 7;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* select = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT sku, on_hand, reserved, available, version, updated_at "
                         "FROM items WHERE sku = ?",
                         -1, &select, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "floor_show: %s\n", sqlite3_errmsg(db));
    return 7;
  }
  sqlite3_bind_text(select, 1, argv[2], -1, SQLITE_STATIC);
  const int rc = sqlite3_step(select);
  int exit_code = 0;
  if (rc == SQLITE_ROW) {
    std::printf(
        "sku         %s\non_hand     %lld\nreserved    %lld\navailable   %lld\n"
        "version     %lld\nupdated_at  %s\n",
        reinterpret_cast<const char*>(sqlite3_column_text(select, 0)),
        sqlite3_column_int64(select, 1), sqlite3_column_int64(select, 2),
        sqlite3_column_int64(select, 3), sqlite3_column_int64(select, 4),
        reinterpret_cast<const char*>(sqlite3_column_text(select, 5)));
  } else if (rc == SQLITE_DONE) {
    std::fprintf(stderr, "floor_show: no item '%s'\n", argv[2]);
    exit_code = 4;
  } else {
    std::fprintf(stderr, "floor_show: %s\n", sqlite3_errmsg(db));
    exit_code = 7;
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
  return exit_code;
}
