#pragma once
// The SQLite backend of the statement layer (storage/sql.h), on SQLiteCpp: one file, WAL journal,
// foreign keys on, secure_delete on (deleted rows are overwritten, so an erasure leaves nothing in
// free pages), a 5 s busy timeout. SQLiteCpp's exceptions leave it as SqlError.

#include <memory>
#include <string>

#include "storage/sql.h"

namespace SQLite {
class Database;
}

namespace outreach::storage {

// Opens (creating if needed) `path` (":memory:" for a private in-memory database). A reader is
// opened read-only with PRAGMA query_only: any write fails. Throws SqlError.
std::unique_ptr<Connection> open_sqlite(const std::string& path, bool read_only);

// The SQLiteCpp database under a SQLite connection; nullptr for another backend.
SQLite::Database* sqlite_handle(Connection& connection);

}  // namespace outreach::storage
