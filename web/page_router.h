#pragma once
// The pages' router: method + path pattern -> handler, with the session, the CSRF check, the
// language and the security headers wrapped around every page (the contract is in web/page.h).
// handle() runs on the calling thread; handle_async() runs each page on WebContext::lanes' writer
// (when set) and answers once what the page wrote is committed.

#include <any>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "net/http_server.h"
#include "net/work_lanes.h"
#include "services/sign_in.h"
#include "storage/principal_store.h"
#include "web/page.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::web {

// What the pages work with. Plain data wired by app/ (or a test); nothing here is owned and
// everything must outlive the router.
struct WebContext {
  storage::Database* db = nullptr;  // the writer's connection
  net::WorkLanes* lanes = nullptr;  // may be null: pages run on the caller's thread
  const core::Clock* clock = nullptr;
  const engine::EngineConfig* config = nullptr;
  std::string public_base_url = "http://127.0.0.1:8080";  // https: cookies get Secure
  std::string csrf_key;  // ServerSecret::derive("web-csrf")
  std::string totp_key;  // ServerSecret::derive("totp")
  services::SignInRules sign_in_rules;
  std::string national_fallback = "national";
  int case_sla_working_days = 5;
  // Peers whose X-Forwarded-For is believed (the reverse proxy in front): sign-in throttling and
  // the audit trail then see the client's address, not the proxy's. The last address in the header
  // is taken, the one the proxy itself added.
  std::vector<std::string> trusted_proxies;

  bool secure_cookies() const { return public_base_url.rfind("https://", 0) == 0; }
};

using PageHandler = std::function<PageResponse(PageRequest&)>;

struct PageRoute {
  std::string method;   // "GET" or "POST"
  std::string pattern;  // "/people/{id}"
  bool is_public = false;                     // no session needed (sign-in, static files)
  std::vector<storage::PrincipalKind> kinds;  // empty: any signed-in principal
  PageHandler handler;
  // Optional, POST only: slow work that only reads (a password hash), run before the handler on
  // a reader thread with its own connection, so the engine's thread is not held up; its result
  // reaches the handler as PageRequest::prepared. Runs only when the form's CSRF token is right.
  // Without lanes (tests) it runs just before the handler, on the same connection.
  std::function<std::any(const PageRequest&, storage::Database& reader)> prepare;
  // GET pages that only read: served on a reader thread with its own connection instead of the
  // engine's thread. Their audit records (PageRequest::pending_audit) are committed by the writer
  // before the page leaves, so nothing is shown unaudited.
  bool on_reader = false;
};

class PageRouter {
 public:
  explicit PageRouter(WebContext& ctx) : ctx_(ctx) {}
  PageRouter(const PageRouter&) = delete;
  PageRouter& operator=(const PageRouter&) = delete;

  void add(PageRoute route);
  WebContext& context() { return ctx_; }

  net::HttpResponse handle(const net::HttpRequest& request);
  void handle_async(net::HttpRequest request, net::HttpResponder respond);

 private:
  // Everything but the commit: never throws. *failed: the page threw (its writes must roll back).
  // `prepared`: what the route's prepare() gave on a reader (empty: serve runs it when needed).
  // On a reader: `pending` collects the audit records, `touch_session` the session token whose last
  // use is due to be written.
  net::HttpResponse serve(const net::HttpRequest& request, storage::Database& db, bool* failed = nullptr,
                          std::any prepared = {}, services::PendingAudit* pending = nullptr,
                          std::string* touch_session = nullptr);
  // The route a request's method and path go to, or nullptr.
  const PageRoute* route_for(const net::HttpRequest& request) const;
  // Serves an on_reader page on a reader lane; the writer commits its audit records before it leaves.
  void read_page(std::shared_ptr<net::HttpRequest> request, net::HttpResponder respond);
  // Runs route.prepare() on a reader connection when the request's CSRF token is right (as either
  // the session's or the signed-out form's token); empty otherwise or when it throws.
  std::any prepare_on_reader(const PageRoute& route, const net::HttpRequest& request, storage::Database& reader) const;
  // Runs the page on the writer's lane and answers once what it wrote is committed.
  void commit_page(std::shared_ptr<net::HttpRequest> request, std::any prepared, net::HttpResponder respond);

  WebContext& ctx_;
  std::vector<PageRoute> routes_;
};

// Cookie names the router owns.
inline constexpr const char* kSessionCookie = "outreach_session";
inline constexpr const char* kPreSessionCookie = "outreach_pre";  // CSRF for signed-out forms
inline constexpr const char* kLangCookie = "outreach_lang";
inline constexpr const char* kFlashCookie = "outreach_flash";

// The headers every page answer carries (CSP and friends), exposed for tests.
const net::HttpHeaders& security_headers();

}  // namespace outreach::web
