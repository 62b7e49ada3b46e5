// What the outbox answers without changing it: the coordinator's views (funnels, lists, reasons
// rows are in doubt, one contact's rows), the frequency cap's sends, the sandbox's copies.

#include <map>

#include "storage/database.h"
#include "storage/outbox.h"
#include "storage/outbox_rows.h"
#include "storage/sql_util.h"

namespace outreach::storage {

using outbox_rows::kSelectRow;
using outbox_rows::ms;
using outbox_rows::read_row;

std::vector<std::pair<std::string, std::int64_t>> Outbox::unknown_reasons(std::optional<std::int64_t> campaign_id,
                                                                          const std::vector<std::int64_t>& ids) const {
  std::map<std::string, std::int64_t> counts;
  auto add = [&](Statement& st) {
    while (st.executeStep()) counts[st.getColumn(0).getString()] += st.getColumn(1).getInt64();
  };
  const std::string select = "SELECT coalesce(reason, '(no reason recorded)'), count(*) FROM messages WHERE status = 'unknown'";
  if (!ids.empty()) {
    Statement st(db_, select + " AND id = ? GROUP BY 1");
    for (auto id : ids) {
      st.bind(1, static_cast<int64_t>(id));
      add(st);
      st.reset();
    }
  } else {
    Statement st(db_, select + " AND (?1 IS NULL OR campaign_id = ?1) GROUP BY 1");
    if (campaign_id) st.bind(1, static_cast<int64_t>(*campaign_id)); else st.bind(1);
    add(st);
  }
  std::vector<std::pair<std::string, std::int64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::vector<MessageRow> Outbox::list(std::optional<MessageStatus> status, std::optional<std::int64_t> campaign_id,
                                     int limit) const {
  std::string sql = std::string(kSelectRow) + " WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR campaign_id = ?2) "
                                              "ORDER BY id LIMIT ?3";
  Statement st(db_, sql);
  if (status) st.bind(1, to_string(*status)); else st.bind(1);
  if (campaign_id) st.bind(2, static_cast<int64_t>(*campaign_id)); else st.bind(2);
  st.bind(3, limit);
  std::vector<MessageRow> out;
  while (st.executeStep()) out.push_back(read_row(st));
  return out;
}

core::Result<MessageRow> Outbox::get(std::int64_t id) const {
  Statement st(db_, std::string(kSelectRow) + " WHERE id = ?");
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return core::Error::not_found("no message with id " + std::to_string(id));
  return read_row(st);
}

std::optional<MessageRow> Outbox::find_by_provider_id(const std::string& provider_id) const {
  Statement st(db_, std::string(kSelectRow) + " WHERE provider_id = ?");
  st.bind(1, provider_id);
  if (!st.executeStep()) return std::nullopt;
  return read_row(st);
}

std::optional<MessageRow> Outbox::last_sent_to(std::int64_t contact_id) const {
  auto st_cached = db_.cached(std::string(kSelectRow) +
      " WHERE contact_id = ? AND sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT 1");
  Statement& st = *st_cached;
  st.bind(1, static_cast<int64_t>(contact_id));
  if (!st.executeStep()) return std::nullopt;
  return read_row(st);
}

std::vector<FunnelCell> Outbox::funnel(std::int64_t campaign_id) const {
  Statement st(db_,
               "SELECT step, coalesce(channel, ''), status, count(*) FROM messages WHERE campaign_id = ? "
               "GROUP BY step, channel, status ORDER BY 1, 2, 3");  // by the coalesced channel: SQLite
  // sorts NULLs first and PostgreSQL last, so ordering by the column itself differs by backend
  st.bind(1, static_cast<int64_t>(campaign_id));
  std::vector<FunnelCell> out;
  while (st.executeStep()) {
    auto status = parse_message_status(st.getColumn(2).getString());
    if (!status) continue;  // a state this build does not know is not counted as another
    out.push_back({st.getColumn(0).getInt(), st.getColumn(1).getString(), *status, st.getColumn(3).getInt64()});
  }
  return out;
}

std::int64_t Outbox::count(std::int64_t campaign_id) const {
  Statement st(db_, "SELECT count(*) FROM messages WHERE campaign_id = ?");
  st.bind(1, static_cast<int64_t>(campaign_id));
  st.executeStep();
  return st.getColumn(0).getInt64();
}

std::map<std::string, std::int64_t> Outbox::count_by_status() const {
  Statement st(db_, "SELECT status, count(*) FROM messages GROUP BY status");
  std::map<std::string, std::int64_t> out;
  while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
  return out;
}

void Outbox::for_each_send_since(core::TimePoint since,
                                 const std::function<void(std::int64_t, core::TimePoint)>& fn) const {
  // Follow-ups (storage/followup_store.h) count against the same per-person cap.
  Statement st(db_, "SELECT contact_id, sent_at FROM messages WHERE sent_at >= ?1 "
                    "UNION ALL SELECT contact_id, sent_at FROM followups WHERE sent_at >= ?1 ORDER BY 2");
  st.bind(1, ms(since));
  while (st.executeStep()) fn(st.getColumn(0).getInt64(), core::from_millis(st.getColumn(1).getInt64()));
}

void Outbox::for_each_send_to(const std::vector<std::int64_t>& contact_ids, const std::vector<std::int64_t>& claimed,
                              core::TimePoint since,
                              const std::function<void(std::int64_t, core::TimePoint)>& fn) const {
  if (contact_ids.empty()) return;
  static constexpr Sql kSends{
      /*sqlite*/ "WITH who(id) AS (SELECT value FROM json_each(?1)) "
                 "SELECT contact_id, sent_at FROM messages WHERE contact_id IN (SELECT id FROM who) AND sent_at >= ?2 "
                 "UNION ALL SELECT contact_id, updated_at FROM messages WHERE contact_id IN (SELECT id FROM who) "
                 "AND status = 'sending' AND id NOT IN (SELECT value FROM json_each(?3)) "
                 "UNION ALL SELECT contact_id, sent_at FROM followups WHERE contact_id IN (SELECT id FROM who) "
                 "AND sent_at >= ?2 ORDER BY 2",
      /*postgres*/ "WITH who(id) AS (SELECT value::bigint FROM json_array_elements_text(?1::json)) "
                   "SELECT contact_id, sent_at FROM messages WHERE contact_id IN (SELECT id FROM who) AND sent_at >= ?2 "
                   "UNION ALL SELECT contact_id, updated_at FROM messages WHERE contact_id IN (SELECT id FROM who) "
                   "AND status = 'sending' AND id NOT IN (SELECT value::bigint FROM json_array_elements_text(?3::json)) "
                   "UNION ALL SELECT contact_id, sent_at FROM followups WHERE contact_id IN (SELECT id FROM who) "
                   "AND sent_at >= ?2 ORDER BY 2"};
  auto st = db_.cached(kSends);
  st->bind(1, id_list_json(contact_ids));
  st->bind(2, ms(since));
  st->bind(3, id_list_json(claimed));
  while (st->executeStep()) fn(st->getColumn(0).getInt64(), core::from_millis(st->getColumn(1).getInt64()));
}

std::vector<SandboxDelivery> Outbox::sandbox(int limit, std::optional<std::int64_t> campaign_id) const {
  Statement st(db_,
               "SELECT d.id, coalesce(d.message_id, 0), d.channel, d.urn, coalesce(d.language, ''), "
               "coalesce(d.subject, ''), d.body, d.at FROM sandbox_deliveries d "
               "LEFT JOIN messages m ON m.id = d.message_id WHERE (?1 IS NULL OR m.campaign_id = ?1) "
               "ORDER BY d.id DESC LIMIT ?2");
  if (campaign_id) st.bind(1, static_cast<int64_t>(*campaign_id)); else st.bind(1);
  st.bind(2, limit);
  std::vector<SandboxDelivery> out;
  while (st.executeStep()) {
    out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getInt64(), st.getColumn(2).getString(),
                   st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString(),
                   st.getColumn(6).getString(), core::from_millis(st.getColumn(7).getInt64())});
  }
  return out;
}


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
