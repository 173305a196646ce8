#include "inv/app/command_service.hpp"

#include <string>

#include "inv/app/batch.hpp"
#include "inv/app/event_log.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"

namespace inv::app {
namespace {

void check_expected_version(const domain::Item& item, std::int64_t expected) {
  if (item.version == expected) {
    return;
  }
  std::string actual =
      item.exists() ? "is at version " + std::to_string(item.version) : "does not exist";
  std::string wanted = expected == 0 ? "not to exist" : "version " + std::to_string(expected);
  throw Error(ExitCode::conflict, "version_conflict",
              "item '" + item.sku + "' " + actual + " (expected " + wanted + ")");
}

// The result of an earlier run of the same command with the same key, or nullopt if the key is
// unused. Throws conflict if the key was used for another command.
std::optional<WriteResult> find_duplicate(LogWriter& log, const domain::Command& command,
                                          const store::EventMetadata& metadata) {
  const std::string& key = *metadata.idempotency_key;
  std::vector<store::RecordedEvent> original = log.events_with_key(key);
  if (original.empty()) {
    return std::nullopt;
  }
  // The same command: same name, SKU, quantities and ref (SPEC §7). Every command appends
  // exactly one event, so the original is one event that this command would have appended.
  // Where the key's command was recorded, its name must match too: `create` and `set-soh` on a
  // missing item append the same event.
  const auto recorded_command = log.command_for_key(key, original);
  const bool same = original.size() == 1 && original.front().sku == domain::sku_of(command) &&
                    original.front().metadata.ref == metadata.ref &&
                    domain::is_outcome_of(command, original.front().event) &&
                    (!recorded_command || *recorded_command == domain::command_name(command));
  if (!same) {
    throw Error(ExitCode::conflict, "idempotency_conflict",
                "idempotency key '" + key + "' was already used for another command (position " +
                    std::to_string(original.front().position) + ")");
  }
  const store::RecordedEvent& last = original.back();
  auto item = log.item_at(last.sku, last.version);
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

// Runs one command inside `log`'s transaction without committing.
WriteResult execute_in(LogWriter& log, const domain::Command& command,
                       const WriteOptions& options) {
  // Order of checks (SPEC §7): idempotency key, --expect-version, existence, business rules.
  if (options.metadata.idempotency_key && !options.key_checked_by_batch) {
    if (auto duplicate = find_duplicate(log, command, options.metadata)) {
      duplicate->dry_run = options.dry_run;
      return std::move(*duplicate);
    }
  }
  domain::Item item = log.load(domain::sku_of(command));
  if (options.expect_version) {
    check_expected_version(item, *options.expect_version);
  }
  const std::vector<domain::Event> events = domain::decide(command, item);

  WriteResult result;
  result.events = log.append(item, events, options.metadata);
  if (options.metadata.idempotency_key && !options.key_checked_by_batch) {
    log.remember_command(*options.metadata.idempotency_key, domain::command_name(command));
  }
  for (const store::RecordedEvent& recorded : result.events) {
    item = fold(std::move(item), recorded.event, recorded.recorded_at);
  }
  result.item = std::move(item);
  result.dry_run = options.dry_run;
  return result;
}

Error at_line(const std::string& source, const BatchLine& line, const Error& error) {
  Error located(error.exit_code(), error.code(),
                source + ":" + std::to_string(line.line_number) + ": " + error.what());
  located.set_line(line.line_number);
  return located;
}

// apply --dry-run reports every bad line (SPEC §12), up to this many.
constexpr std::size_t k_max_reported_lines = 100;

WriteOptions line_options(const BatchLine& line, const BatchOptions& batch) {
  WriteOptions options;
  options.expect_version = line.expect_version;
  options.dry_run = batch.dry_run;
  options.metadata.actor = batch.actor;
  options.metadata.ref = line.ref;
  options.metadata.note = line.note;
  options.metadata.idempotency_key =
      batch.idempotency_key ? batch.idempotency_key : line.idempotency_key;
  options.key_checked_by_batch = batch.idempotency_key.has_value();
  return options;
}

}  // namespace

WriteResult CommandService::execute(const domain::Command& command, const WriteOptions& options) {
  LogWriter log(m_store.begin(store::Store::Mode::write));
  WriteResult result = execute_in(log, command, options);
  if (!options.dry_run && !result.duplicate) {
    log.commit();
  }
  return result;
}

BatchResult CommandService::apply(BatchReader& reader, const BatchOptions& options,
                                  const LineOutcome& outcome) {
  LogWriter log(m_store.begin(store::Store::Mode::write));
  BatchResult result;
  result.dry_run = options.dry_run;

  std::vector<store::RecordedEvent> original;
  if (options.idempotency_key) {
    original = log.events_with_key(*options.idempotency_key);
  }
  const bool rerun = !original.empty();
  if (rerun) {
    const auto recorded_command = log.command_for_key(*options.idempotency_key, original);
    if (recorded_command && *recorded_command != "apply") {
      throw Error(ExitCode::conflict, "idempotency_conflict",
                  "idempotency key '" + *options.idempotency_key + "' was already used for '" +
                      *recorded_command + "', not for a batch");
    }
  }
  std::vector<std::pair<BatchLine, WriteResult>> outcomes;
  // A dry run goes on after a bad line, to report them all; a real run stops at the first.
  std::vector<Error> bad_lines;
  const auto bad_line = [&](const Error& error) {
    if (!options.dry_run || !error.line() || error.exit_code() == ExitCode::storage) {
      throw error;
    }
    bad_lines.push_back(error);
    return bad_lines.size() < k_max_reported_lines;
  };
  while (true) {
    std::optional<BatchLine> line;
    try {
      line = reader.next();
    } catch (const Error& error) {
      if (bad_line(error)) {
        continue;
      }
      break;
    }
    if (!line) {
      break;
    }
    if (options.idempotency_key && line->idempotency_key) {
      throw at_line(options.source, *line,
                    usage_error("a line cannot have its own idempotency_key in a batch run with "
                                "--idempotency-key"));
    }
    ++result.commands;
    if (rerun) {
      // The same batch is the same commands in the same order, each matching what it appended.
      const auto index = static_cast<std::size_t>(result.commands - 1);
      const bool same = index < original.size() &&
                        original[index].sku == domain::sku_of(line->command) &&
                        original[index].metadata.ref == line->ref &&
                        domain::is_outcome_of(line->command, original[index].event);
      if (!same) {
        throw Error(ExitCode::conflict, "idempotency_conflict",
                    "idempotency key '" + *options.idempotency_key +
                        "' was already used for another batch (line " +
                        std::to_string(line->line_number) + " differs)");
      }
      if (outcome) {
        WriteResult replayed;
        const store::RecordedEvent& event = original[index];
        auto item = log.item_at(event.sku, event.version);
        replayed.item = item.value_or(domain::Item{});
        replayed.events = {event};
        replayed.duplicate = true;
        replayed.dry_run = options.dry_run;
        outcomes.emplace_back(std::move(*line), std::move(replayed));
      }
      continue;
    }
    try {
      WriteResult done = execute_in(log, line->command, line_options(*line, options));
      if (!done.duplicate) {  // the summary counts the events actually appended (SPEC §12)
        result.events += static_cast<std::int64_t>(done.events.size());
      }
      if (outcome) {
        outcomes.emplace_back(std::move(*line), std::move(done));
      }
    } catch (const Error& error) {
      if (!bad_line(at_line(options.source, *line, error))) {
        break;
      }
    }
  }
  if (!bad_lines.empty()) {
    Error first = bad_lines.front();
    first.add_more({bad_lines.begin() + 1, bad_lines.end()});
    throw first;
  }
  if (rerun) {
    if (static_cast<std::size_t>(result.commands) != original.size()) {
      throw Error(ExitCode::conflict, "idempotency_conflict",
                  "idempotency key '" + *options.idempotency_key +
                      "' was already used for another batch (" + std::to_string(original.size()) +
                      " commands, this one has " + std::to_string(result.commands) + ")");
    }
    result.duplicate = true;
  }
  result.head = log.head();
  // Only a batch that appends something uses its key up: the index must not name a key that no
  // event carries (verify reports such a row), and an empty batch re-run appends nothing anyway.
  if (options.idempotency_key && !rerun && result.events > 0) {
    log.remember_command(*options.idempotency_key, "apply");
  }
  if (!options.dry_run && !rerun) {
    log.commit();
  }
  for (const auto& [line, done] : outcomes) {
    outcome(line, done);
  }
  return result;
}

}  // namespace inv::app
