// The write commands of SPEC §1, §8 and §9: create, set-soh, adjust, set-available, reserve,
// release, complete (also of a whole order), sell, retire, expire, set-reorder. Each takes the
// write options of SPEC §3.
#include <memory>

#include "inv/app/command_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/domain/commands.hpp"

namespace inv::cli {
namespace {

// The options every write command takes, as given.
struct WriteArgs {
  std::optional<std::string> expect_version;
  bool dry_run = false;
  std::optional<std::string> ref;
  std::optional<std::string> note;
  std::optional<std::string> actor;
  std::optional<std::string> idempotency_key;
};

void add_write_options(CLI::App& command, WriteArgs& args) {
  add_text_option(command, "--expect-version", args.expect_version,
                  "Fail with exit 5 unless the item is at this version (0: must not exist)", "V");
  command.add_flag("--dry-run", args.dry_run, "Validate and print the outcome; write nothing");
  add_text_option(command, "--ref", args.ref, "Reference to record, e.g. an order id", "REF");
  add_text_option(command, "--note", args.note, "Free-text note to record", "TEXT");
  add_text_option(command, "--actor", args.actor,
                  "Who is acting (default: $INV_ACTOR, else login name)", "NAME");
  add_text_option(command, "--idempotency-key", args.idempotency_key,
                  "Run at most once: a retry with the same key appends nothing", "K");
}

app::WriteOptions write_options(const WriteArgs& args) {
  app::WriteOptions options;
  if (args.expect_version) {
    options.expect_version =
        parse_number(*args.expect_version, "--expect-version", NumberKind::count);
  }
  options.dry_run = args.dry_run;
  options.metadata.ref = optional_text(args.ref, "--ref");
  options.metadata.note = optional_text(args.note, "--note", TextKind::note);
  options.metadata.actor = resolve_actor(optional_text(args.actor, "--actor"));
  options.metadata.idempotency_key = idempotency_key(args.idempotency_key);
  return options;
}

// Runs `command`; its arguments were checked before, so a bad one never opens the database.
void run_write(Context& ctx, const domain::Command& command, const WriteArgs& args) {
  const app::WriteOptions options = write_options(args);
  ctx.require_format({Format::ndjson}, domain::command_name(command));
  auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
  app::CommandService service(*store);
  ctx.suggesting_skus(domain::sku_of(command),
                      [&] { print_write_result(ctx.output(), service.execute(command, options)); });
}

// A write command of the form `NAME SKU NUMBER`.
template <class Command, NumberKind kind>
void setup_sku_number(CLI::App& command, Context& ctx, const std::string& number_name,
                      const std::string& number_help, const std::string& example) {
  struct Args {
    std::string sku;
    std::string number;
    WriteArgs write;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_sku_type, args->sku, "Item SKU");
  add_argument(command, number_name, args->number, number_help);
  add_write_options(command, args->write);
  command.footer(example);
  command.callback([args, &ctx, number_name] {
    run_write(ctx, Command{checked_sku(args->sku), parse_number(args->number, number_name, kind)},
              args->write);
  });
}

}  // namespace

void setup_create(CLI::App& command, Context& ctx) {
  struct Args {
    std::string sku;
    std::optional<std::string> soh;
    std::optional<std::string> available;
    WriteArgs write;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_sku_type, args->sku, "Item SKU");
  add_text_option(command, "--soh", args->soh, "Units on hand (default 0)", "N");
  add_text_option(command, "--available", args->available,
                  "Units available to promise (default: N)", "A");
  add_write_options(command, args->write);
  command.footer("inv create SKU-1 --soh 10");
  command.callback([args, &ctx] {
    domain::CreateItem create;
    create.sku = checked_sku(args->sku);
    if (args->soh) {
      create.on_hand = parse_number(*args->soh, "--soh", NumberKind::count);
    }
    if (args->available) {
      create.available = parse_number(*args->available, "--available", NumberKind::count);
    }
    run_write(ctx, create, args->write);
  });
}

void setup_set_soh(CLI::App& command, Context& ctx) {
  setup_sku_number<domain::SetOnHand, NumberKind::count>(
      command, ctx, "N", "New units on hand (a stock count)", "inv set-soh SKU-1 10");
}

void setup_adjust(CLI::App& command, Context& ctx) {
  setup_sku_number<domain::AdjustStock, NumberKind::delta>(
      command, ctx, "DELTA", "Units received (+) or written off (-), e.g. +24 or -3",
      "inv adjust SKU-1 -3");
}

void setup_set_available(CLI::App& command, Context& ctx) {
  setup_sku_number<domain::SetAvailable, NumberKind::count>(
      command, ctx, "A", "New units available to promise", "inv set-available SKU-1 5");
}

void setup_reserve(CLI::App& command, Context& ctx) {
  setup_sku_number<domain::ReserveStock, NumberKind::positive>(
      command, ctx, "QTY", "Units to reserve", "inv reserve SKU-1 2 --ref order-7");
}

namespace {

// release and complete: `NAME SKU QTY` draws from the ref's (or the pool's) reservation of SKU;
// `NAME --ref R` alone is the whole order (SPEC §8).
template <class Command>
void setup_draw(CLI::App& command, Context& ctx, app::WholeOrder::Kind kind,
                const std::string& help, const std::string& example) {
  struct Args {
    std::string sku;
    std::string qty;
    WriteArgs write;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_sku_type, args->sku, "Item SKU (none: every SKU the --ref holds)", false);
  add_argument(command, "QTY", args->qty, help, false);
  add_write_options(command, args->write);
  command.footer(example);
  command.callback([args, &ctx, kind] {
    const std::string_view name = kind == app::WholeOrder::Kind::release ? "release" : "complete";
    if (!args->sku.empty() || !args->qty.empty()) {
      if (args->qty.empty()) {
        throw usage_error("missing QTY: '" + std::string(name) + " SKU QTY', or '" +
                          std::string(name) + " --ref R' for a whole order");
      }
      run_write(
          ctx,
          Command{checked_sku(args->sku), parse_number(args->qty, "QTY", NumberKind::positive)},
          args->write);
      return;
    }
    const app::WriteOptions options = write_options(args->write);
    if (!options.metadata.ref) {
      throw usage_error("missing SKU and QTY: '" + std::string(name) + " SKU QTY', or '" +
                        std::string(name) + " --ref R' for the whole order R");
    }
    if (options.expect_version) {
      throw usage_error("--expect-version needs a SKU; a whole order has none");
    }
    ctx.require_format({Format::ndjson}, name);
    auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
    app::CommandService service(*store);
    print_write_result(ctx.output(),
                       service.execute(app::WholeOrder{kind, *options.metadata.ref}, options));
  });
}

}  // namespace

void setup_release(CLI::App& command, Context& ctx) {
  setup_draw<domain::ReleaseReservation>(
      command, ctx, app::WholeOrder::Kind::release, "Reserved units to release",
      "inv release SKU-1 1 --ref order-7\n"
      "  inv release --ref order-7      (the whole order: every SKU it holds)");
}

void setup_complete(CLI::App& command, Context& ctx) {
  setup_draw<domain::CompleteReservation>(
      command, ctx, app::WholeOrder::Kind::complete, "Reserved units shipped",
      "inv complete SKU-1 1 --ref order-7\n"
      "  inv complete --ref order-7     (the whole order: every SKU it holds)");
}

void setup_sell(CLI::App& command, Context& ctx) {
  setup_sku_number<domain::SellStock, NumberKind::positive>(
      command, ctx, "QTY", "Units sold (taken from available and on hand)",
      "inv sell SKU-1 2 --ref till-3");
}

void setup_set_reorder(CLI::App& command, Context& ctx) {
  setup_sku_number<domain::SetReorderPoint, NumberKind::count>(
      command, ctx, "N", "Reorder point: list --low shows the item when available <= N",
      "inv set-reorder SKU-1 5");
}

void setup_retire(CLI::App& command, Context& ctx) {
  struct Args {
    std::string sku;
    WriteArgs write;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_sku_type, args->sku, "Item SKU (its on hand and reserved must be 0)");
  add_write_options(command, args->write);
  command.footer("inv retire MUG-BLEU");
  command.callback(
      [args, &ctx] { run_write(ctx, domain::RetireItem{checked_sku(args->sku)}, args->write); });
}

void setup_expire(CLI::App& command, Context& ctx) {
  struct Args {
    std::optional<std::string> older_than;
    bool dry_run = false;
    std::optional<std::string> actor;
    std::optional<std::string> idempotency_key;
  };
  auto args = std::make_shared<Args>();
  add_text_option(command, "--older-than", args->older_than,
                  "Release reservations whose oldest open unit is older than this (90s, 30m, "
                  "2h, 7d)",
                  "DURATION")
      ->required();
  command.add_flag("--dry-run", args->dry_run, "List what would be released; write nothing");
  add_text_option(command, "--actor", args->actor,
                  "Who is acting (default: $INV_ACTOR, else login name)", "NAME");
  add_text_option(command, "--idempotency-key", args->idempotency_key,
                  "Run at most once: a retry with the same key appends nothing", "K");
  command.footer("inv expire --older-than 2h --dry-run");
  command.callback([args, &ctx] {
    const app::Expire expire{parse_older_than(*args->older_than, "--older-than")};
    app::WriteOptions options;
    options.dry_run = args->dry_run;
    options.metadata.actor = resolve_actor(optional_text(args->actor, "--actor"));
    options.metadata.idempotency_key = idempotency_key(args->idempotency_key);
    ctx.require_format({Format::ndjson}, "expire");
    auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
    app::CommandService service(*store);
    print_write_result(ctx.output(), service.execute(expire, options));
  });
}

}  // namespace inv::cli
