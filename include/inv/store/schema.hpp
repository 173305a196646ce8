#pragma once
// The SQLite schema of an inv database and its migrations.
//
// The file says what it is: PRAGMA application_id = 'INV1' and PRAGMA user_version = the schema
// version. A file with another application id, or a newer schema, is refused (exit 6).

#include <cstdint>

#include "inv/store/database.hpp"

namespace inv::store {

inline constexpr std::int64_t k_application_id = 1229870641;  // ASCII "INV1"
inline constexpr std::int64_t k_schema_version = 4;

enum class FileState { empty, current, needs_migration };

// Classifies an open database by its header and tables. Throws inv::Error (integrity) for a
// foreign file (another application id, or tables without ours) or a newer schema version.
FileState inspect_file(Database& db, const std::string& path);

// Creates the schema in an empty database, or migrates an older one, inside the caller's write
// transaction. Idempotent: does nothing on a current database.
void create_or_migrate(Database& db, const std::string& path);

}  // namespace inv::store
