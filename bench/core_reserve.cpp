// core_reserve: `inv reserve SKU QTY` without inv's command-line layer. The same store,
// application and output code as inv (SqliteEventStore, CommandService::execute,
// cli::print_write_result), linked -static like inv, but argv is read directly: no argument
// parser, no option resolution. The actor is $INV_ACTOR (scripts/bench sets it).
// A diagnostic, not a floor: inv-reserve minus core-reserve is what the CLI layer costs.
//
// Usage: core_reserve DB SKU QTY

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "inv/app/command_service.hpp"
#include "inv/cli/output.hpp"
#include "inv/store/sqlite_event_store.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: core_reserve DB SKU QTY\n");
    return 2;
  }
  try {
    inv::store::SqliteStore store(argv[1], inv::store::Access::write, 5000);
    inv::app::WriteOptions options;
    const char* actor = std::getenv("INV_ACTOR");
    options.metadata.actor = actor != nullptr ? actor : "bench";
    const auto result = inv::app::CommandService(store).execute(
        inv::domain::ReserveStock{argv[2], std::atoll(argv[3])}, options);
    inv::cli::print_write_result(inv::cli::Output{}, result);
    return std::fflush(stdout) == 0 ? 0 : 7;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "core_reserve: %s\n", error.what());
    return 1;
  }
}
