// Operator and public routes: health, metrics, the OpenAPI document.

#include "api/errors.h"
#include "api/openapi.h"
#include "api/router.h"
#include "net/metrics.h"
#include "storage/case_store.h"
#include "storage/database.h"
#include "storage/outbox.h"

namespace outreach::api {

using storage::PrincipalKind;

namespace {

// The series read from the database at scrape time (on a reader): outbox rows and cases per status
// (every known status, 0 when none), and the SQLite busy/locked errors of this process.
void refresh_database_series(net::MetricsRegistry& metrics, storage::Database& db) {
  const auto messages = storage::Outbox(db).count_by_status();
  auto message_gauge = [&](const std::string& status) -> net::Gauge& {
    return metrics.gauge("outreach_outbox_messages", "Outbox rows (queue depth) by status", {{"status", status}});
  };
  for (int s = 0; s <= static_cast<int>(storage::MessageStatus::suppressed); ++s) {
    const std::string name = storage::to_string(static_cast<storage::MessageStatus>(s));
    auto it = messages.find(name);
    message_gauge(name).set(it == messages.end() ? 0 : static_cast<double>(it->second));
  }
  for (const auto& [status, n] : messages) message_gauge(status).set(static_cast<double>(n));

  const auto cases = storage::CaseStore(db).count_by_status();
  auto case_gauge = [&](const std::string& status) -> net::Gauge& {
    return metrics.gauge("outreach_cases", "Cases by state", {{"status", status}});
  };
  for (const char* status : {"open", "acknowledged", "in_contact", "closed", "escalated_hub", "escalated_fallback"}) {
    auto it = cases.find(status);
    case_gauge(status).set(it == cases.end() ? 0 : static_cast<double>(it->second));
  }
  for (const auto& [status, n] : cases) case_gauge(status).set(static_cast<double>(n));

  auto& busy = metrics.counter("outreach_sqlite_busy_errors_total",
                               "SQLite busy/locked errors (the busy timeout ran out), every connection");
  const double seen = static_cast<double>(storage::busy_errors());
  if (seen > busy.value()) busy.inc(seen - busy.value());
}

}  // namespace

void add_ops_routes(Router& router) {
  router.add({.method = "GET", .pattern = "/healthz", .is_public = true,
              .handler = [](Call&) { return json_response(R"({"status":"ok"})"); }, .lane = Lane::inline_});
  router.add({.method = "GET", .pattern = "/metrics", .kinds = {PrincipalKind::operator_},
              .handler = [ctx = &router.context()](Call& call) {
                Response r;
                r.content_type = "text/plain; version=0.0.4; charset=utf-8";
                if (ctx->metrics) {
                  refresh_database_series(*ctx->metrics, *call.db);
                  r.body = ctx->metrics->render();
                }
                return r;
              },
              .lane = Lane::reader});
  router.add({.method = "GET", .pattern = "/openapi.json", .is_public = true,
              .handler = [](Call&) { return json_response(std::string(openapi_document())); },
              .lane = Lane::inline_});
}

}  // namespace outreach::api
