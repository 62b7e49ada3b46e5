// Outbox::funnel_by_municipality (the funnel per step, channel, municipality and status) and
// Outbox::statuses_of (one contact's rows), for the coordinator's views.

#include "storage/database.h"
#include "storage/outbox.h"

namespace outreach::storage {

std::vector<MunicipalFunnelCell> Outbox::funnel_by_municipality(std::int64_t campaign_id) const {
  Statement st(db_,
               "SELECT m.step, coalesce(m.channel, ''), coalesce(c.municipality_code, ''), m.status, count(*) "
               "FROM messages m JOIN contacts c ON c.id = m.contact_id WHERE m.campaign_id = ? "
               "GROUP BY m.step, m.channel, c.municipality_code, m.status "
               "ORDER BY 1, 3, 2, 4");  // the coalesced columns: the same order on both backends
  st.bind(1, static_cast<int64_t>(campaign_id));
  std::vector<MunicipalFunnelCell> out;
  while (st.executeStep()) {
    auto status = parse_message_status(st.getColumn(3).getString());
    if (!status) continue;  // a state this build does not know is not counted as another
    out.push_back({st.getColumn(0).getInt(), st.getColumn(1).getString(), st.getColumn(2).getString(), *status,
                   st.getColumn(4).getInt64()});
  }
  return out;
}

std::map<int, MessageStatus> Outbox::statuses_of(std::int64_t campaign_id, std::int64_t contact_id) const {
  Statement st(db_, "SELECT step, status FROM messages WHERE campaign_id = ? AND contact_id = ?");
  st.bind(1, static_cast<int64_t>(campaign_id));
  st.bind(2, static_cast<int64_t>(contact_id));
  std::map<int, MessageStatus> out;
  while (st.executeStep()) {
    if (auto status = parse_message_status(st.getColumn(1).getString())) out[st.getColumn(0).getInt()] = *status;
  }
  return out;
}

}  // namespace outreach::storage
