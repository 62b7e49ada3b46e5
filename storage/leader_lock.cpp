#include "storage/leader_lock.h"

#include <spdlog/spdlog.h>

#include "storage/postgres_backend.h"
#include "storage/sql.h"

namespace outreach::storage {

core::Result<std::unique_ptr<LeaderLock>> LeaderLock::connect(const std::string& url, std::int64_t key) {
  std::unique_ptr<LeaderLock> lock(new LeaderLock(url, key));
  try {
    lock->conn_ = open_postgres(url, false);
  } catch (const std::exception& e) {
    return core::Error::internal(std::string("cannot open the leader lock's connection: ") + e.what(),
                                 redact_postgres_url(url));
  }
  return lock;
}

LeaderLock::LeaderLock(std::string url, std::int64_t key) : url_(std::move(url)), key_(key) {}

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
    auto st = conn_->prepare("SELECT pg_try_advisory_lock(?)");
    st->bind_int64(1, key_);
    held_ = st->step() && st->column_int64(0) == 1;
  } catch (const std::exception& e) {
    spdlog::warn("leader lock: {}", e.what());
    conn_.reset();  // a new session next time: nothing of this one can be trusted
    held_ = false;
  }
  return held_;
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
