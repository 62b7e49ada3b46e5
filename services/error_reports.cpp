#include "services/error_reports.h"

#include "core/text_encoding.h"
#include "engine/engine_config.h"
#include "engine/error_intake.h"
#include "services/audit_trail.h"
#include "storage/assignment_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

constexpr const char* kPurpose = "error-report";
constexpr std::size_t kMaxText = 500;

std::string subject(std::int64_t contact_id) { return "contact:" + std::to_string(contact_id); }

core::Status check_text(const std::string& text, const std::string& field, bool required) {
  if (required && text.empty()) return core::Error::invalid("required", field);
  if (text.size() > kMaxText) return core::Error::invalid("longer than " + std::to_string(kMaxText) + " bytes", field);
  if (!core::is_valid_utf8(text)) return core::Error::invalid("not valid UTF-8", field);
  return {};
}

}  // namespace

ErrorReports::ErrorReports(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config)
    : db_(db), clock_(clock), config_(config), policy_(db, config.suppression_key) {}

core::Status ErrorReports::may_report_about(const Actor& actor, const storage::Contact& contact) const {
  switch (actor.kind) {
    case PrincipalKind::coordinator:
      return {};
    case PrincipalKind::municipality:
    case PrincipalKind::regional_hub:
    case PrincipalKind::national_fallback:
      if (policy_.in_scope(actor, contact.municipality)) return {};
      return core::Error::forbidden("this person is outside your scope", "contact_id");
    case PrincipalKind::volunteer:
    case PrincipalKind::intermediary:
      if (storage::AssignmentStore(db_).is_assigned(contact.id, actor.name)) return {};
      return core::Error::forbidden("this person is not assigned to you", "contact_id");
    default:
      return core::Error::forbidden(std::string("a ") + storage::to_string(actor.kind) + " may not report errors about people");
  }
}

core::Result<std::int64_t> ErrorReports::report(const Actor& actor, const ErrorReportRequest& request) {
  auto kind = storage::parse_error_kind(request.kind);
  if (!kind) return kind.error();
  if (auto st = check_text(request.description, "description", false); !st) return st.error();
  auto contact = storage::ContactStore(db_).get(request.contact_id);
  if (!contact || contact->erased) return core::Error::not_found("no such contact", "contact_id");
  if (auto st = may_report_about(actor, *contact); !st) return st.error();
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    storage::ErrorReport draft;
    draft.contact_id = contact->id;
    draft.reporter_kind = storage::to_string(actor.kind);
    draft.reporter = actor.name;
    draft.kind = *kind;
    draft.description = request.description;
    auto opened = engine::file_error_report(db_, config_, draft, clock_.now());
    if (!opened) return opened.error();
    id = *opened;
    return AuditTrail(db_, clock_).record(actor, "error_reports.open", subject(contact->id), kPurpose,
                                          "error_report=" + std::to_string(id) + " kind=" + request.kind);
  });
  if (!st) return st.error();
  return id;
}

core::Result<std::int64_t> ErrorReports::report_by_person(std::int64_t contact_id, const std::string& kind_text,
                                                          const std::string& description, const std::string& origin,
                                                          const std::string& request_id) {
  auto kind = storage::parse_error_kind(kind_text);
  if (!kind) return kind.error();
  if (auto st = check_text(description, "description", false); !st) return st.error();
  auto contact = storage::ContactStore(db_).get(contact_id);
  if (!contact || contact->erased) return core::Error::not_found("no such contact", "contact_id");
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto filed = engine::file_person_report(db_, config_, contact_id, origin, *kind, description, clock_.now());
    if (!filed) return filed.error();
    id = filed->id;
    if (!filed->created) return {};
    Actor person{origin, PrincipalKind::operator_, {}, request_id, "web"};
    return AuditTrail(db_, clock_).record(person, "error_reports.open", subject(contact_id), kPurpose,
                                          "error_report=" + std::to_string(id) + " kind=" + kind_text);
  });
  if (!st) return st.error();
  return id;
}

core::Result<std::vector<ErrorReportView>> ErrorReports::list(const Actor& actor, const storage::ErrorReportFilter& filter) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "read the error report queue"); !st) return st.error();
  const auto now = clock_.now();
  auto rows = storage::ErrorReportStore(db_).list(filter, now);
  if (!rows) return rows.error();
  std::vector<ErrorReportView> out;
  auto st = db_.transaction([&]() -> core::Status {
    for (auto& r : *rows) {
      if (auto a = AuditTrail(db_, clock_).record(actor, "error_reports.read", subject(r.contact_id), kPurpose,
                                                  "error_report=" + std::to_string(r.id));
          !a) {
        return a;
      }
      const bool overdue = r.status == "open" && now > r.sla_due_at;
      out.push_back({std::move(r), overdue});
    }
    return {};
  });
  if (!st) return st.error();
  return out;
}

core::Result<ErrorReportView> ErrorReports::resolve(const Actor& actor, std::int64_t id, const std::string& resolution) {
  if (auto st = require_kind(actor, {PrincipalKind::coordinator}, "resolve error reports"); !st) return st.error();
  if (auto st = check_text(resolution, "resolution", true); !st) return st.error();
  storage::ErrorReportStore store(db_);
  std::optional<storage::ErrorReport> resolved;
  auto st = db_.transaction([&]() -> core::Status {
    const auto now = clock_.now();
    if (auto r = store.resolve(id, actor.name, resolution, now); !r) return r;
    auto row = store.get(id);
    if (!row) return row.error();
    resolved = std::move(*row);
    return AuditTrail(db_, clock_).record(actor, "error_reports.resolve", subject(resolved->contact_id), kPurpose,
                                          "error_report=" + std::to_string(id));
  });
  if (!st) return st.error();
  return ErrorReportView{std::move(*resolved), false};
}

}  // namespace outreach::services
