#include "engine/error_intake.h"

#include <nlohmann/json.hpp>

#include "engine/engine_config.h"
#include "storage/audit_log.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/notice_queue.h"

namespace outreach::engine {

core::Result<std::int64_t> file_error_report(storage::Database& db, const EngineConfig& config,
                                             storage::ErrorReport draft, core::TimePoint now) {
  auto contact = storage::ContactStore(db).get(draft.contact_id);
  if (!contact) return contact.error();
  if (contact->erased) return core::Error::not_found("no such contact", "contact_id");
  if (draft.municipality.empty()) draft.municipality = contact->municipality;
  if (!draft.case_id) {
    for (const auto& c : storage::CaseStore(db).for_contact(draft.contact_id)) {
      if (c.status != "closed") draft.case_id = c.id;
    }
  }
  draft.opened_at = now;
  draft.sla_due_at = now + std::chrono::hours(config.error_reports.sla_hours);
  std::int64_t id = 0;
  auto st = db.transaction([&]() -> core::Status {
    auto opened = storage::ErrorReportStore(db).open(draft);
    if (!opened) return opened.error();
    id = *opened;
    const std::string& owner = config.error_reports.notify_owner;
    if (owner.empty() || !config.owner_notifications.count(owner)) return {};
    storage::Notice n;
    n.delivery_id = "error-report-" + std::to_string(id) + "-opened";
    n.case_id = draft.case_id.value_or(0);
    n.event = "error_report.opened";
    n.owner = owner;
    n.payload = nlohmann::json{{"error_report_id", id},
                               {"municipality", draft.municipality},
                               {"kind", storage::to_string(draft.kind)},
                               {"sla_due_at", core::format_utc(draft.sla_due_at)}}
                    .dump();
    n.receiver_dedupes = config.owner_notifications.at(owner).dedupe;
    n.due_at = now;
    auto added = storage::NoticeQueue(db).enqueue(n, now);
    if (!added) return added.error();
    return {};
  });
  if (!st) return st.error();
  return id;
}

core::Result<PersonReport> file_person_report(storage::Database& db, const EngineConfig& config, std::int64_t contact_id,
                                              const std::string& reporter, storage::ErrorKind kind,
                                              const std::string& description, core::TimePoint now) {
  auto existing = storage::ErrorReportStore(db).open_by(contact_id, reporter);
  if (!existing) return existing.error();
  if (*existing) return PersonReport{**existing, false};
  storage::ErrorReport draft;
  draft.contact_id = contact_id;
  draft.reporter_kind = "person";
  draft.reporter = reporter;
  draft.kind = kind;
  draft.description = description;
  auto id = file_error_report(db, config, draft, now);
  if (!id) return id.error();
  return PersonReport{*id, true};
}

core::Result<std::int64_t> report_error_from_reply(storage::Database& db, const EngineConfig& config,
                                                   const storage::Contact& contact, const std::string& channel,
                                                   std::int64_t response_id, core::TimePoint at) {
  const std::string reporter = "inbound:" + channel;
  auto filed = file_person_report(db, config, contact.id, reporter, storage::ErrorKind::other,
                                  "reply " + std::to_string(response_id), at);
  if (!filed) return filed.error();
  if (!filed->created) return filed->id;
  storage::AuditRecord rec;
  rec.at = at;
  rec.actor = reporter;
  rec.action = "error_reports.open";
  rec.subject = "contact:" + std::to_string(contact.id);
  rec.purpose = "error-report";
  rec.request_id = "response-" + std::to_string(response_id);
  rec.detail = "error_report=" + std::to_string(filed->id);
  if (auto a = storage::AuditLog(db).append(rec); !a) return a.error();
  return filed->id;
}

}  // namespace outreach::engine
