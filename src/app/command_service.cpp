#include "inv/app/command_service.hpp"

#include <algorithm>
#include <string>

#include "inv/app/batch.hpp"
#include "inv/app/event_log.hpp"
#include "inv/domain/decide.hpp"
#include "inv/error.hpp"
#include "inv/util/overloaded.hpp"

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
  // Release and complete draw from what their ref holds (SPEC §8); no other command reads it.
  domain::Holdings holdings;
  if (item.exists() && (std::holds_alternative<domain::ReleaseReservation>(command) ||
                        std::holds_alternative<domain::CompleteReservation>(command))) {
    const std::string ref = domain::holding_ref(options.metadata.ref);
    holdings = log.holdings(item.sku, ref);
    const std::int64_t qty = std::visit(
        util::Overloaded{[](const domain::ReleaseReservation& c) { return c.qty; },
                         [](const domain::CompleteReservation& c) { return c.qty; },
                         [](const auto&) { return std::int64_t{0}; }},
        command);
    if (qty > holdings.own.qty()) {
      holdings = log.holdings(item.sku, ref, true);  // the refusal names every holder
    }
  }
  const std::vector<domain::Event> events = domain::decide(command, item, holdings);

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

// The earlier run of a whole order or an expire with the same key (nullopt if the key is unused):
// its events must all be releases (or completes) of `name`, else the key is a conflict.
std::optional<WriteResult> find_duplicate_of_many(LogWriter& log, std::string_view name,
                                                  const std::optional<std::string>& ref,
                                                  const std::string& key) {
  std::vector<store::RecordedEvent> original = log.events_with_key(key);
  if (original.empty()) {
    return std::nullopt;
  }
  const auto recorded_command = log.command_for_key(key, original);
  bool same = !recorded_command || *recorded_command == name;
  for (const store::RecordedEvent& event : original) {
    same = same && domain::is_command_of(name, event.event) && (!ref || event.metadata.ref == ref);
  }
  if (!same) {
    throw Error(ExitCode::conflict, "idempotency_conflict",
                "idempotency key '" + key + "' was already used for another command (position " +
                    std::to_string(original.front().position) + ")");
  }
  WriteResult result;
  result.many_items = true;
  for (const store::RecordedEvent& event : original) {
    if (auto item = log.item_at(event.sku, event.version)) {
      result.items.push_back(std::move(*item));
    }
  }
  result.events = std::move(original);
  result.duplicate = true;
  return result;
}

// Appends `command` for each holding, drawn from the holding's ref, and collects the outcome.
void draw_each(LogWriter& log, const std::vector<domain::Holding>& holdings, bool complete,
               const store::EventMetadata& metadata, WriteResult& result) {
  for (const domain::Holding& holding : holdings) {
    domain::Item item = log.load(holding.sku);
    // All of it, but never below 0 reserved: a v1 log may have let another ref draw on it.
    const std::int64_t qty = std::min(holding.qty(), item.reserved);
    if (qty <= 0) {
      continue;
    }
    domain::Command command;
    if (complete) {
      command = domain::CompleteReservation{holding.sku, qty};
    } else {
      command = domain::ReleaseReservation{holding.sku, qty};
    }
    const std::vector<domain::Event> events =
        domain::decide(command, item, log.holdings(holding.sku, holding.ref, true));
    store::EventMetadata own = metadata;
    own.ref = domain::event_ref(holding.ref);
    for (store::RecordedEvent& recorded : log.append(item, events, own)) {
      item = fold(std::move(item), recorded.event, recorded.recorded_at);
      result.events.push_back(std::move(recorded));
    }
    if (result.items.empty() || result.items.back().sku != item.sku) {
      result.items.push_back(std::move(item));
    } else {
      result.items.back() = std::move(item);
    }
  }
}

WriteResult execute_in(LogWriter& log, const WholeOrder& order, const WriteOptions& options) {
  if (options.metadata.idempotency_key && !options.key_checked_by_batch) {
    if (auto duplicate = find_duplicate_of_many(log, order.name(), order.ref,
                                                *options.metadata.idempotency_key)) {
      duplicate->dry_run = options.dry_run;
      return std::move(*duplicate);
    }
  }
  std::vector<domain::Holding> holdings;
  for (const std::string& sku : log.skus_held_by(order.ref)) {
    holdings.push_back(log.holdings(sku, order.ref).own);
  }
  if (holdings.empty()) {
    throw Error(ExitCode::not_found, "reservation_not_found",
                "ref '" + order.ref + "' holds no reservation");
  }
  WriteResult result;
  result.many_items = true;
  store::EventMetadata metadata = options.metadata;
  draw_each(log, holdings, order.kind == WholeOrder::Kind::complete, metadata, result);
  if (options.metadata.idempotency_key && !options.key_checked_by_batch) {
    log.remember_command(*options.metadata.idempotency_key, order.name());
  }
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

// One command in its own transaction, committed unless it is a dry run or a duplicate.
template <class AnyCommand>
WriteResult execute_alone(store::Store& store, const AnyCommand& command,
                          const WriteOptions& options) {
  LogWriter log(store.begin(store::Store::Mode::write));
  WriteResult result = execute_in(log, command, options);
  if (!options.dry_run && !result.duplicate) {
    log.commit();
  }
  return result;
}

}  // namespace

WriteResult CommandService::execute(const domain::Command& command, const WriteOptions& options) {
  return execute_alone(m_store, command, options);
}

WriteResult CommandService::execute(const WholeOrder& order, const WriteOptions& options) {
  return execute_alone(m_store, order, options);
}

WriteResult CommandService::execute(const Expire& expire, const WriteOptions& options) {
  LogWriter log(m_store.begin(store::Store::Mode::write));
  if (options.metadata.idempotency_key) {
    if (auto duplicate = find_duplicate_of_many(log, "release", std::nullopt,
                                                *options.metadata.idempotency_key)) {
      duplicate->dry_run = options.dry_run;
      return std::move(*duplicate);
    }
  }
  // Oldest open unit reserved at or before the cutoff. `since` is inv's fixed-width UTC text.
  const std::string cutoff = util::format_rfc3339_micros(expire.cutoff.micros);
  std::vector<domain::Holding> abandoned;
  for (domain::Holding& holding : log.open_holdings()) {
    if (holding.since() <= cutoff) {
      abandoned.push_back(std::move(holding));
    }
  }
  WriteResult result;
  result.many_items = true;
  result.dry_run = options.dry_run;
  if (abandoned.empty()) {
    return result;
  }
  store::EventMetadata metadata = options.metadata;
  metadata.note = "expired";
  draw_each(log, abandoned, false, metadata, result);
  if (options.metadata.idempotency_key) {
    log.remember_command(*options.metadata.idempotency_key, "release");
  }
  if (!options.dry_run) {
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
  std::size_t next_original = 0;  // on a rerun: the first original event no line matched yet
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
      const std::size_t first = next_original;
      const bool same = std::visit(
          util::Overloaded{
              [&](const domain::Command& command) {
                const bool match = next_original < original.size() &&
                                   original[next_original].sku == domain::sku_of(command) &&
                                   original[next_original].metadata.ref == line->ref &&
                                   domain::is_outcome_of(command, original[next_original].event);
                next_original += match ? 1 : 0;
                return match;
              },
              [&](const WholeOrder& order) {
                // One event per SKU, in SKU order, each drawn from the order's ref.
                while (next_original < original.size() &&
                       domain::is_command_of(order.name(), original[next_original].event) &&
                       original[next_original].metadata.ref == order.ref &&
                       (next_original == first ||
                        original[next_original - 1].sku < original[next_original].sku)) {
                  ++next_original;
                }
                return next_original > first;
              },
          },
          line->command);
      if (!same) {
        throw Error(ExitCode::conflict, "idempotency_conflict",
                    "idempotency key '" + *options.idempotency_key +
                        "' was already used for another batch (line " +
                        std::to_string(line->line_number) + " differs)");
      }
      if (outcome) {
        WriteResult replayed;
        replayed.many_items = std::holds_alternative<WholeOrder>(line->command);
        for (std::size_t i = first; i < next_original; ++i) {
          const store::RecordedEvent& event = original[i];
          auto item = log.item_at(event.sku, event.version);
          replayed.item = item.value_or(domain::Item{});
          replayed.items.push_back(replayed.item);
          replayed.events.push_back(event);
        }
        replayed.duplicate = true;
        replayed.dry_run = options.dry_run;
        outcomes.emplace_back(std::move(*line), std::move(replayed));
      }
      continue;
    }
    try {
      WriteResult done = std::visit(
          [&](const auto& command) { return execute_in(log, command, line_options(*line, options)); },
          line->command);
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
    if (next_original != original.size()) {
      throw Error(ExitCode::conflict, "idempotency_conflict",
                  "idempotency key '" + *options.idempotency_key +
                      "' was already used for another batch (it appended " +
                      std::to_string(original.size()) + " events; this one matches the first " +
                      std::to_string(next_original) + ")");
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
