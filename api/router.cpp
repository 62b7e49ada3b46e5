#include "api/router.h"

#include <algorithm>
#include <any>
#include <exception>
#include <optional>

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "api/errors.h"
#include "core/log_context.h"
#include "net/metrics.h"
#include "net/path_pattern.h"
#include "storage/audit_log.h"
#include "storage/database.h"

namespace outreach::api {

namespace {

std::string expand(const std::string& tmpl, const std::map<std::string, std::string>& params) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{') {
      auto close = tmpl.find('}', i);
      if (close != std::string::npos) {
        auto it = params.find(tmpl.substr(i + 1, close - i - 1));
        if (it != params.end()) out += it->second;
        i = close;
        continue;
      }
    }
    out += tmpl[i];
  }
  return out;
}

}  // namespace

bool match_pattern(const std::string& pattern, const std::string& path, std::map<std::string, std::string>& params) {
  return net::match_pattern(pattern, path, params);
}

std::string new_request_id() { return net::new_request_id(); }

void Router::add(RouteSpec spec) { routes_.push_back(std::move(spec)); }

void Router::count(const std::string& route, int status) {
  if (!ctx_.metrics) return;
  ctx_.metrics->counter("outreach_http_requests_total", "HTTP requests answered, by route and status",
                        {{"route", route}, {"status", std::to_string(status)}})
      .inc();
}

struct Router::Match {
  const RouteSpec* route = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;  // methods of routes whose pattern matched
};

Router::Match Router::match(const Request& request) const {
  Match m;
  for (const auto& r : routes_) {
    std::map<std::string, std::string> p;
    if (!match_pattern(r.pattern, request.path, p)) continue;
    if (r.method == request.method) {
      m.route = &r;
      m.params = std::move(p);
      return m;
    }
    m.allowed.push_back(r.method);
  }
  return m;
}

std::string Router::request_id_for(const Request& request) const {
  const std::string* id = request.header("X-Request-Id");
  if (id && core::sane_request_id(*id)) return *id;
  return new_request_id();
}

namespace {

Response no_route(const std::vector<std::string>& allowed) {
  if (allowed.empty()) return json_response(net::json_error_body("not_found", "no such route"), 404);
  Response response = json_response(net::json_error_body("method_not_allowed", "method not allowed"), 405);
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  response.headers.emplace_back("Allow", allow);
  return response;
}

// A streamed answer whose producer reads through a lane's connection keeps producing on that lane.
void keep_stream_on(Response& r, std::function<void(std::function<void()>)> post, const std::string& request_id) {
  if (!r.stream) return;
  auto producer = std::make_shared<std::function<std::optional<std::string>()>>(std::move(r.stream));
  r.stream = nullptr;
  r.stream_async = [post = std::move(post), producer, request_id](net::ChunkCallback piece) {
    post([producer, piece, request_id] {
      core::LogScope scope("api", request_id);
      try {
        std::optional<std::string> next;
        do {
          next = (*producer)();
        } while (next && next->empty());
        piece(std::move(next), false);
      } catch (const std::exception& e) {
        spdlog::error("api stream: {}", e.what());
        piece(std::nullopt, true);
      }
    });
  };
}

}  // namespace

void Router::finish(Response& response, const std::string& request_id, const std::string& route_name) {
  if (spdlog::should_log(spdlog::level::debug)) {
    // The access line names the route pattern, never the path (a path may hold a token).
    core::LogScope scope("api", request_id);
    spdlog::debug("http {} -> {}", route_name, response.status);
  }
  if (response.status == 503) {
    core::LogScope scope("api", request_id);
    spdlog::warn("api {}: answered 503: {}", route_name, response.body);
  }
  response.headers.emplace_back("X-Request-Id", request_id);
  response.headers.emplace_back("Cache-Control", "no-store");
  count(route_name, response.status);
}

Response Router::serve(const RouteSpec& route, Call& call) {
  core::LogScope scope("api", call.request_id);
  try {
    if (route.is_public) {
      call.actor = "anonymous";
      return run(route, call);
    }
    storage::PrincipalStore principals(*call.db);
    auto p = authenticate(call.request, principals);
    if (!p) return unauthorized(p.error().message);
    if (std::find(route.kinds.begin(), route.kinds.end(), p->kind) == route.kinds.end()) return forbidden();
    const storage::Principal principal = std::move(*p);
    call.principal = &principal;
    call.actor = principal.name;
    Response response = run(route, call);
    call.principal = nullptr;
    return response;
  } catch (const core::ErrorException& e) {
    return error_response(e.error());
  } catch (const std::exception& e) {
    if (storage::is_full(e)) return error_response(storage::storage_error(e, "request"));  // writes refused whole; reads go on
    spdlog::error("api {} {}: {}", call.request.method, call.request.path, e.what());
    return json_response(net::json_error_body("internal", "internal error"), 500);
  }
}

Response Router::handle(const Request& request) {
  const std::string request_id = request_id_for(request);
  Match m = match(request);
  Response response;
  std::string route_name = "unmatched";
  if (!m.route) {
    response = no_route(m.allowed);
  } else {
    route_name = m.route->method + " " + m.route->pattern;
    Call call{request, std::move(m.params), nullptr, request_id, {}, {}, {}};
    call.db = ctx_.db;
    if (auto refused = prepare(*m.route, call)) response = std::move(*refused);
    else response = serve(*m.route, call);
  }
  finish(response, request_id, route_name);
  return response;
}

void Router::handle_async(Request request, net::HttpResponder respond) {
  if (!ctx_.lanes) return respond(handle(request));
  auto req = std::make_shared<const Request>(std::move(request));
  const std::string request_id = request_id_for(*req);
  Match m = match(*req);
  if (!m.route) {
    Response response = no_route(m.allowed);
    finish(response, request_id, "unmatched");
    return respond(std::move(response));
  }
  const RouteSpec* route = m.route;
  const std::string route_name = route->method + " " + route->pattern;
  auto params = std::make_shared<std::map<std::string, std::string>>(std::move(m.params));
  Lane lane = route->lane;
  if (lane == Lane::inline_ && !route->is_public) lane = Lane::writer;  // a token lookup reads the database

  if (lane == Lane::inline_) {
    Call call{*req, *params, nullptr, request_id, {}, {}, {}};
    Response response;
    if (auto refused = prepare(*route, call)) response = std::move(*refused);
    else response = serve(*route, call);
    finish(response, request_id, route_name);
    return respond(std::move(response));
  }
  if (lane == Lane::writer) {
    // The route's own preparation (a webhook's signature check and parsing) runs here, on the
    // server's thread; only what needs the writing connection goes to the engine's thread.
    auto prepared = std::make_shared<std::any>();
    if (route->prepare) {
      Call call{*req, *params, nullptr, request_id, {}, {}, {}};
      if (auto refused = prepare(*route, call)) {
        finish(*refused, request_id, route_name);
        return respond(std::move(*refused));
      }
      *prepared = std::move(call.prepared);
    }
    auto response = std::make_shared<Response>();
    ctx_.lanes->write(
        [this, req, params, route, request_id, prepared, response]() -> core::Status {
          Call call{*req, *params, nullptr, request_id, {}, {}, {}};
          call.db = ctx_.db;
          call.prepared = std::move(*prepared);
          *response = serve(*route, call);
          keep_stream_on(*response, [lanes = ctx_.lanes](std::function<void()> work) { lanes->post(std::move(work)); },
                         request_id);
          return {};
        },
        [this, response, route_name, request_id, respond](const core::Status& committed) {
          // Answered only now: a 2xx means what the route wrote is committed.
          if (!committed && response->status < 400) *response = commit_failed(committed.error(), request_id);
          finish(*response, request_id, route_name);
          respond(std::move(*response));
        });
    return;
  }
  ctx_.lanes->read([this, req, params, route, route_name, request_id, respond](ReadLane& reader) {
    auto pending = std::make_shared<services::PendingAudit>();
    Call call{*req, *params, nullptr, request_id, {}, {}, {}};
    call.db = &reader.db;
    call.pending_audit = pending.get();
    Response response = serve(*route, call);
    keep_stream_on(response, reader.post, request_id);
    if (pending->records.empty()) {
      finish(response, request_id, route_name);
      return respond(std::move(response));
    }
    // What was read is given out only once its audit records are committed by the writer.
    auto held = std::make_shared<Response>(std::move(response));
    ctx_.lanes->write([this, pending] { return services::append_pending(*ctx_.db, *pending); },
                      [this, held, route_name, request_id, respond](const core::Status& committed) {
                        if (!committed) {
                          core::LogScope scope("api", request_id);
                          spdlog::error("api audit of a read: {}", committed.error().what());
                          *held = error_response(core::Error::internal("audit: " + committed.error().what()));
                        }
                        finish(*held, request_id, route_name);
                        respond(std::move(*held));
                      });
  });
}

std::optional<Response> Router::prepare(const RouteSpec& route, Call& call) {
  if (!route.prepare) return std::nullopt;
  core::LogScope scope("api", call.request_id);
  try {
    return route.prepare(call);
  } catch (const core::ErrorException& e) {
    return error_response(e.error());
  } catch (const std::exception& e) {
    spdlog::error("api {} {}: {}", call.request.method, call.request.path, e.what());
    return json_response(net::json_error_body("internal", "internal error"), 500);
  }
}

Response Router::commit_failed(const core::Error& error, const std::string& request_id) {
  core::LogScope scope("api", request_id);
  spdlog::error("api: the transaction holding this request's writes failed: {}", error.what());
  // A full database is transient (503: the caller tries again later); anything else is ours.
  return error.code == core::ErrorCode::transient ? error_response(error)
                                                  : error_response(core::Error::internal("commit: " + error.what()));
}

Response Router::run(const RouteSpec& route, Call& call) {
  auto audit = [&]() -> core::Status {
    if (route.audit_action.empty() || call.nothing_to_audit) return {};
    if (call.audit_subjects.empty()) call.audit_subjects.push_back(expand(route.subject, call.params));
    for (const auto& subject : call.audit_subjects) {
      storage::AuditRecord rec;
      rec.at = ctx_.clock->now();
      rec.actor = call.actor;
      rec.action = route.audit_action;
      rec.subject = subject;
      rec.purpose = route.purpose;
      rec.request_id = call.request_id;
      rec.detail = call.audit_detail;
      if (call.pending_audit) {
        call.pending_audit->records.push_back(std::move(rec));
        continue;
      }
      auto id = storage::AuditLog(*call.db).append(rec);
      if (!id) return id.error();
    }
    return {};
  };

  // A full database is `transient` (503, the caller tries again later); other audit failures are ours.
  auto audit_failed = [](const core::Error& e) {
    return e.code == core::ErrorCode::transient ? error_response(e) : error_response(core::Error::internal("audit: " + e.what()));
  };
  if (route.transactional) {
    Response response;
    bool handler_refused = false;
    core::Status st = call.db->transaction("what " + route.method + " " + route.pattern + " records", [&]() -> core::Status {
      response = route.handler(call);
      if (response.status >= 400) {
        handler_refused = true;
        return core::Error::conflict("handler refused");  // roll back whatever it wrote
      }
      return audit();
    });
    if (handler_refused) return response;
    if (!st) return audit_failed(st.error());
    return response;
  }

  Response response = route.handler(call);
  if (response.status >= 200 && response.status < 300) {
    if (auto st = audit(); !st) return audit_failed(st.error());
  }
  return response;
}

std::unique_ptr<Router> make_router(ApiContext& ctx) {
  auto router = std::make_unique<Router>(ctx);
  add_ops_routes(*router);
  add_municipality_routes(*router);
  add_case_routes(*router);
  add_webhook_routes(*router);
  add_volunteer_routes(*router);
  add_intermediary_routes(*router);
  add_coordinator_routes(*router);
  add_unsubscribe_routes(*router);
  add_error_report_routes(*router);
  add_followup_routes(*router);
  add_scorecard_routes(*router);
  return router;
}

net::HttpHandler http_handler(Router& router) {
  return [&router](const Request& request) { return router.handle(request); };
}

net::AsyncHttpHandler async_http_handler(Router& router) {
  return [&router](Request request, net::HttpResponder respond) {
    router.handle_async(std::move(request), std::move(respond));
  };
}

}  // namespace outreach::api
