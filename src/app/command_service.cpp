#include "inv/app/command_service.hpp"

#include <string>

#include "inv/domain/decide.hpp"
#include "inv/error.hpp"

namespace inv::app {
namespace {

void check_expected_version(const domain::Item& item, std::int64_t expected) {
  if (item.version == expected) {
    return;
  }
  std::string actual = item.exists() ? "is at version " + std::to_string(item.version)
                                     : "does not exist";
  std::string wanted = expected == 0 ? "not to exist" : "version " + std::to_string(expected);
  throw Error(ExitCode::conflict, "version_conflict",
              "item '" + item.sku + "' " + actual + " (expected " + wanted + ")");
}

}  // namespace

WriteResult CommandService::execute(const domain::Command& command, const WriteOptions& options) {
  auto session = m_store.begin_write();
  domain::Item item = session->load(domain::sku_of(command));
  if (options.expect_version) {
    check_expected_version(item, *options.expect_version);
  }
  const std::vector<domain::Event> events = domain::decide(command, item);

  WriteResult result;
  result.events = session->append(item, events, options.metadata);
  for (const store::RecordedEvent& recorded : result.events) {
    item = domain::evolve(std::move(item), recorded.event);
    item.updated_at = recorded.recorded_at;
  }
  result.item = std::move(item);
  result.dry_run = options.dry_run;
  if (!options.dry_run) {
    session->commit();
  }
  return result;
}

}  // namespace inv::app
