#include "storage/assignment_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

core::Result<std::vector<std::int64_t>> AssignmentStore::candidates(const std::vector<std::string>& municipalities,
                                                                    const std::string& language,
                                                                    std::int64_t after_id, int limit) const {
  std::vector<std::int64_t> ids;
  if (municipalities.empty() || limit <= 0) return ids;
  try {
    // One bound parameter per municipality: the list is the actor's scope, a handful of codes.
    std::string in;
    for (std::size_t i = 0; i < municipalities.size(); ++i) in += (i ? ",?" : "?") + std::to_string(i + 4);
    Statement pick(db_,
                   "SELECT c.id FROM contacts c WHERE c.erased_at IS NULL AND c.do_not_contact = 0 "
                   "AND c.id > ?1 AND (?2 = '' OR c.language = ?2) AND c.municipality_code IN (" + in + ") "
                   "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.contact_id = c.id "
                   "                AND a.released_at IS NULL) "
                   "ORDER BY c.id LIMIT ?3");
    pick.bind(1, static_cast<int64_t>(after_id));
    pick.bind(2, language);
    pick.bind(3, limit);
    for (std::size_t i = 0; i < municipalities.size(); ++i) pick.bind(static_cast<int>(i + 4), municipalities[i]);
    while (pick.executeStep()) ids.push_back(pick.getColumn(0).getInt64());
  } catch (const std::exception& e) {
    return storage_error(e, "AssignmentStore::candidates");
  }
  return ids;
}

core::Status AssignmentStore::assign(std::int64_t contact_id, const std::string& assignee, core::TimePoint now) {
  try {
    Statement insert(db_, "INSERT INTO assignments(contact_id, assignee, assigned_at) VALUES (?1, ?2, ?3)");
    insert.bind(1, static_cast<int64_t>(contact_id));
    insert.bind(2, assignee);
    insert.bind(3, static_cast<int64_t>(core::to_millis(now)));
    insert.exec();
  } catch (const std::exception& e) {
    return storage_error(e, "AssignmentStore::assign");
  }
  return {};
}

core::Result<int> AssignmentStore::expire(core::TimePoint cutoff, core::TimePoint now) {
  try {
    Statement st(db_,
                 "UPDATE assignments SET released_at = ?2 WHERE released_at IS NULL AND assigned_at <= ?1");
    st.bind(1, static_cast<int64_t>(core::to_millis(cutoff)));
    st.bind(2, static_cast<int64_t>(core::to_millis(now)));
    return st.exec();
  } catch (const std::exception& e) {
    return storage_error(e, "AssignmentStore::expire");
  }
}

bool AssignmentStore::is_assigned(std::int64_t contact_id, const std::string& assignee) const {
  Statement st(db_,
               "SELECT 1 FROM assignments WHERE contact_id = ?1 AND assignee = ?2 AND released_at IS NULL");
  st.bind(1, static_cast<int64_t>(contact_id));
  st.bind(2, assignee);
  return st.executeStep();
}

core::Status AssignmentStore::release(std::int64_t contact_id, const std::string& assignee, core::TimePoint now) {
  try {
    Statement st(db_,
                 "UPDATE assignments SET released_at = ?3 WHERE contact_id = ?1 AND assignee = ?2 "
                 "AND released_at IS NULL");
    st.bind(1, static_cast<int64_t>(contact_id));
    st.bind(2, assignee);
    st.bind(3, static_cast<int64_t>(core::to_millis(now)));
    if (st.exec() == 0) return core::Error::not_found("not assigned to " + assignee, "contact " + std::to_string(contact_id));
  } catch (const std::exception& e) {
    return storage_error(e, "AssignmentStore::release");
  }
  return {};
}

std::vector<Assignment> AssignmentStore::active_for(const std::string& assignee) const {
  std::vector<Assignment> out;
  Statement st(db_,
               "SELECT contact_id, assigned_at FROM assignments WHERE assignee = ?1 AND released_at IS NULL "
               "ORDER BY contact_id");
  st.bind(1, assignee);
  while (st.executeStep()) {
    out.push_back({st.getColumn(0).getInt64(), core::from_millis(st.getColumn(1).getInt64())});
  }
  return out;
}

}  // namespace outreach::storage
