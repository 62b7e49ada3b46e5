#pragma once
// Dispatch by method and path pattern ("/v1/cases/{id}/acknowledge"), with authentication, the
// scope table and the audit trail wrapped around every route, so a route handler only does its
// own work:
//   1. a request id: the client's X-Request-Id when it is sane (core::sane_request_id), else a
//      fresh one; on every answer (X-Request-Id), in the Actor the services get (and so in every
//      audit record), and in every log line written while the request is handled (core::LogScope);
//   2. unknown path -> 404, known path with another method -> 405;
//   3. unless the route is public: Bearer token -> principal (401 without or with a bad token),
//      principal kind in the route's table of kinds (403 otherwise) -- all before the handler runs;
//   4. the handler; routes marked `transactional` run with their audit record in one transaction,
//      and a handler answering >= 400 rolls it back, so nothing half-written remains;
//   5. a route marked with an audit action appends one storage::AuditLog record per subject it
//      touched (actor, action, subject, purpose, request id) after a 2xx answer; when the record
//      cannot be written the data is not returned (500).
// Errors have one shape: {"error":{"code":...,"message":...,"field":...}} (api/errors.h).
//
// Where a route runs (handle_async, with ApiContext::lanes): `Lane::writer` (the default) on the
// engine's thread with the writing connection, group-committed with the other writes posted at the
// same time and answered only once that transaction committed (a failed commit answers 503/500); `Lane::reader` on a reader thread with a read-only
// connection (Call::db), where the service's audit records collect in Call::pending_audit and are
// appended by the writer before the answer leaves (a read whose record cannot be written is not
// given out: 500); `Lane::inline_` for public routes that touch no database (health, the OpenAPI
// document): on the server's own thread. Without lanes everything runs on the calling thread.

#include <any>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/context.h"
#include "api/http_types.h"
#include "services/audit_trail.h"
#include "storage/principal_store.h"

namespace outreach::api {

enum class Lane { writer, reader, inline_ };

// What a handler gets for one request.
struct Call {
  const Request& request;
  std::map<std::string, std::string> params;     // from the path pattern, percent-decoded
  const storage::Principal* principal = nullptr;  // null on public routes
  std::string request_id;
  std::string actor;  // principal name; public routes set their own ("webhook:sms")
  // Subjects touched ("contact:42"); when a handler adds none, the route's subject template is used.
  std::vector<std::string> audit_subjects;
  std::string audit_detail;
  bool nothing_to_audit = false;  // the handler touched no personal data (a webhook handshake)
  // The connection this call reads (and, on the writer lane, writes) through.
  storage::Database* db = nullptr;
  // Reader lane: where the services leave audit records for the writer (null on the writer lane,
  // where they append at once).
  services::PendingAudit* pending_audit = nullptr;
  // What the route's `prepare` step left for its handler (a webhook's parsed events).
  std::any prepared;

  const std::string& param(const std::string& name) const { return params.at(name); }
};

using Handler = std::function<Response(Call&)>;

struct RouteSpec {
  std::string method;   // "GET", "POST", "DELETE"
  std::string pattern;  // "/v1/cases/{id}/acknowledge"
  bool is_public = false;                      // no bearer token (health, webhooks, openapi)
  std::vector<storage::PrincipalKind> kinds;   // who may call it (ignored when public)
  std::string audit_action;  // empty: the route touches no personal data
  std::string purpose;       // why ("brede-ondersteuning", "peer-contact", "erasure", ...)
  std::string subject;       // template with {params}: "case:{id}"
  bool transactional = false;
  Handler handler;
  Lane lane = Lane::writer;  // where handle_async runs it (above); reader routes must not write
  // Optional, for public routes: runs first, on the server's thread and without a database (a
  // webhook's signature check and parsing), so the writer's thread only records. An answer it
  // returns is final (the handler does not run); otherwise it leaves its result in Call::prepared.
  std::function<std::optional<Response>(Call&)> prepare;
};

class Router {
 public:
  // `ctx` must outlive the router.
  explicit Router(ApiContext& ctx) : ctx_(ctx) {}
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  void add(RouteSpec spec);
  // On the calling thread, every route on ApiContext::db.
  Response handle(const Request& request);
  // On the route's lane (ApiContext::lanes; without lanes as handle()); `respond` is called once,
  // from whichever thread finished the request.
  void handle_async(Request request, net::HttpResponder respond);
  const std::vector<RouteSpec>& routes() const { return routes_; }
  ApiContext& context() { return ctx_; }

 private:
  struct Match;
  Match match(const Request& request) const;
  std::string request_id_for(const Request& request) const;
  // Authenticates (through call.db) and runs the route; never throws.
  Response serve(const RouteSpec& route, Call& call);
  // The route's prepare step, if any; never throws.
  std::optional<Response> prepare(const RouteSpec& route, Call& call);
  Response commit_failed(const core::Error& error, const std::string& request_id);
  Response run(const RouteSpec& route, Call& call);
  void finish(Response& response, const std::string& request_id, const std::string& route_name);
  void count(const std::string& route, int status);

  ApiContext& ctx_;
  std::vector<RouteSpec> routes_;
};

// net::match_pattern and net::new_request_id (net/path_pattern.h), kept under the api's names.
bool match_pattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params);
std::string new_request_id();

// Every route of the api (api/*_routes.cpp), registered on one router.
std::unique_ptr<Router> make_router(ApiContext& ctx);
// The handler the engine's HttpServer calls: synchronous (every route on the server's thread), or
// asynchronous on the router's lanes.
net::HttpHandler http_handler(Router& router);
net::AsyncHttpHandler async_http_handler(Router& router);

// Route groups, one file per audience.
void add_ops_routes(Router& router);
void add_municipality_routes(Router& router);
void add_case_routes(Router& router);  // api/case_routes.cpp
void add_webhook_routes(Router& router);
void add_volunteer_routes(Router& router);
void add_intermediary_routes(Router& router);
void add_coordinator_routes(Router& router);
void add_unsubscribe_routes(Router& router);
void add_error_report_routes(Router& router);
void add_followup_routes(Router& router);  // api/followup_routes.cpp
void add_scorecard_routes(Router& router);  // scorecards and the safety net (issue 12)

}  // namespace outreach::api
