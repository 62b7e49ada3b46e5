#include "web/page_router.h"

#include <openssl/crypto.h>
#include <sodium.h>

#include <algorithm>
#include <exception>

#include <spdlog/spdlog.h>

#include "core/log_context.h"
#include "net/path_pattern.h"
#include "services/audit_trail.h"
#include "storage/database.h"
#include "storage/server_secret.h"
#include "web/assets.h"
#include "web/form.h"
#include "web/render.h"
#include "web/strings.h"

namespace outreach::web {

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

std::string random_cookie_value() {
  unsigned char bytes[24];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(24, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

bool same_token(const std::string& a, const std::string& b) {
  return !a.empty() && a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// "127.0.0.1:51234" -> "127.0.0.1"; "[::1]:51234" -> "::1".
std::string address_only(const std::string& remote) {
  if (!remote.empty() && remote.front() == '[') {
    auto close = remote.find(']');
    return close == std::string::npos ? remote : remote.substr(1, close - 1);
  }
  auto colon = remote.rfind(':');
  return colon == std::string::npos ? remote : remote.substr(0, colon);
}

// The peer's address, or the last X-Forwarded-For entry when the peer is a trusted proxy.
std::string client_address(const net::HttpRequest& req, const std::vector<std::string>& trusted) {
  std::string peer = address_only(req.remote_address);
  if (std::find(trusted.begin(), trusted.end(), peer) == trusted.end()) return peer;
  const std::string* forwarded = req.header("X-Forwarded-For");
  if (!forwarded) return peer;
  std::string last = forwarded->substr(forwarded->rfind(',') == std::string::npos ? 0 : forwarded->rfind(',') + 1);
  while (!last.empty() && last.front() == ' ') last.erase(0, 1);
  while (!last.empty() && last.back() == ' ') last.pop_back();
  return last.empty() || last.size() > 45 ? peer : last;  // 45: the longest IPv6 text
}

std::string content_type_of(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// Quotes and control characters cannot reach a header: the file name is ours or sanitised here.
std::string safe_file_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
  return out.empty() ? "download" : out;
}

// A form's CSRF token: bound to the session, or before signing in to the pre-session cookie.
std::string csrf_token(const std::string& key, const char* kind, const std::string& cookie_value) {
  return storage::hmac_sha256_hex(key, std::string(kind) + ":" + cookie_value);
}

const std::string* cookie_in(const std::map<std::string, std::string>& cookies, const char* name) {
  auto it = cookies.find(name);
  return it == cookies.end() || it->second.empty() ? nullptr : &it->second;
}

const std::string& sent_csrf(const net::HttpRequest& req, const PageRequest& r) {
  const std::string* header_token = req.header("X-CSRF-Token");
  return header_token ? *header_token : r.field("_csrf");
}

}  // namespace

const net::HttpHeaders& security_headers();

namespace {

// What goes out when the writer could not commit what a page wrote (or the audit of what it read).
net::HttpResponse not_committed(const core::Status& committed) {
  net::HttpResponse busy;
  busy.status = committed.error().code == core::ErrorCode::transient ? 503 : 500;
  busy.content_type = "text/plain; charset=utf-8";
  busy.headers = security_headers();
  busy.headers.emplace_back("Cache-Control", "no-store");
  busy.body = busy.status == 503 ? "Te druk / too busy: probeer het zo opnieuw / try again shortly\n"
                                 : "Er ging iets mis / something went wrong\n";
  return busy;
}

}  // namespace

const net::HttpHeaders& security_headers() {
  static const net::HttpHeaders kHeaders = {
      {"Content-Security-Policy", kCsp},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return kHeaders;
}

void PageRouter::add(PageRoute route) { routes_.push_back(std::move(route)); }

net::HttpResponse PageRouter::serve(const net::HttpRequest& req, storage::Database& db, bool* failed_out,
                                    std::any prepared, services::PendingAudit* pending, std::string* touch_session) {
  PageRequest r;
  r.prepared = std::move(prepared);
  r.pending_audit = pending;
  r.method = req.method;
  r.path = req.path;
  r.query = req.query;
  r.db = &db;
  const std::string* rid = req.header("X-Request-Id");
  r.request_id = rid && core::sane_request_id(*rid) ? *rid : net::new_request_id();
  core::LogScope scope("web", r.request_id);
  r.client_address = client_address(req, ctx_.trusted_proxies);
  if (const std::string* c = req.header("Cookie")) r.cookies = parse_cookies(*c);
  auto cookie = [&](const char* name) { return cookie_in(r.cookies, name); };
  r.lang = pick_language(cookie(kLangCookie), req.header("Accept-Language"));

  std::map<std::string, std::string> set_cookies;
  PageResponse page;
  bool failed = false;
  try {
    // Who is asking: a live session, or nobody.
    services::SignIn sign_in(db, *ctx_.clock, ctx_.totp_key, ctx_.sign_in_rules);
    if (const std::string* token = cookie(kSessionCookie)) {
      auto live = sign_in.session(*token);
      if (live) {
        r.actor = services::Actor::from(live->principal, r.request_id, "web");
        r.session_token = *token;
        r.csrf = csrf_token(ctx_.csrf_key, "session", *token);
        if (live->touch_due && touch_session) *touch_session = *token;
      } else if (live.error().code == core::ErrorCode::unauthorized) {
        set_cookies[kSessionCookie] = "";  // expired or revoked: forget it
      } else {
        throw core::ErrorException(live.error());
      }
    }
    if (!r.actor) {
      const std::string* pre = cookie(kPreSessionCookie);
      std::string value = pre ? *pre : random_cookie_value();
      if (!pre) set_cookies[kPreSessionCookie] = value;
      r.csrf = csrf_token(ctx_.csrf_key, "pre", value);
    }
    if (cookie(kFlashCookie)) set_cookies[kFlashCookie] = "";  // shown once

    const PageRoute* route = nullptr;
    std::vector<std::string> allowed;
    for (const auto& candidate : routes_) {
      std::map<std::string, std::string> params;
      if (!net::match_pattern(candidate.pattern, r.path, params)) continue;
      if (candidate.method == r.method) {
        route = &candidate;
        r.params = std::move(params);
        break;
      }
      allowed.push_back(candidate.method);
    }
    if (!route) {
      page = error_page(r, allowed.empty() ? 404 : 405);
    } else if (!route->is_public && !r.actor) {
      const std::string next = r.method == "GET" ? req.target : std::string("/");
      page = PageResponse::see_other(next == "/" ? "/sign-in" : "/sign-in?next=" + channels::form_escape(next));
    } else if (!route->is_public && !route->kinds.empty() &&
               std::find(route->kinds.begin(), route->kinds.end(), r.actor->kind) == route->kinds.end()) {
      page = error_page(r, 403);
    } else if (r.method == "POST") {
      const std::string* ct = req.header("Content-Type");
      auto st = parse_form(ct ? *ct : std::string(), req.body, r.form, r.files);
      if (!same_token(sent_csrf(req, r), r.csrf)) {
        page = error_page(r, 403, "error_csrf");
      } else if (!st) {
        page = show_error(r, st.error());
      } else {
        if (route->prepare && !r.prepared.has_value()) r.prepared = route->prepare(r, db);
        page = route->handler(r);
      }
    } else {
      page = route->handler(r);
    }
  } catch (const core::ErrorException& e) {
    failed = true;
    spdlog::error("web {} {}: {}", r.method, r.path, e.error().what());
    page = show_error(r, e.error());
  } catch (const std::exception& e) {
    failed = true;
    spdlog::error("web {} {}: {}", r.method, r.path, e.what());
    page = error_page(r, 500);
  }
  if (failed_out) *failed_out = failed;
  for (auto& [k, v] : page.set_cookies) set_cookies[k] = v;
  if (!page.flash.empty()) set_cookies[kFlashCookie] = page.flash;

  net::HttpResponse out;
  out.status = page.status;
  out.headers = security_headers();
  out.headers.emplace_back("Cache-Control", "no-store");
  out.headers.emplace_back("X-Request-Id", r.request_id);
  if (!page.redirect.empty()) {
    out.status = 303;
    out.headers.emplace_back("Location", local_path(page.redirect));
    out.content_type = "text/plain; charset=utf-8";
  } else if (page.download) {
    out.content_type = page.download->content_type;
    out.headers.emplace_back("Content-Disposition",
                             "attachment; filename=\"" + safe_file_name(page.download->file_name) + "\"");
    out.body = std::move(page.download->body);
  } else {
    out.content_type = "text/html; charset=utf-8";
    out.body = std::move(page.html);
  }
  for (auto& h : page.headers) out.headers.push_back(std::move(h));
  const std::string flags = std::string("; Path=/; HttpOnly; SameSite=Strict") + (ctx_.secure_cookies() ? "; Secure" : "");
  for (const auto& [name, value] : set_cookies) {
    std::string c = name + "=" + value + flags;
    if (value.empty()) c += "; Max-Age=0";
    else if (name == kLangCookie) c += "; Max-Age=31536000";
    out.headers.emplace_back("Set-Cookie", c);
  }
  return out;
}

net::HttpResponse PageRouter::handle(const net::HttpRequest& request) {
  if (request.path.rfind("/static/", 0) == 0) {
    net::HttpResponse out;
    auto body = asset(request.path.substr(1));
    out.headers = security_headers();
    if (!body || request.method != "GET") {
      out.status = 404;
      out.content_type = "text/plain; charset=utf-8";
      out.body = "not found\n";
      return out;
    }
    out.content_type = content_type_of(request.path);
    out.headers.emplace_back("Cache-Control", "public, max-age=300");
    out.body = std::string(*body);
    return out;
  }
  return serve(request, *ctx_.db);
}

const PageRoute* PageRouter::route_for(const net::HttpRequest& request) const {
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (route.method == request.method && net::match_pattern(route.pattern, request.path, params)) return &route;
  }
  return nullptr;
}

std::any PageRouter::prepare_on_reader(const PageRoute& route, const net::HttpRequest& req,
                                       storage::Database& reader) const {
  try {
    PageRequest r;
    r.method = req.method;
    r.path = req.path;
    r.query = req.query;
    r.db = &reader;
    r.client_address = client_address(req, ctx_.trusted_proxies);
    if (const std::string* c = req.header("Cookie")) r.cookies = parse_cookies(*c);
    if (!net::match_pattern(route.pattern, r.path, r.params)) return {};
    const std::string* ct = req.header("Content-Type");
    if (!parse_form(ct ? *ct : std::string(), req.body, r.form, r.files)) return {};
    // The writer checks the token again against the one session it finds; here either form of it
    // will do, so a request without our form's token never gets the slow work done.
    const std::string& sent = sent_csrf(req, r);
    const std::string* session = cookie_in(r.cookies, kSessionCookie);
    const std::string* pre = cookie_in(r.cookies, kPreSessionCookie);
    if (!(session && same_token(sent, csrf_token(ctx_.csrf_key, "session", *session))) &&
        !(pre && same_token(sent, csrf_token(ctx_.csrf_key, "pre", *pre)))) {
      return {};
    }
    return route.prepare(r, reader);
  } catch (const std::exception& e) {
    spdlog::error("web {} {}: preparing: {}", req.method, req.path, e.what());
    return {};  // the writer runs the page as if nothing was prepared
  }
}

void PageRouter::handle_async(net::HttpRequest request, net::HttpResponder respond) {
  if (!ctx_.lanes || request.path.rfind("/static/", 0) == 0) {
    respond(handle(request));
    return;
  }
  auto req = std::make_shared<net::HttpRequest>(std::move(request));
  const PageRoute* route = route_for(*req);
  if (route && route->on_reader) {
    read_page(req, std::move(respond));
  } else if (route && route->prepare && req->method == "POST") {
    ctx_.lanes->read([this, route, req, respond = std::move(respond)](net::ReadLane& lane) mutable {
      commit_page(req, prepare_on_reader(*route, *req, lane.db), std::move(respond));
    });
  } else {
    commit_page(req, {}, std::move(respond));
  }
}

void PageRouter::read_page(std::shared_ptr<net::HttpRequest> req, net::HttpResponder respond) {
  ctx_.lanes->read([this, req, respond = std::move(respond)](net::ReadLane& lane) mutable {
    auto pending = std::make_shared<services::PendingAudit>();
    auto touch = std::make_shared<std::string>();
    bool failed = false;
    auto response = std::make_shared<net::HttpResponse>(serve(*req, lane.db, &failed, {}, pending.get(), touch.get()));
    if (failed || (pending->records.empty() && touch->empty())) {
      respond(std::move(*response));
      return;
    }
    ctx_.lanes->write(
        [this, pending, touch]() -> core::Status {
          if (auto st = services::append_pending(*ctx_.db, *pending); !st) return st;
          // The session's last use; a session that ended meanwhile is simply not touched.
          if (!touch->empty()) (void)services::SignIn(*ctx_.db, *ctx_.clock, ctx_.totp_key, ctx_.sign_in_rules).session(*touch);
          return {};
        },
        [response, respond = std::move(respond)](const core::Status& committed) {
          respond(committed ? std::move(*response) : not_committed(committed));
        });
  });
}

void PageRouter::commit_page(std::shared_ptr<net::HttpRequest> req, std::any prepared, net::HttpResponder respond) {
  auto response = std::make_shared<net::HttpResponse>();
  auto failed = std::make_shared<bool>(false);
  auto ready = std::make_shared<std::any>(std::move(prepared));
  ctx_.lanes->write(
      [this, req, response, failed, ready]() -> core::Status {
        *response = serve(*req, *ctx_.db, failed.get(), std::move(*ready));
        // A page that failed half-way rolls back whatever it wrote; its error page still goes out.
        if (*failed) return core::Error::internal("page failed");
        return {};
      },
      [response, failed, respond = std::move(respond)](const core::Status& committed) {
        respond(committed || *failed ? std::move(*response) : not_committed(committed));
      });
}

}  // namespace outreach::web
