#include "storage/assignment_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

core::Result<std::vector<std::int64_t>> AssignmentStore::assign(const std::string& assignee,
                                                                const AssignmentFilter& filter, int count, int cap,
                                                                core::TimePoint now) {
  std::vector<std::int64_t> ids;
  try {
    auto st = db_.transaction([&]() -> core::Status {
      int held = static_cast<int>(active_for(assignee).size());
      int room = std::min(count, cap - held);
      if (room <= 0) return {};
      SQLite::Statement pick(db_.sql(),
                             "SELECT c.id FROM contacts c WHERE c.erased_at IS NULL AND c.do_not_contact = 0 "
                             "AND (?1 = '' OR c.municipality_code = ?1) AND (?2 = '' OR c.language = ?2) "
                             "AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.contact_id = c.id "
                             "                AND a.released_at IS NULL) "
                             "ORDER BY c.id LIMIT ?3");
      pick.bind(1, filter.municipality);
      pick.bind(2, filter.language);
      pick.bind(3, room);
      while (pick.executeStep()) ids.push_back(pick.getColumn(0).getInt64());
      SQLite::Statement insert(db_.sql(),
                               "INSERT INTO assignments(contact_id, assignee, assigned_at) VALUES (?1, ?2, ?3)");
      for (auto id : ids) {
        insert.bind(1, static_cast<int64_t>(id));
        insert.bind(2, assignee);
        insert.bind(3, static_cast<int64_t>(core::to_millis(now)));
        insert.exec();
        insert.reset();
      }
      return {};
    });
    if (!st) return st.error();
  } catch (const std::exception& e) {
    return storage_error(e, "AssignmentStore::assign");
  }
  return ids;
}

bool AssignmentStore::is_assigned(std::int64_t contact_id, const std::string& assignee) const {
  SQLite::Statement st(db_.sql(),
                       "SELECT 1 FROM assignments WHERE contact_id = ?1 AND assignee = ?2 AND released_at IS NULL");
  st.bind(1, static_cast<int64_t>(contact_id));
  st.bind(2, assignee);
  return st.executeStep();
}

core::Status AssignmentStore::release(std::int64_t contact_id, const std::string& assignee, core::TimePoint now) {
  try {
    SQLite::Statement st(db_.sql(),
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

std::vector<std::int64_t> AssignmentStore::active_for(const std::string& assignee) const {
  std::vector<std::int64_t> ids;
  SQLite::Statement st(db_.sql(),
                       "SELECT contact_id FROM assignments WHERE assignee = ?1 AND released_at IS NULL "
                       "ORDER BY contact_id");
  st.bind(1, assignee);
  while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
  return ids;
}

}  // namespace outreach::storage
