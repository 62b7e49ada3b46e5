#pragma once
// Numbered schema migrations. Migration N (1-based) brings the schema from version N-1 to N.
// Append only: never edit a migration that has shipped.

#include <string>
#include <vector>

namespace outreach::storage {

const std::vector<std::string>& migrations();
// The same migrations for PostgreSQL (storage/migrations_postgres.cpp), numbered the same: the
// two lists always have the same length.
const std::vector<std::string>& postgres_migrations();

}  // namespace outreach::storage
