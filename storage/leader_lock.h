#pragma once
// Leadership among engines sharing one PostgreSQL database: a session-level advisory lock
// (pg_try_advisory_lock) held on a connection of its own. PostgreSQL releases it when that
// connection ends, also when the engine is killed, so another engine can take over at once; an
// engine whose connection is lost learns it at its next still_held() and stops leading.
//
// The connection is used for nothing else: the lock must not depend on the writer's transactions.
// Use from one thread (the engine's).

#include <cstdint>
#include <memory>
#include <string>

#include "core/error.h"
#include "storage/advisory_locks.h"

namespace outreach::storage {

class Connection;

class LeaderLock {
 public:
  // Opens the lock's own connection to `url` (a postgresql:// URL). Errors: internal, with the
  // URL's password left out.
  static core::Result<std::unique_ptr<LeaderLock>> connect(const std::string& url, std::int64_t key);
  ~LeaderLock();
  LeaderLock(const LeaderLock&) = delete;
  LeaderLock& operator=(const LeaderLock&) = delete;

  // Takes the lock if no other session holds it. True when this one holds it afterwards.
  // A lost connection reads as false (and is opened again on the next call).
  bool try_acquire();
  // Whether the lock is still ours: the connection answers. False after a lost connection.
  bool still_held();
  bool held() const { return held_; }

 private:
  LeaderLock(std::string url, std::int64_t key);
  bool reconnect();

  std::string url_;
  std::int64_t key_;
  std::unique_ptr<Connection> conn_;
  bool held_ = false;
};

}  // namespace outreach::storage
