#pragma once

#include <string>
#include <vector>

#include "store/SqlConnection.h"

namespace medsight {

/// \brief One versioned schema change.
struct SchemaMigration {
  int version = 0;
  std::string name;
  /// \brief DDL with "{id}" standing for the engine's auto-increment primary key.
  std::string sql;
};

/// \brief The versioned schema of the MedSight database. Versions only ever append; each runs
/// once, in order, inside one transaction with its row in `schema_migrations`, under a lock
/// (PostgreSQL advisory lock, SQLite write lock) so servers and workers starting together
/// migrate exactly once. A database newer than this build is refused, never downgraded.
class SchemaMigrations {
 public:
  /// \brief Every migration, oldest first.
  static const std::vector<SchemaMigration>& all();
  /// \brief The version this build brings a database to.
  static int latestVersion();
  /// \brief Applies pending migrations; `name` labels errors. Throws Conflict when the database
  /// has a version newer than latestVersion().
  static void apply(SqlConnection& connection, const std::string& name);
  /// \brief Version recorded in the database (0 = empty database).
  static int currentVersion(SqlConnection& connection);
};

}  // namespace medsight
