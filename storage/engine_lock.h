#pragma once
// One engine per SQLite database: `outreach serve` and `outreach run` hold an exclusive lock on
// "<database>.lock" (flock) while they run. The kernel releases it when the process ends, also
// after kill -9, so crash recovery at start-up (intermediary digests, notices) knows that what it
// finds was left by a process that is gone, not by one still working.
//
// Owns the open descriptor; the lock lasts as long as the object. On PostgreSQL several engines
// may run at once (shared() is true and nothing is locked): what one finds `sending` may belong to
// another that is alive, so start-up recovery there goes by leases and leadership instead.

#include <memory>
#include <string>

#include "core/error.h"

namespace outreach::storage {

class EngineLock {
 public:
  // Errors: conflict when another process holds the lock ("another engine (outreach serve or
  // outreach run) is using DB"); internal when the lock file cannot be opened. ":memory:" needs no lock.
  static core::Result<std::unique_ptr<EngineLock>> acquire(const std::string& database_path);
  ~EngineLock();
  // Other engines may be using the same database (PostgreSQL).
  bool shared() const { return shared_; }
  EngineLock(const EngineLock&) = delete;
  EngineLock& operator=(const EngineLock&) = delete;

 private:
  explicit EngineLock(int fd, bool shared = false) : fd_(fd), shared_(shared) {}
  int fd_ = -1;
  bool shared_ = false;
};

}  // namespace outreach::storage
