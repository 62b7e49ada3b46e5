// Intermediaries report back per person on the digest they were sent. No bearer token: the report
// is signed with the intermediary's own secret (outreach v1 scheme, timestamp against replay),
// verified before anything is parsed. A person can only be reported on by the intermediary whose
// digest named them (the ref is the outbox message id; its provider id is the batch id and its
// address intermediary:<key>). The whole report is recorded or none of it; a report delivered
// twice is recorded once.

#include "api/errors.h"
#include "api/route_util.h"
#include "api/router.h"
#include "channels/intermediary_connector.h"
#include "core/json_text.h"
#include "services/field_reports.h"
#include "storage/contact_log_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/outbox.h"

namespace outreach::api {

namespace {

Response report_back(ApiContext& ctx, Call& call) {
  const std::string& key = call.param("key");
  call.actor = "intermediary:" + key;
  auto it = ctx.intermediaries.find(key);
  if (it == ctx.intermediaries.end() || !it->second) {
    return json_response(net::json_error_body("not_found", "no intermediary with this key"), 404);
  }
  const channels::IntermediaryConnector& connector = *it->second;
  if (auto st = connector.verify_report(to_webhook_request(ctx.public_base_url, call.request), ctx.clock->now()); !st) {
    return json_response(net::json_error_body("forbidden", "signature refused"), 403);
  }
  if (auto st = check_json_utf8(call.request.body); !st) return fail(st.error());
  auto report = channels::parse_intermediary_report(call.request.body);
  if (!report) return fail(report.error());

  storage::Outbox outbox(*ctx.db);
  storage::ContactLogStore logs(*ctx.db);
  services::FieldReports recorder(*ctx.db, ctx.case_sla_working_days);
  const std::string address = "intermediary:" + key;
  int recorded = 0, duplicates = 0, erased = 0, cases = 0;
  for (std::size_t i = 0; i < report->reports.size(); ++i) {
    const channels::ReportEntry& entry = report->reports[i];
    const std::string field = "reports[" + std::to_string(i) + "]";
    // Same answer whether the ref is unknown or someone else's: nothing to learn by probing.
    auto not_yours = [&] {
      return invalid_field(field + ".ref", "'" + entry.ref + "' was not in batch " + report->batch_id + " sent to " + key);
    };
    auto message_id = parse_id(entry.ref);
    if (!message_id) return not_yours();
    auto message = outbox.get(*message_id);
    if (!message) return not_yours();
    // Erased since the digest went out (erasure also blanks the row's address): nothing is
    // recorded about them, the rest of the report is.
    if (auto person = storage::ContactStore(*ctx.db).get(message->contact_id); !person || person->erased) {
      ++erased;
      continue;
    }
    if (message->provider_id != report->batch_id || message->urn != address) return not_yours();

    storage::IntermediaryReportKey dedup{key, report->batch_id, entry.ref, channels::to_string(entry.outcome)};
    if (logs.has_intermediary_report(dedup)) {
      ++duplicates;
      continue;
    }
    services::FieldReport fr;
    fr.log.contact_id = message->contact_id;
    fr.log.collector = address;
    fr.log.mode = entry.mode.empty() ? "other" : entry.mode;
    fr.log.outcome = channels::to_string(entry.outcome);
    fr.log.note = entry.note;
    fr.log.at = ctx.clock->now();
    fr.source = "intermediary";
    fr.origin = "intermediary-report:" + report->batch_id;
    fr.campaign_id = message->campaign_id;
    fr.message_id = message->id;
    if (entry.consent) {
      fr.consent = services::ConsentGiven{entry.consent->purposes, entry.consent->text_id, entry.consent->text_version,
                                        entry.consent->language};
    }
    auto done = recorder.record(fr);
    if (!done) return fail(done.error().within(field));
    if (auto st = logs.link_intermediary_report(dedup, done->contact_log_id, fr.log.at); !st) return fail(st.error());
    ++recorded;
    if (done->case_id) ++cases;
    call.audit_subjects.push_back("contact:" + std::to_string(message->contact_id));
  }
  call.audit_detail = "batch=" + report->batch_id + " recorded=" + std::to_string(recorded) +
                      " duplicates=" + std::to_string(duplicates) + " erased=" + std::to_string(erased);
  json body = {{"batch_id", report->batch_id}, {"recorded", recorded}, {"duplicates", duplicates},
               {"erased", erased},             {"cases", cases}};
  return json_response(core::json_text(body));
}

}  // namespace

void add_intermediary_routes(Router& router) {
  ApiContext* ctx = &router.context();
  router.add({"POST", "/v1/intermediaries/{key}/reports", true, {}, "contact_logs.create", "peer-contact",
              "intermediary:{key}", true, [ctx](Call& call) { return report_back(*ctx, call); }});
}

}  // namespace outreach::api
