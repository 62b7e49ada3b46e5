#pragma once
// One engine per database: `outreach serve` and `outreach run` hold an exclusive lock on
// "<database>.lock" (flock) while they run. The kernel releases it when the process ends, also
// after kill -9, so crash recovery at start-up (intermediary digests, notices) knows that what it
// finds was left by a process that is gone, not by one still working.
//
// Owns the open descriptor; the lock lasts as long as the object.

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
  EngineLock(const EngineLock&) = delete;
  EngineLock& operator=(const EngineLock&) = delete;

 private:
  explicit EngineLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace outreach::storage
