#pragma once
// Which volunteer or intermediary is asked to approach which person. Invariant: a person has at
// most one active (not released) assignment (a partial UNIQUE index enforces it), so two
// volunteers never approach the same person at once. An assignment ends when released or expired.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct Assignment {
  std::int64_t contact_id = 0;
  core::TimePoint assigned_at{};
};

// `db` must outlive the store. Who may be handed out is not this store's decision: the
// assignments service (services/assignments.h) asks the contactability policy for each candidate.
class AssignmentStore {
 public:
  explicit AssignmentStore(Database& db) : db_(db) {}
  AssignmentStore(const AssignmentStore&) = delete;
  AssignmentStore& operator=(const AssignmentStore&) = delete;

  // Live (not erased, not do-not-contact), unassigned people living in one of `municipalities`
  // (speaking `language` unless empty), with id > after_id, oldest first, at most `limit`.
  core::Result<std::vector<std::int64_t>> candidates(const std::vector<std::string>& municipalities,
                                                     const std::string& language, std::int64_t after_id,
                                                     int limit) const;
  // Assigns one person; conflict when somebody else holds them now (the partial UNIQUE index).
  core::Status assign(std::int64_t contact_id, const std::string& assignee, core::TimePoint now);
  bool is_assigned(std::int64_t contact_id, const std::string& assignee) const;
  // not_found when the person is not assigned to `assignee`.
  core::Status release(std::int64_t contact_id, const std::string& assignee, core::TimePoint now);
  // Releases every assignment handed out at or before `cutoff`. Returns how many.
  core::Result<int> expire(core::TimePoint cutoff, core::TimePoint now);
  std::vector<Assignment> active_for(const std::string& assignee) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
