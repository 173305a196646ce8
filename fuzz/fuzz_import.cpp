// Fuzz target: import files. Any input must be imported or refused with exit 2, 5, 6 or 7, never
// crash; an accepted import must verify.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "inv/app/audit_service.hpp"
#include "inv/error.hpp"
#include "inv/store/sqlite_event_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
  inv::store::SqliteStore store(":memory:", inv::store::Access::write, 0);
  inv::app::AuditService audit(store);
  try {
    audit.import_events(input, "fuzz", nullptr);
  } catch (const inv::Error& error) {
    switch (error.exit_code()) {
      case inv::ExitCode::usage:
      case inv::ExitCode::conflict:
      case inv::ExitCode::integrity:
      case inv::ExitCode::storage:
        return 0;
      default:
        std::abort();
    }
  }
  if (!audit.verify(std::nullopt, std::nullopt, nullptr).ok()) {
    std::abort();  // import accepted something that verify refuses
  }
  return 0;
}
