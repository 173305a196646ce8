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

// The result of an earlier run of the same command with the same key, or nullopt if the key is
// unused. Throws conflict if the key was used for another command.
std::optional<WriteResult> find_duplicate(store::WriteSession& session,
                                          const domain::Command& command,
                                          const store::EventMetadata& metadata) {
  const std::string& key = *metadata.idempotency_key;
  std::vector<store::RecordedEvent> original = session.find_by_idempotency_key(key);
  if (original.empty()) {
    return std::nullopt;
  }
  // The same command: same name, SKU, quantities and ref (SPEC §7). Every command appends
  // exactly one event, so the original is one event that this command would have appended.
  const bool same = original.size() == 1 && original.front().sku == domain::sku_of(command) &&
                    original.front().metadata.ref == metadata.ref &&
                    domain::is_outcome_of(command, original.front().event);
  if (!same) {
    throw Error(ExitCode::conflict, "idempotency_conflict",
                "idempotency key '" + key + "' was already used for another command (position " +
                    std::to_string(original.front().position) + ")");
  }
  const store::RecordedEvent& last = original.back();
  auto item = session.item_at_version(last.sku, last.version);
  if (!item) {
    throw Error(ExitCode::integrity, "damaged_log",
                "the event at position " + std::to_string(last.position) +
                    " cannot be replayed; run 'inv verify'");
  }
  WriteResult result;
  result.item = std::move(*item);
  result.events = std::move(original);
  result.duplicate = true;
  return result;
}

}  // namespace

WriteResult CommandService::execute(const domain::Command& command, const WriteOptions& options) {
  auto session = m_store.begin_write();
  // Order of checks (SPEC §7): idempotency key, --expect-version, existence, business rules.
  if (options.metadata.idempotency_key) {
    if (auto duplicate = find_duplicate(*session, command, options.metadata)) {
      duplicate->dry_run = options.dry_run;
      return std::move(*duplicate);
    }
  }
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
