#include "services/redrive.h"

#include "services/audit_trail.h"
#include "storage/campaign_store.h"
#include "storage/database.h"
#include "storage/notice_queue.h"
#include "storage/outbox.h"
#include "storage/post_store.h"

namespace outreach::services {

using storage::PrincipalKind;

core::Result<MessageRedrive> Redrive::messages(const Actor& actor, const std::string& campaign_key,
                                               const std::vector<std::int64_t>& ids) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "resend messages"); !st) {
    return st.error();
  }
  if (campaign_key.empty() && ids.empty()) {
    return core::Error::invalid("name the messages to resend: a campaign or message ids", "redrive");
  }
  std::optional<std::int64_t> campaign_id;
  if (!campaign_key.empty()) {
    auto rec = storage::CampaignStore(db_).find(campaign_key);
    if (!rec) return rec.error();
    campaign_id = rec->id;
  }
  MessageRedrive out;
  auto st = db_.transaction([&]() -> core::Status {
    storage::Outbox outbox(db_);
    out.reasons = outbox.unknown_reasons(campaign_id, ids);
    auto n = outbox.redrive(campaign_id, ids, clock_.now());
    if (!n) return n.error();
    out.queued = *n;
    return AuditTrail(db_, clock_).record(actor, "messages.redrive",
                                          campaign_key.empty() ? "messages" : "campaign:" + campaign_key, "outreach",
                                          std::to_string(out.queued) + " unknown messages queued again");
  });
  if (!st) return st.error();
  return out;
}

core::Result<std::int64_t> Redrive::posts(const Actor& actor, const std::string& campaign_key,
                                          const std::string& post_key) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "post again"); !st) {
    return st.error();
  }
  if (campaign_key.empty()) return core::Error::invalid("name the campaign", "redrive");
  auto rec = storage::CampaignStore(db_).find(campaign_key);
  if (!rec) return rec.error();
  std::int64_t n = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto posted = storage::PostStore(db_).redrive(rec->id, post_key, clock_.now());
    if (!posted) return posted.error();
    n = *posted;
    return AuditTrail(db_, clock_).record(actor, "posts.redrive", "campaign:" + campaign_key, "outreach",
                                          std::to_string(n) + " unknown page post(s) queued again" +
                                              (post_key.empty() ? "" : " (" + post_key + ")"));
  });
  if (!st) return st.error();
  return n;
}

core::Result<std::int64_t> Redrive::notices(const Actor& actor, const std::vector<std::int64_t>& ids) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator, PrincipalKind::operator_}, "send notices again"); !st) {
    return st.error();
  }
  if (ids.empty()) return core::Error::invalid("name the notices to send again by id", "redrive");
  std::int64_t n = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto changed = storage::NoticeQueue(db_).redrive(ids, clock_.now());
    if (!changed) return changed.error();
    n = *changed;
    std::string list;
    for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
    return AuditTrail(db_, clock_).record(actor, "notices.redrive", "notices:" + list, "outreach",
                                          std::to_string(n) + " notice(s) queued again");
  });
  if (!st) return st.error();
  return n;
}

}  // namespace outreach::services
