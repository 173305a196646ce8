#pragma once
// The store on a PostgreSQL database (SPEC §10). See event_store.hpp for the primitives.
//
// inv's tables live in the connection's current schema, all named inv_*: inv_meta says what they
// are (application id and schema version), inv_events is the log, inv_head the committed head
// (one row), inv_items / inv_snapshots / inv_reservations / inv_commands the caches. Positions
// stay gap-free and in commit order because a writer's first statement locks the one head row
// (SELECT … FOR UPDATE): writers are serialized exactly as SQLite's BEGIN IMMEDIATE serializes
// them, and no sequence (whose rolled-back values would leave gaps) is ever used. DDL is
// transactional here, so the first write creates the tables inside its own transaction: a
// command that fails leaves none. An older schema is read as it is, and upgraded the same way,
// by the first write.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "inv/store/event_store.hpp"

namespace inv::store::pg {

class Connection;

class PgStore final : public Store {
 public:
  // Connects to `uri`. Throws inv::Error: storage ("connection_failed") if the server cannot be
  // reached or refuses the login; not_found for a read of a database without inv's tables;
  // integrity for inv_meta tables of another application or a newer schema.
  PgStore(std::string_view uri, Access access, std::chrono::milliseconds wait);
  ~PgStore() override;

  std::unique_ptr<Session> begin(Mode mode) override;

  // Creates inv's tables if they are missing (`inv init`); true if it created them.
  bool initialize();

 private:
  std::unique_ptr<Connection> m_connection;
  std::string m_location;  // the URI as it may be shown (no password)
  std::chrono::milliseconds m_wait;
  bool m_has_tables = false;
  std::int64_t m_schema = 0;  // the tables' schema version, once they exist
};

}  // namespace inv::store::pg
