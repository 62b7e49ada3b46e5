#pragma once
// An engine's presence on a shared (PostgreSQL) database, as the other engines can test it: while
// it runs, an engine holds the session-level advisory lock (kEngineSessions, id) on its writing
// connection, for an id nobody else holds. PostgreSQL releases it when that session ends, also
// when the engine is killed or its machine is gone. So:
//  - rows an engine leaves for its own crash recovery carry its id (Database::engine_session());
//  - another engine that can take the id's lock knows that their owner is gone, and that nothing
//    it committed can still follow: the owner's writes went through the session that ended (the
//    Database does not reconnect). It recovers them while it holds the id, so no new engine can
//    take the same id meanwhile, then releases it.
// SQLite has one engine per file (storage/engine_lock.h) and recovers at start-up instead.

#include <cstdint>

#include "core/error.h"

namespace outreach::storage {

class Database;

// Takes a free id for this engine on `db` (its writer) and records it there. PostgreSQL only.
core::Result<std::int32_t> claim_engine_session(Database& db);

// Whether the engine that held `id` is gone. When it is, `db` now holds the id: call
// release_engine_session(db, id) once its rows are recovered.
core::Result<bool> take_if_gone(Database& db, std::int32_t id);
core::Status release_engine_session(Database& db, std::int32_t id);

}  // namespace outreach::storage
