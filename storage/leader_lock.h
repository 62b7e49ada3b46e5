#pragma once
// Leadership among engines sharing one PostgreSQL database: a session-level advisory lock
// (pg_try_advisory_lock) held on a connection of its own. PostgreSQL releases it when that
// connection ends, also when the engine is killed, so another engine can take over at once; an
// engine whose connection is lost learns it at its next still_held() and stops leading.
//
// The connection is used for nothing else: the lock must not depend on the writer's transactions.
//
// A leader that hangs (stopped, swapping, its thread stuck) keeps its session, and so its lock,
// while it runs nothing. The holder proves it is alive by asking still_held() every few seconds,
// which moves its session's state_change in pg_stat_activity; an engine that fails to take the lock
// ends a holder's session that has not spoken for `depose_after` (pg_terminate_backend), and takes
// the lock on its next try. The deposed engine learns it at its next still_held(). This needs the
// engines to connect as one role (or pg_signal_backend): PostgreSQL shows and ends only sessions
// of the caller's role; otherwise a hung leader is never deposed.
// Use from one thread: the engine's, on purpose. The check is a blocking round trip, but it is the
// leader's sign of life, so it must stop when that thread stops: an engine whose thread hangs
// falls silent and is deposed, where a check on a thread of its own would keep it leading. A lost
// database blocks it no longer than the writer's own statements on that thread (the URL's
// connect_timeout, keepalives and tcp_user_timeout; README, "Running several engines").

#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "storage/advisory_locks.h"

namespace outreach::storage {

class Connection;

class LeaderLock {
 public:
  // Opens the lock's own connection to `url` (a postgresql:// URL). Errors: internal, with the
  // URL's password left out.
  // `depose_after` zero: never end another holder's session.
  static core::Result<std::unique_ptr<LeaderLock>> connect(const std::string& url, std::int64_t key,
                                                           core::Millis depose_after = core::Millis{0});
  ~LeaderLock();
  LeaderLock(const LeaderLock&) = delete;
  LeaderLock& operator=(const LeaderLock&) = delete;

  // Takes the lock if no other session holds it. True when this one holds it afterwards.
  // A lost connection reads as false (and is opened again on the next call). When another session
  // holds it and has been silent for depose_after, ends that session and tries once more.
  bool try_acquire();
  // Whether the lock is still ours: the connection answers. False after a lost connection.
  bool still_held();
  bool held() const { return held_; }

 private:
  LeaderLock(std::string url, std::int64_t key, core::Millis depose_after);
  bool reconnect();
  bool take();
  bool depose_silent_holder();

  std::string url_;
  std::int64_t key_;
  core::Millis depose_after_;
  std::unique_ptr<Connection> conn_;
  bool held_ = false;
};

}  // namespace outreach::storage
