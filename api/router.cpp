#include "api/router.h"

#include <openssl/rand.h>

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

#include "api/auth.h"
#include "api/errors.h"
#include "net/metrics.h"
#include "storage/audit_log.h"
#include "storage/database.h"

namespace outreach::api {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 1;
  if (path.empty() || path[0] != '/') return parts;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

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
  auto want = split_path(pattern);
  auto got = split_path(path);
  if (want.size() != got.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::string_view w = want[i];
    if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      std::string value;
      if (got[i].empty() || !percent_decode(got[i], value)) return false;
      found.emplace(std::string(w.substr(1, w.size() - 2)), std::move(value));
    } else if (w != got[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::string new_request_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

void Router::add(RouteSpec spec) { routes_.push_back(std::move(spec)); }

void Router::count(const std::string& route, int status) {
  if (!ctx_.metrics) return;
  ctx_.metrics->counter("outreach_http_requests_total", "HTTP requests answered, by route and status",
                        {{"route", route}, {"status", std::to_string(status)}})
      .inc();
}

Response Router::handle(const Request& request) {
  const std::string request_id = new_request_id();
  Response response;
  std::string route_name = "unmatched";
  try {
    const RouteSpec* route = nullptr;
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;
    for (const auto& r : routes_) {
      std::map<std::string, std::string> p;
      if (!match_pattern(r.pattern, request.path, p)) continue;
      if (r.method == request.method) {
        route = &r;
        params = std::move(p);
        break;
      }
      allowed.push_back(r.method);
    }
    if (!route && !allowed.empty()) {
      response = json_response(net::json_error_body("method_not_allowed", "method not allowed"), 405);
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      response.headers.emplace_back("Allow", allow);
    } else if (!route) {
      response = json_response(net::json_error_body("not_found", "no such route"), 404);
    } else {
      route_name = route->method + " " + route->pattern;
      Call call{request, std::move(params), nullptr, request_id, {}, {}, {}};
      std::optional<storage::Principal> principal;
      if (!route->is_public) {
        storage::PrincipalStore principals(*ctx_.db);
        auto p = authenticate(request, principals);
        if (!p) {
          response = unauthorized(p.error().message);
        } else if (std::find(route->kinds.begin(), route->kinds.end(), p->kind) == route->kinds.end()) {
          response = forbidden();
        } else {
          principal = std::move(*p);
          call.principal = &*principal;
          call.actor = principal->name;
          response = run(*route, call);
        }
      } else {
        call.actor = "anonymous";
        response = run(*route, call);
      }
    }
  } catch (const core::ErrorException& e) {
    response = error_response(e.error());
  } catch (const std::exception& e) {
    if (storage::is_full(e)) {  // a full database refuses the write whole; reads go on
      response = error_response(storage::storage_error(e, "request"));
    } else {
      spdlog::error("api {} {}: {}", request.method, request.path, e.what());
      response = json_response(net::json_error_body("internal", "internal error"), 500);
    }
  }
  if (response.status == 503) spdlog::warn("api {} {}: answered 503: {}", request.method, route_name, response.body);
  response.headers.emplace_back("X-Request-Id", request_id);
  response.headers.emplace_back("Cache-Control", "no-store");
  count(route_name, response.status);
  return response;
}

Response Router::run(const RouteSpec& route, Call& call) {
  auto audit = [&]() -> core::Status {
    if (route.audit_action.empty() || call.nothing_to_audit) return {};
    if (call.audit_subjects.empty()) call.audit_subjects.push_back(expand(route.subject, call.params));
    storage::AuditLog log(*ctx_.db);
    for (const auto& subject : call.audit_subjects) {
      storage::AuditRecord rec;
      rec.at = ctx_.clock->now();
      rec.actor = call.actor;
      rec.action = route.audit_action;
      rec.subject = subject;
      rec.purpose = route.purpose;
      rec.request_id = call.request_id;
      rec.detail = call.audit_detail;
      auto id = log.append(rec);
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
    core::Status st = ctx_.db->transaction("what " + route.method + " " + route.pattern + " records", [&]() -> core::Status {
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
  add_webhook_routes(*router);
  add_volunteer_routes(*router);
  add_intermediary_routes(*router);
  add_coordinator_routes(*router);
  add_unsubscribe_routes(*router);
  return router;
}

net::HttpHandler http_handler(Router& router) {
  return [&router](const Request& request) { return router.handle(request); };
}

}  // namespace outreach::api
