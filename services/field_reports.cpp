#include "services/field_reports.h"

#include "engine/inbound.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"

namespace outreach::services {

core::Result<RecordedFieldReport> FieldReports::record(const FieldReport& report) {
  storage::ContactStore contacts(db_);
  auto contact = contacts.get(report.log.contact_id);
  if (!contact) return core::Error::not_found("no such contact", "contact_id");
  // Erasure is final: nothing new is recorded about a person who was erased.
  if (contact->erased) return core::Error::not_found("the person was erased", "contact_id");

  RecordedFieldReport out;
  auto log_id = storage::ContactLogStore(db_).add(report.log);
  if (!log_id) return log_id.error();
  out.contact_log_id = *log_id;

  storage::ConsentLedger ledger(db_);
  bool suppressed = false;
  if (report.consent && !report.consent->purposes.empty()) {
    std::vector<core::Urn> addresses;
    for (const auto& a : contact->addresses) addresses.push_back(a.urn);
    auto hit = storage::SuppressionList(db_, suppression_key_).contains_any(addresses);
    if (!hit) return hit.error();
    suppressed = *hit;
    if (suppressed) out.consent_refused = "suppressed";
  }
  if (report.consent && !suppressed) {
    for (const std::string& purpose : report.consent->purposes) {
      storage::ConsentEvent e;
      e.contact_id = contact->id;
      e.purpose = purpose;
      e.channel = "*";
      e.action = storage::ConsentAction::grant;
      e.source = report.source;
      e.text_id = report.consent->text_id;
      e.text_version = report.consent->text_version;
      e.language = report.consent->language;
      e.collector = report.log.collector;
      e.at = report.log.at;
      e.origin_form = report.origin;
      auto id = ledger.record(e);
      if (!id) return id.error();
      out.consent_events.push_back(*id);
    }
  }
  if (report.log.outcome == "asked_no_contact") {
    auto st = contacts.set_do_not_contact(contact->id, true, "asked " + report.log.collector + " for no contact");
    if (!st) return st.error();
  }
  // Wants help and may be passed on to their own municipality (now or earlier): the municipality
  // sees them like a JA reply. Without that consent nothing leaves the programme.
  const std::string share = "share:" + contact->municipality;
  if (report.log.outcome == "reached_wants_help" && !contact->municipality.empty() &&
      ledger.has_consent(contact->id, share, "*")) {
    storage::Response r;
    r.contact_id = contact->id;
    r.campaign_id = report.campaign_id;
    r.message_id = report.message_id;
    r.channel = report.source;
    r.urn = report.log.collector;
    r.provider_message_id = "contact-log:" + std::to_string(out.contact_log_id);
    r.text = report.log.follow_up.empty() ? "reached_wants_help" : "reached_wants_help: " + report.log.follow_up;
    r.keyword = "yes";
    r.received_at = report.log.at;
    auto response = storage::ResponseStore(db_).record(r);
    if (!response) return response.error();
    out.response_id = *response;
    auto case_id = storage::CaseStore(db_).open(contact->id, contact->municipality, report.campaign_id, report.log.at,
                                                engine::add_working_days(report.log.at, sla_days_), report.log.collector);
    if (!case_id) return case_id.error();
    out.case_id = *case_id;
  }
  return out;
}

}  // namespace outreach::services
