#pragma once
// Group commit for the one writing connection. Writes handed in from any thread wait in a queue;
// the writer's thread runs them in batches, each batch one transaction (one WAL commit for many
// small writes instead of one each), each write in a savepoint of its own (Database::transaction
// nested), so a write that fails or throws rolls back only its own changes and the others commit.
// Invariants:
//  1. a write's `done` runs after its batch's transaction ended, on the writer's thread, with
//     ok only when what the write did is committed: the write's own error when it failed (its
//     changes were rolled back), the commit's error when the whole batch was rolled back;
//  2. a batch holds at most max_batch writes, taken in the order they were pushed;
//  3. exactly one drain is asked for (push returns true) per run of a non-empty queue: the caller
//     posts one drain to the writer's thread then, and posts another while drain() says `more`.
// Threading: push() and depth() are safe from any thread; drain() only on the thread that owns `db`.

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "core/error.h"

namespace outreach::storage {

class Database;

class GroupCommit {
 public:
  using Work = std::function<core::Status()>;
  using Done = std::function<void(const core::Status& committed)>;
  static constexpr std::size_t kMaxBatch = 256;

  explicit GroupCommit(std::size_t max_batch = kMaxBatch, std::string what = "posted writes")
      : max_batch_(max_batch == 0 ? 1 : max_batch), what_(std::move(what)) {}
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Queues a write. Returns true when the caller must post a drain to the writer's thread
  // (the queue had no drain pending).
  bool push(Work work, Done done);

  struct Drained {
    std::size_t ran = 0;   // writes run in this batch
    bool more = false;     // writes still queued: post another drain
  };
  // Runs up to max_batch queued writes in one transaction on `db`, then their `done`s.
  Drained drain(Database& db);

  std::size_t depth() const;

  // Pacing for a writer that wants batches at least `interval` apart (app/serve_lanes.cpp: every
  // commit costs each reader connection its page cache). Given when the last batch started, when
  // the next may: now if that was `interval` ago or longer, else `interval` after it, and never
  // more than `interval` from now whatever the clock did.
  static std::chrono::steady_clock::time_point next_commit_at(std::chrono::steady_clock::time_point last_commit,
                                                              std::chrono::steady_clock::time_point now,
                                                              std::chrono::microseconds interval);

 private:
  struct Item {
    Work work;
    Done done;
  };
  const std::size_t max_batch_;
  const std::string what_;
  mutable std::mutex mutex_;
  std::deque<Item> queue_;   // GUARDED_BY(mutex_)
  bool scheduled_ = false;   // GUARDED_BY(mutex_): a drain is posted or running
};

}  // namespace outreach::storage
