#pragma once
// What every command gets: the global options as given (bound by the command line), resolved
// and checked on first use, and a way to open the store. No CLI11 here: commands' run code and
// the tests of output do not pay for its headers.

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "inv/cli/output.hpp"
#include "inv/error.hpp"
#include "inv/store/event_store.hpp"

namespace inv::cli {

// The global options exactly as the command line gave them (empty optional: not given).
struct GlobalOptions {
  std::optional<std::string> db;
  bool json = false;
  std::optional<std::string> format;
  bool quiet = false;
  std::optional<std::string> wait;
  std::optional<std::string> color;
  bool version = false;
};

class Context {
 public:
  // The options the command line fills in; read them only after parsing.
  GlobalOptions& given() { return m_given; }

  // The resolved options. The first call checks them: throws inv::Error (usage) for a bad
  // --format, --wait, --color or an empty --db / INV_DB.
  const Output& output();
  const std::string& db_path();
  int wait_ms();

  // The store --db (else INV_DB, else ./inventory.db) names, as open_store() opens it.
  std::unique_ptr<store::Store> open(store::Access access);

  // Output formats other than text and json are for listings only: throws inv::Error (usage)
  // unless the asked-for format is text, json or one of `allowed`.
  void require_format(std::initializer_list<Format> allowed, std::string_view command);

  // Runs `work`; if it fails because `sku` is unknown (item_not_found), the error suggests the
  // closest existing SKU (SPEC §12).
  template <class Work>
  void suggesting_skus(const std::string& sku, Work&& work) {
    try {
      work();
    } catch (const Error& error) {
      if (error.code() != "item_not_found") {
        throw;
      }
      throw with_closest_sku(error, sku);
    }
  }

 private:
  void resolve();
  Error with_closest_sku(const Error& error, const std::string& sku);

  GlobalOptions m_given;
  bool m_resolved = false;
  Output m_output;
  std::string m_db_path;
  int m_wait_ms = 5000;
};

}  // namespace inv::cli
