#include "storage/engine_session.h"

#include <limits>
#include <random>

#include "storage/advisory_locks.h"
#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

namespace {

bool try_lock(Database& db, std::int32_t id) {
  Statement st(db, "SELECT pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer))");
  st.bind(1, static_cast<std::int64_t>(kEngineSessions));
  st.bind(2, static_cast<std::int64_t>(id));
  return st.executeStep() && st.getColumn(0).getInt64() == 1;
}

}  // namespace

core::Result<std::int32_t> claim_engine_session(Database& db) {
  if (db.dialect() != Dialect::postgres) return core::Error::internal("engine sessions are for PostgreSQL", db.path());
  try {
    std::random_device seed;
    std::uniform_int_distribution<std::int32_t> pick(1, std::numeric_limits<std::int32_t>::max());
    for (int attempt = 0; attempt < 16; ++attempt) {
      const std::int32_t id = pick(seed);
      if (!try_lock(db, id)) continue;  // another engine's, or one being recovered
      db.set_engine_session(id);
      return id;
    }
    return core::Error::internal("no free engine session id after 16 tries", "engine session");
  } catch (const std::exception& e) {
    return storage_error(e, "claim an engine session");
  }
}

core::Result<bool> take_if_gone(Database& db, std::int32_t id) {
  if (db.engine_session() == id) return false;  // this engine
  try {
    return try_lock(db, id);
  } catch (const std::exception& e) {
    return storage_error(e, "test an engine session");
  }
}

core::Status release_engine_session(Database& db, std::int32_t id) {
  try {
    Statement st(db, "SELECT pg_advisory_unlock(CAST(? AS integer), CAST(? AS integer))");
    st.bind(1, static_cast<std::int64_t>(kEngineSessions));
    st.bind(2, static_cast<std::int64_t>(id));
    st.executeStep();
    return {};
  } catch (const std::exception& e) {
    return storage_error(e, "release an engine session");
  }
}

}  // namespace outreach::storage
