// core_show: `inv show SKU` without inv's command-line layer. The same store, application and
// output code as inv (SqliteEventStore, QueryService::show, cli::print_item), linked -static like
// inv, but argv is read directly: no argument parser, no option resolution.
// It is a diagnostic, not a floor: inv-show minus core-show is what the CLI layer costs, and
// core-show minus floor-show is what the store/app/output layers cost over raw SQLite.
//
// Usage: core_show DB SKU

#include <cstdio>
#include <exception>

#include "inv/app/query_service.hpp"
#include "inv/cli/output.hpp"
#include "inv/store/sqlite_event_store.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: core_show DB SKU\n");
    return 2;
  }
  try {
    inv::store::SqliteStore store(argv[1], inv::store::Access::read, 5000);
    inv::cli::print_item(inv::cli::Output{}, inv::app::QueryService(store).show(argv[2]));
    return std::fflush(stdout) == 0 ? 0 : 7;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "core_show: %s\n", error.what());
    return 1;
  }
}
