#include "services/intermediary_reports.h"

#include "services/audit_trail.h"
#include "services/field_reports.h"
#include "storage/contact_log_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/outbox.h"

namespace outreach::services {

namespace {
std::optional<std::int64_t> parse_ref(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  auto v = std::stoll(text);
  return v > 0 ? std::optional<std::int64_t>(v) : std::nullopt;
}
}  // namespace

core::Result<ReportOutcome> IntermediaryReports::record(const std::string& key,
                                                        const channels::IntermediaryReport& report) {
  const Actor actor{"intermediary:" + key, storage::PrincipalKind::intermediary, {}, "report:" + report.batch_id, "api"};
  const std::string address = "intermediary:" + key;
  ReportOutcome out;
  auto st = db_.transaction([&]() -> core::Status {
    storage::Outbox outbox(db_);
    storage::ContactLogStore logs(db_);
    FieldReports recorder(db_, sla_days_, suppression_key_);
    AuditTrail trail(db_, clock_);
    for (std::size_t i = 0; i < report.reports.size(); ++i) {
      const channels::ReportEntry& entry = report.reports[i];
      const std::string field = "reports[" + std::to_string(i) + "].ref";
      const auto not_yours = core::Error::invalid(
          "'" + entry.ref + "' was not in batch " + report.batch_id + " sent to " + key, field);
      auto message_id = parse_ref(entry.ref);
      if (!message_id) return not_yours;
      auto message = outbox.get(*message_id);
      if (!message || message->provider_id != report.batch_id || message->urn != address) return not_yours;
      if (auto person = storage::ContactStore(db_).get(message->contact_id); !person || person->erased) {
        ++out.erased;
        continue;
      }
      storage::IntermediaryReportKey dedup{key, report.batch_id, entry.ref, channels::to_string(entry.outcome)};
      if (logs.has_intermediary_report(dedup)) {
        ++out.duplicates;
        continue;
      }
      FieldReport fr;
      fr.log.contact_id = message->contact_id;
      fr.log.collector = address;
      fr.log.mode = entry.mode.empty() ? "other" : entry.mode;
      fr.log.outcome = channels::to_string(entry.outcome);
      fr.log.note = entry.note;
      fr.log.at = clock_.now();
      fr.source = "intermediary";
      fr.origin = "intermediary-report:" + report.batch_id;
      fr.campaign_id = message->campaign_id;
      fr.message_id = message->id;
      if (entry.consent) {
        fr.consent = ConsentGiven{entry.consent->purposes, entry.consent->text_id, entry.consent->text_version,
                                  entry.consent->language};
      }
      auto done = recorder.record(fr);
      if (!done) return done.error().within("reports[" + std::to_string(i) + "]");
      if (auto s = logs.link_intermediary_report(dedup, done->contact_log_id, fr.log.at); !s) return s;
      ++out.recorded;
      if (done->case_id) ++out.cases;
      if (auto s = trail.record(actor, "contact_logs.create", "contact:" + std::to_string(message->contact_id),
                                "peer-contact", "batch=" + report.batch_id);
          !s) {
        return s;
      }
    }
    return {};
  });
  if (!st) return st.error();
  return out;
}

}  // namespace outreach::services
