// The composition root of the stores: the one place that picks a store from `--db`.
#include <filesystem>

#include "inv/store/event_store.hpp"
#include "inv/store/pg/connection.hpp"
#include "inv/store/pg/pg_store.hpp"
#include "inv/store/sqlite_event_store.hpp"

namespace inv::store {

std::unique_ptr<Store> open_store(std::string_view location, Access access,
                                  std::chrono::milliseconds wait) {
  if (pg::is_postgres_uri(location)) {
    return std::make_unique<pg::PgStore>(location, access, wait);
  }
  return std::make_unique<SqliteStore>(std::filesystem::path(location), access,
                                       static_cast<int>(wait.count()));
}

std::string display_location(std::string_view location) {
  return pg::is_postgres_uri(location) ? pg::redact_uri(location) : std::string(location);
}

bool initialize_store(std::string_view location, std::chrono::milliseconds wait) {
  if (pg::is_postgres_uri(location)) {
    return pg::PgStore(location, Access::write, wait).initialize();
  }
  return initialize_database(std::filesystem::path(location), static_cast<int>(wait.count()));
}

}  // namespace inv::store
