#pragma once
// What the command files share on top of CLI11: the few ways inv binds an argument or option.
// Only src/cli/app.cpp, src/cli/help_format.cpp and the src/cli/cmd_*.cpp files include this
// (CLI11 is header-only and slow to compile); nothing outside src/cli does.

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace inv::cli {

// What the completion scripts complete a value with. The command line says it through the
// value's type name (help's `--db PATH`, `SKU`) and a validator named "choices".
inline constexpr const char* k_choices = "choices";
inline constexpr const char* k_sku_type = "SKU";
inline constexpr const char* k_path_type = "PATH";
inline constexpr const char* k_file_type = "FILE";

// A value restricted to `names` (CLI11's IsMember), which help and completion can list.
inline CLI::Validator choices(std::vector<std::string> names) {
  return CLI::IsMember(std::move(names)).name(k_choices);
}

// An option with a value (`--ref REF`) that may be absent. Numbers are taken as text too, so
// that inv's own strict parser reads them (CLI11's accepts 0x10, and overflows silently).
inline CLI::Option* add_text_option(CLI::App& app, const std::string& name,
                                    std::optional<std::string>& into, const std::string& help,
                                    const std::string& value_name) {
  return app
      .add_option_function<std::string>(
          name, [&into](const std::string& value) { into = value; }, help)
      ->type_name(value_name)
      ->take_last();
}

// A positional argument, as text; `value_name` is how help and messages call it ("QTY").
inline CLI::Option* add_argument(CLI::App& app, const std::string& value_name, std::string& into,
                                 const std::string& help, bool required = true) {
  CLI::Option* option = app.add_option(value_name, into, help)->type_name(value_name);
  if (required) {
    option->required();
  }
  return option;
}

// ---- walking the command line (src/cli/help_format.cpp) ---------------------------------------

// inv's help layout: sections Usage, Arguments, Options, Global options (named once, listed in
// full only by `inv --help`), Example (the subcommand's footer: its first line is the example,
// what follows it is printed as it is).
class HelpFormatter : public CLI::FormatterBase {
 public:
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override;
};

// The help of `app` (the root or one of its commands) as HelpFormatter lays it out.
std::string render_help(const CLI::App& app);

// The commands that help and completion show (not the hidden ones), in registry order.
std::vector<const CLI::App*> visible_commands(const CLI::App& root);

// Every name an option of `app` answers to ("--ref", "-q"), with its parent's (the globals) when
// it has one: the candidates of "did you mean" for an unknown option.
std::vector<std::string> option_names(const CLI::App& app);

// True if `option` is a flag (takes no value).
bool is_flag(const CLI::Option& option);

// The value name of `option` as help shows it ("REF", "SKU"), without validator descriptions.
std::string value_name(const CLI::Option& option);

}  // namespace inv::cli
