// apply: a batch of write commands from NDJSON or CSV, one transaction, all or nothing.
#include <memory>

#include "inv/app/batch.hpp"
#include "inv/app/command_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/cli/cli11_support.hpp"
#include "inv/cli/commands.hpp"
#include "inv/cli/context.hpp"
#include "inv/cli/input_file.hpp"

namespace inv::cli {
namespace {

// What `apply --help` says of a batch line, after its example.
std::string batch_fields_help() {
  std::string fields;
  for (const std::string_view field : app::k_batch_fields) {
    fields += fields.empty() ? "" : ", ";
    fields += field;
  }
  std::string commands;
  for (const std::string_view name : domain::k_command_names) {
    commands += commands.empty() ? "" : ", ";
    commands += name;
  }
  return "Batch lines (NDJSON objects, or CSV with a header row naming the fields):\n"
         "  {\"cmd\":\"reserve\",\"sku\":\"SKU-1\",\"qty\":2,\"ref\":\"order-7\"}\n"
         "Fields: " +
         fields +
         ".\n"
         "  cmd              " +
         commands +
         "\n"
         "  qty              the quantity, delta or new value (a JSON integer)\n"
         "  soh, available   for create\n"
         "  reorder_point    for set-reorder (or its qty): "
         "{\"cmd\":\"set-reorder\",\"sku\":\"SKU-1\",\n"
         "                   \"reorder_point\":5}\n"
         "  release/complete with ref and neither sku nor qty: the whole order\n"
         "Blank lines are skipped; one bad line appends nothing and is named by its number.";
}

}  // namespace

void setup_apply(CLI::App& command, Context& ctx) {
  struct Args {
    std::string file = "-";
    std::string input = "ndjson";
    bool dry_run = false;
    std::optional<std::string> actor;
    std::optional<std::string> idempotency_key;
  };
  auto args = std::make_shared<Args>();
  add_argument(command, k_file_type, args->file, "Batch file, or - for stdin (the default)", false);
  command.add_option("--input", args->input, "Batch format: ndjson (default) or csv")
      ->type_name("FORMAT")
      ->check(choices({"ndjson", "csv"}))
      ->take_last();
  command.add_flag("--dry-run", args->dry_run, "Check every line, write nothing");
  add_text_option(command, "--actor", args->actor,
                  "Who is acting (default: $INV_ACTOR, else login name)", "NAME");
  add_text_option(command, "--idempotency-key", args->idempotency_key,
                  "Run the whole batch at most once", "K");
  command.footer("inv apply orders.ndjson\n\n" + batch_fields_help());
  command.callback([args, &ctx] {
    app::BatchOptions options;
    options.dry_run = args->dry_run;
    options.actor = resolve_actor(optional_text(args->actor, "--actor"));
    options.idempotency_key = idempotency_key(args->idempotency_key);
    ctx.require_format({Format::ndjson}, "apply");
    InputFile input(args->file);
    options.source = input.name();
    auto store = ctx.open(options.dry_run ? store::Access::dry_run : store::Access::write);
    app::CommandService service(*store);
    const auto reader = app::make_batch_reader(
        input.stream(), options.source,
        args->input == "csv" ? app::BatchFormat::csv : app::BatchFormat::ndjson);
    std::vector<std::string> outcomes;
    app::LineOutcome on_line;
    if (ctx.output().format != Format::text && !ctx.output().quiet) {
      on_line = [&](const app::BatchLine& line, const app::WriteResult& result) {
        outcomes.push_back(write_result_json(result, line.line_number));
      };
    }
    const app::BatchResult result = service.apply(*reader, options, on_line);
    print_batch_result(ctx.output(), result, outcomes);
  });
}

}  // namespace inv::cli
