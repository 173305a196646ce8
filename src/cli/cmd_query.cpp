// Queries: show, list, history, head, stats. They open the store read-only and never create it.
#include <memory>

#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/domain/commands.hpp"
#include "inv/domain/events.hpp"
#include "inv/error.hpp"
#include "inv/report/terminal_chart.hpp"
#include "inv/util/time.hpp"

namespace inv::cli {

void setup_show(CLI::App& command, Context& ctx) {
  struct Args {
    std::string sku;
    std::optional<std::string> at_version;
    std::optional<std::string> as_of;
    bool chart = false;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_sku_type, args->sku, "Item SKU");
  auto* at_version = add_text_option(command, "--at-version", args->at_version,
                                     "The state right after this version", "V");
  add_text_option(command, "--as-of", args->as_of,
                  "The state at TIME (inclusive; RFC 3339, a date or now)", "TIME")
      ->excludes(at_version);
  command.add_flag("--chart", args->chart,
                   "Also chart on_hand and available over the history up to that state (text)");
  command.footer("inv show SKU-1\n  inv show SKU-1 --chart --as-of 2026-12-31");
  command.callback([args, &ctx] {
    const std::string sku = checked_sku(args->sku);
    std::optional<std::int64_t> version;
    std::optional<std::string> time;
    if (args->at_version) {
      version = parse_number(*args->at_version, "--at-version", NumberKind::positive);
    }
    if (args->as_of) {
      time = parse_time_argument(*args->as_of, "--as-of");
    }
    ctx.require_format({Format::ndjson, Format::csv}, "show");
    if (args->chart && ctx.output().format != Format::text) {
      // A picture in a machine format would be neither: refuse it before anything is read.
      throw usage_error(
          "--chart draws text; it cannot be combined with " +
          (ctx.given().format ? "--format " + *ctx.given().format : std::string("--json")));
    }
    auto store = ctx.open(store::Access::read);
    app::QueryService queries(*store);
    ctx.suggesting_skus(sku, [&] {
      const domain::Item item = version ? queries.show_at_version(sku, *version)
                                : time  ? queries.show_as_of(sku, *time)
                                        : queries.show(sku);
      if (args->chart && !ctx.output().quiet) {
        // The history up to the state shown: the item's first item.version events, folded as
        // `history SKU` folds them. The sampler keeps a bounded number of states, so memory
        // does not grow with the history (time does: every event is read once).
        const int width = output_width(ctx.output().stream);
        report::HistorySampler sampler(item.version, report::chart_samples(width));
        app::HistoryQuery query;
        query.filter.sku = sku;
        query.filter.limit = item.version;
        query.balances = true;
        queries.history(query, [&](const store::RecordedEvent&, const domain::Item* after) {
          if (after != nullptr) {
            sampler.add(*after);
          }
        });
        print_item(ctx.output(), item);
        print_chart(ctx.output(), std::move(sampler).finish(), width);
        return;
      }
      print_item(ctx.output(), item);
    });
  });
}

void setup_list(CLI::App& command, Context& ctx) {
  struct Args {
    std::optional<std::string> prefix;
    std::optional<std::string> as_of;
    bool all = false;
    bool low = false;
  };
  auto args = std::make_shared<Args>();
  add_text_option(command, "--prefix", args->prefix, "Only SKUs that start with P", "P");
  command.add_flag("--all", args->all, "Retired items too");
  command.add_flag("--low", args->low,
                   "Only items whose available is at or below their reorder point");
  add_text_option(command, "--as-of", args->as_of, "The stock report at TIME (inclusive)", "TIME");
  command.footer("inv list --prefix SKU-\n  inv list --low      (what to reorder)");
  command.callback([args, &ctx] {
    std::optional<std::string> time;
    if (args->as_of) {
      time = parse_time_argument(*args->as_of, "--as-of");
    }
    const std::string prefix = args->prefix.value_or("");
    auto store = ctx.open(store::Access::read);
    app::QueryService queries(*store);
    std::vector<domain::Item> items =
        time ? queries.list_as_of(*time, prefix) : queries.list(prefix);
    if (!args->all) {
      std::erase_if(items, [](const domain::Item& item) { return item.retired; });
    }
    if (args->low) {  // SPEC §9: an item without a reorder point is never low
      std::erase_if(items, [](const domain::Item& item) { return !item.low(); });
    }
    print_items(ctx.output(), items);
  });
}

void setup_reservations(CLI::App& command, Context& ctx) {
  struct Args {
    std::optional<std::string> sku;
    std::optional<std::string> ref;
    std::optional<std::string> older_than;
  };
  auto args = std::make_shared<Args>();
  command
      .add_option_function<std::string>(
          k_sku_type, [args](const std::string& sku) { args->sku = sku; },
          "Only this item's reservations")
      ->type_name(k_sku_type);
  add_text_option(command, "--ref", args->ref, "Only those of this ref", "REF");
  add_text_option(command, "--older-than", args->older_than,
                  "Only those whose oldest open unit is older than this (90s, 30m, 2h, 7d)",
                  "DURATION");
  command.footer("inv reservations --older-than 2h");
  command.callback([args, &ctx] {
    store::LotFilter filter;
    if (args->sku) {
      filter.sku = checked_sku(*args->sku);
    }
    filter.ref = optional_text(args->ref, "--ref");  // empty: every ref
    std::optional<util::Timestamp> cutoff;
    if (args->older_than) {
      cutoff = parse_older_than(*args->older_than, "--older-than");
    }
    auto store = ctx.open(store::Access::read);
    app::QueryService queries(*store);
    ctx.suggesting_skus(filter.sku.value_or(""), [&] {
      print_reservations(ctx.output(), queries.reservations(filter, cutoff), util::now_micros());
    });
  });
}

void setup_history(CLI::App& command, Context& ctx) {
  struct Args {
    std::optional<std::string> sku;
    std::optional<std::string> since;
    std::optional<std::string> limit;
    std::optional<std::string> last;
    std::optional<std::string> type;
    std::optional<std::string> ref;
    std::optional<std::string> actor;
    std::optional<std::string> from;
    std::optional<std::string> to;
  };
  auto args = std::make_shared<Args>();
  command
      .add_option_function<std::string>(
          k_sku_type, [args](const std::string& sku) { args->sku = sku; },
          "Only this item's events (text also shows the item after each)")
      ->type_name(k_sku_type);
  add_text_option(command, "--since", args->since, "Only events after this position (exclusive)",
                  "POSITION");
  auto* limit =
      add_text_option(command, "--limit", args->limit, "At most N events (the first N)", "N");
  add_text_option(command, "--last", args->last, "The newest N events (still oldest first)", "N")
      ->excludes(limit);
  std::vector<std::string> types(std::begin(domain::k_event_type_names),
                                 std::end(domain::k_event_type_names));
  types.insert(types.end(), std::begin(domain::k_command_names), std::end(domain::k_command_names));
  add_text_option(command, "--type", args->type,
                  "Only events of this type, or of this command (StockReserved or reserve)", "TYPE")
      ->check(choices(std::move(types)));
  add_text_option(command, "--ref", args->ref, "Only events with this ref", "REF");
  add_text_option(command, "--actor", args->actor, "Only events by this actor", "NAME");
  add_text_option(command, "--from", args->from,
                  "Only events recorded at or after TIME (a date: its start)", "TIME");
  add_text_option(command, "--to", args->to,
                  "Only events recorded at or before TIME (a date: its end)", "TIME");
  command.footer(
      "inv history SKU-1 --last 20\n"
      "  inv history --ref order-7 --from 2026-12-01 --to 2026-12-04");
  command.callback([args, &ctx] {
    app::HistoryQuery query;
    store::HistoryFilter& filter = query.filter;
    if (args->sku) {
      filter.sku = checked_sku(*args->sku);
    }
    if (args->since) {
      filter.after_position = parse_number(*args->since, "--since", NumberKind::count);
    }
    if (args->limit) {
      filter.limit = parse_number(*args->limit, "--limit", NumberKind::positive);
    }
    if (args->last) {
      query.last = parse_number(*args->last, "--last", NumberKind::positive);
    }
    if (args->type) {
      filter.type = std::string(domain::event_type_of_command(*args->type).value_or(*args->type));
    }
    filter.ref = optional_text(args->ref, "--ref");
    filter.actor = optional_text(args->actor, "--actor");
    const TimeWindow window = parse_time_window(args->from, args->to);
    query.from = window.from;
    query.to = window.to;
    query.balances = filter.sku.has_value() && ctx.output().format == Format::text;
    auto store = ctx.open(store::Access::read);
    EventPrinter printer(ctx.output(), query.balances);
    ctx.suggesting_skus(filter.sku.value_or(""), [&] {
      app::QueryService(*store).history(
          query, [&](const store::RecordedEvent& e, const domain::Item* after) {
            printer.print(e, after);
          });
    });
    printer.finish();
  });
}

void setup_head(CLI::App& command, Context& ctx) {
  command.footer("inv head");
  command.callback([&ctx] {
    ctx.require_format({}, "head");
    auto store = ctx.open(store::Access::read);
    print_head(ctx.output(), app::QueryService(*store).head());
  });
}

void setup_stats(CLI::App& command, Context& ctx) {
  command.footer("inv stats");
  command.callback([&ctx] {
    ctx.require_format({}, "stats");
    auto store = ctx.open(store::Access::read);
    print_stats(ctx.output(), app::QueryService(*store).stats(), ctx.db_path());
  });
}

}  // namespace inv::cli
