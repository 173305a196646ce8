// Fuzz target: batch lines for `inv apply`. The first byte picks NDJSON or CSV; the rest is the
// batch. Reading must end in commands or an inv::Error (usage or storage), never a crash; then the
// commands run against an in-memory database and may only fail with SPEC §5's codes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "inv/app/batch.hpp"
#include "inv/app/command_service.hpp"
#include "inv/error.hpp"
#include "inv/store/sqlite_event_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const auto format = data[0] % 2 == 0 ? inv::app::BatchFormat::ndjson : inv::app::BatchFormat::csv;
  std::istringstream input(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  try {
    inv::store::SqliteStore store(":memory:", inv::store::Access::write, 0);
    inv::app::CommandService service(store);
    const auto reader = inv::app::make_batch_reader(input, "fuzz", format);
    inv::app::BatchOptions options;
    options.source = "fuzz";
    options.actor = "fuzz";
    service.apply(*reader, options, nullptr);
  } catch (const inv::Error& error) {
    if (error.exit_code() == inv::ExitCode::failure || error.exit_code() == inv::ExitCode::ok) {
      std::abort();
    }
  }
  return 0;
}
