#include "inv/cli/context.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>

#include "inv/app/query_service.hpp"
#include "inv/cli/arguments.hpp"
#include "inv/error.hpp"
#include "inv/util/suggest.hpp"

namespace inv::cli {
namespace {

constexpr const char* k_default_db = "inventory.db";

// --format and --color are checked against their choices by the command line already; these
// only map the words.
Format format_named(const std::string& name) {
  if (name == "json")
    return Format::json;
  if (name == "ndjson")
    return Format::ndjson;
  if (name == "csv")
    return Format::csv;
  return Format::text;
}

}  // namespace

void Context::resolve() {
  if (m_resolved) {
    return;
  }
  m_resolved = true;
  if (m_given.format) {
    m_output.format = format_named(*m_given.format);
    if (m_given.json && m_output.format != Format::json) {
      throw usage_error("--json and --format " + *m_given.format + " contradict each other");
    }
  } else if (m_given.json) {
    m_output.format = Format::json;
  }
  m_output.quiet = m_given.quiet;
  const std::string color = m_given.color.value_or("auto");
  m_output.color = color == "always"  ? ColorMode::always
                   : color == "never" ? ColorMode::never
                                      : ColorMode::automatic;
  if (m_given.wait) {
    const std::int64_t ms = parse_number(*m_given.wait, "--wait", NumberKind::count);
    if (ms > std::numeric_limits<int>::max()) {
      throw usage_error("--wait must be at most " +
                        std::to_string(std::numeric_limits<int>::max()) + " ms");
    }
    m_wait_ms = static_cast<int>(ms);
  }
  if (m_given.db) {
    if (m_given.db->empty()) {
      throw usage_error("--db needs a path");  // rather than quietly using another file
    }
    m_db_path = *m_given.db;
  } else if (const char* from_env = std::getenv("INV_DB"); from_env != nullptr) {
    if (*from_env == '\0') {
      // SPEC §12: an empty INV_DB is a mistake, as an empty --db is, not the default file.
      throw usage_error("INV_DB is set but empty; unset it or give it a path");
    }
    m_db_path = from_env;
  } else {
    m_db_path = k_default_db;
  }
}

const Output& Context::output() {
  resolve();
  return m_output;
}

const std::string& Context::db_path() {
  resolve();
  return m_db_path;
}

int Context::wait_ms() {
  resolve();
  return m_wait_ms;
}

std::unique_ptr<store::Store> Context::open(store::Access access) {
  resolve();
  return store::open_store(m_db_path, access, std::chrono::milliseconds(m_wait_ms));
}

Error Context::with_closest_sku(const Error& error, const std::string& sku) {
  std::vector<std::string> skus;
  try {
    auto store = open(store::Access::read);
    for (const auto& item : app::QueryService(*store).list("")) {
      skus.push_back(item.sku);
    }
  } catch (const Error&) {
    return error;  // no suggestion, rather than another error
  }
  const auto suggestion = util::closest(sku, skus);
  if (!suggestion) {
    return error;
  }
  return Error(error.exit_code(), error.code(),
               std::string(error.what()) + "; did you mean '" + *suggestion + "'?");
}

void Context::require_format(std::initializer_list<Format> allowed, std::string_view command) {
  resolve();
  if (m_output.format == Format::text || m_output.format == Format::json ||
      std::find(allowed.begin(), allowed.end(), m_output.format) != allowed.end()) {
    return;
  }
  throw usage_error("--format " + *m_given.format + " is not available for '" +
                    std::string(command) + "'");
}

}  // namespace inv::cli
