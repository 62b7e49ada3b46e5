#include "storage/group_commit.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "storage/database.h"

namespace outreach::storage {

bool GroupCommit::push(Work work, Done done) {
  std::lock_guard lock(mutex_);
  queue_.push_back(Item{std::move(work), std::move(done)});
  if (scheduled_) return false;
  scheduled_ = true;
  return true;
}

std::size_t GroupCommit::depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

GroupCommit::Drained GroupCommit::drain(Database& db) {
  std::vector<Item> batch;
  {
    std::lock_guard lock(mutex_);
    const std::size_t n = std::min(queue_.size(), max_batch_);
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  // Each write's own outcome (nullopt: ran and succeeded).
  std::vector<std::optional<core::Error>> failed(batch.size());
  core::Status committed;
  if (!batch.empty()) {
    committed = db.transaction(what_, [&]() -> core::Status {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        core::Status st = db.transaction(what_, [&] { return batch[i].work ? batch[i].work() : core::Status{}; });
        if (!st) failed[i] = st.error();
      }
      return {};
    });
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!batch[i].done) continue;
    try {
      if (!committed) batch[i].done(committed);
      else if (failed[i]) batch[i].done(*failed[i]);
      else batch[i].done(core::Status{});
    } catch (...) {
      // A completion must not take the writer down or keep the others from theirs.
    }
  }
  Drained out;
  out.ran = batch.size();
  std::lock_guard lock(mutex_);
  out.more = !queue_.empty();
  if (!out.more) scheduled_ = false;
  return out;
}

std::chrono::steady_clock::time_point GroupCommit::next_commit_at(std::chrono::steady_clock::time_point last_commit,
                                                                 std::chrono::steady_clock::time_point now,
                                                                 std::chrono::microseconds interval) {
  const auto due = last_commit + interval;
  if (due <= now) return now;
  return std::min(due, now + interval);
}

}  // namespace outreach::storage
