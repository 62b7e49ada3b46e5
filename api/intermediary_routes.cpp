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
#include "engine/engine_config.h"
#include "core/json_text.h"
#include "services/intermediary_reports.h"
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

  auto outcome = services::IntermediaryReports(*ctx.db, *ctx.clock, ctx.case_sla_working_days, ctx.config->suppression_key)
                     .record(key, *report);
  if (!outcome) return fail(outcome.error());
  const int recorded = outcome->recorded, duplicates = outcome->duplicates, erased = outcome->erased,
            cases = outcome->cases;
  json body = {{"batch_id", report->batch_id}, {"recorded", recorded}, {"duplicates", duplicates},
               {"erased", erased},             {"cases", cases}};
  return json_response(core::json_text(body));
}

}  // namespace

void add_intermediary_routes(Router& router) {
  ApiContext* ctx = &router.context();
  // Signed by the intermediary (no bearer token); services::IntermediaryReports audits each person.
  router.add({.method = "POST", .pattern = "/v1/intermediaries/{key}/reports", .is_public = true,
              .handler = [ctx](Call& call) { return report_back(*ctx, call); }});
}

}  // namespace outreach::api
