#include "storage/leader_lock.h"

#include <spdlog/spdlog.h>

#include "storage/postgres_backend.h"
#include "storage/sql.h"

namespace outreach::storage {

core::Result<std::unique_ptr<LeaderLock>> LeaderLock::connect(const std::string& url, std::int64_t key,
                                                              core::Millis depose_after) {
  std::unique_ptr<LeaderLock> lock(new LeaderLock(url, key, depose_after));
  try {
    lock->conn_ = open_postgres(url, false);
  } catch (const std::exception& e) {
    return core::Error::internal(std::string("cannot open the leader lock's connection: ") + e.what(),
                                 redact_postgres_url(url));
  }
  return lock;
}

LeaderLock::LeaderLock(std::string url, std::int64_t key, core::Millis depose_after)
    : url_(std::move(url)), key_(key), depose_after_(depose_after) {}

LeaderLock::~LeaderLock() = default;  // closing the connection releases the lock

bool LeaderLock::reconnect() {
  try {
    conn_ = open_postgres(url_, false);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("leader lock: cannot reconnect: {}", e.what());
    conn_.reset();
    return false;
  }
}

bool LeaderLock::try_acquire() {
  if (held_) return still_held();
  if (!conn_ && !reconnect()) return false;
  try {
    held_ = take();
    if (!held_ && depose_after_.count() > 0 && depose_silent_holder()) held_ = take();
  } catch (const std::exception& e) {
    spdlog::warn("leader lock: {}", e.what());
    conn_.reset();  // a new session next time: nothing of this one can be trusted
    held_ = false;
  }
  return held_;
}

bool LeaderLock::take() {
  auto st = conn_->prepare("SELECT pg_try_advisory_lock(?)");
  st->bind_int64(1, key_);
  return st->step() && st->column_int64(0) == 1;
}

// The holder's session, when it has said nothing for depose_after by the server's clock (so the
// engines' clocks do not matter). A bigint advisory key shows in pg_locks as classid (high 32 bits),
// objid (low 32 bits) and objsubid 1. pg_terminate_backend waits up to 1 s for the session to end.
bool LeaderLock::depose_silent_holder() {
  auto st = conn_->prepare(
      "SELECT a.pid, pg_terminate_backend(a.pid, 1000) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND l.classid::bigint = (?::bigint >> 32) AND l.objid::bigint = (?::bigint & 4294967295) "
      "AND a.pid <> pg_backend_pid() AND a.state_change < clock_timestamp() - ?::bigint * interval '1 millisecond'");
  st->bind_int64(1, key_);
  st->bind_int64(2, key_);
  st->bind_int64(3, depose_after_.count());
  bool ended = false;
  while (st->step()) {
    spdlog::warn("leader lock: the leading engine's session (server pid {}) has been silent for over {} ms: "
                 "ended it, so that this engine can take the singletons over", st->column_int64(0),
                 depose_after_.count());
    ended = ended || st->column_int64(1) == 1;
  }
  return ended;
}

bool LeaderLock::still_held() {
  if (!held_) return false;
  try {
    // The lock lives as long as the session; the session is alive while it answers.
    auto st = conn_->prepare("SELECT 1");
    held_ = st->step();
  } catch (const std::exception& e) {
    spdlog::warn("leader lock lost with its connection: {}", e.what());
    conn_.reset();
    held_ = false;
  }
  return held_;
}

}  // namespace outreach::storage
