#pragma once
// Numbered schema migrations. Migration N (1-based) brings the schema from version N-1 to N.
// Append only: never edit a migration that has shipped. Each backend has its own list, numbered
// alike (migration N of both makes the same schema): a new migration is added to both.

#include <string>
#include <vector>

namespace outreach::storage {

// SQLite (migrations.cpp).
const std::vector<std::string>& migrations();
// PostgreSQL (migrations_postgres.cpp): the same numbers, each making the same schema.
const std::vector<std::string>& postgres_migrations();

}  // namespace outreach::storage
