#pragma once
// Which volunteer or intermediary is asked to approach which person. Invariant: a person has at
// most one active (not released) assignment (a partial UNIQUE index enforces it), so two
// volunteers never approach the same person at once.

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct AssignmentFilter {
  std::string municipality;  // CBS code; empty: any
  std::string language;      // empty: any
};

// `db` must outlive the store.
class AssignmentStore {
 public:
  explicit AssignmentStore(Database& db) : db_(db) {}
  AssignmentStore(const AssignmentStore&) = delete;
  AssignmentStore& operator=(const AssignmentStore&) = delete;

  // Assigns up to `count` live, contactable (not do-not-contact, not erased), unassigned people
  // matching the filter to `assignee`, never letting the assignee hold more than `cap` at once.
  // Returns the contact ids, oldest first. One transaction.
  core::Result<std::vector<std::int64_t>> assign(const std::string& assignee, const AssignmentFilter& filter,
                                                 int count, int cap, core::TimePoint now);
  bool is_assigned(std::int64_t contact_id, const std::string& assignee) const;
  // not_found when the person is not assigned to `assignee`.
  core::Status release(std::int64_t contact_id, const std::string& assignee, core::TimePoint now);
  std::vector<std::int64_t> active_for(const std::string& assignee) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
