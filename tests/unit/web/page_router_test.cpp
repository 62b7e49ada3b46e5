// The page router's wrapping, without a server: signed-out requests go to the sign-in page, every
// POST needs the CSRF token, every answer carries the security headers, a session cookie signs in.
#include "web/page_router.h"

#include <gtest/gtest.h>

#include "channels/form_encoding.h"
#include "engine/engine_config.h"
#include "net/work_lanes.h"
#include "services/audit_trail.h"
#include "storage/audit_log.h"
#include "storage/database.h"
#include "tests/support/storage_fixture.h"
#include "web/web.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class PageRouterTest : public StorageTest {
 protected:
  PageRouterTest() {
    add_municipality("GM0599");
    storage::PrincipalStore(*db).add("vera", PrincipalKind::volunteer, "GM0599", now()).take();
    storage::PrincipalStore(*db).add("rotterdam", PrincipalKind::municipality, "GM0599", now()).take();
    services::Actor op{"cli:operator", PrincipalKind::operator_, {}, "cli", "cli"};
    services::SignIn(*db, clock, ctx.totp_key, ctx.sign_in_rules).set_password(op, "vera", "een-lang-wachtwoord").take();
    ctx.db = db.get();
    ctx.clock = &clock;
    ctx.config = &config;
    router = web::make_page_router(ctx);
    router->add({.method = "GET", .pattern = "/only-clerks", .kinds = {PrincipalKind::municipality},
                 .handler = [](web::PageRequest&) { return web::PageResponse{}; }});
  }
  net::HttpResponse get(const std::string& path, const std::string& cookie = {}) {
    net::HttpRequest r{.method = "GET", .target = path, .path = path.substr(0, path.find('?'))};
    for (auto& [k, v] : channels::parse_query(path).take()) r.query.emplace(k, v);  // as the server does
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    r.remote_address = "127.0.0.1:5000";
    return router->handle(r);
  }
  net::HttpResponse post(const std::string& path, const std::string& body, const std::string& cookie = {}) {
    net::HttpRequest r{.method = "POST", .target = path, .path = path};
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    if (!cookie.empty()) r.headers.emplace_back("Cookie", cookie);
    r.body = body;
    r.remote_address = "127.0.0.1:5000";
    return router->handle(r);
  }
  static std::string header(const net::HttpResponse& r, const std::string& name, int nth = 0) {
    for (const auto& [k, v] : r.headers) {
      if (k == name && nth-- == 0) return v;
    }
    return {};
  }
  static std::string cookie_value(const net::HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == "Set-Cookie" && v.rfind(name + "=", 0) == 0) return v.substr(name.size() + 1, v.find(';') - name.size() - 1);
    }
    return {};
  }
  static std::string csrf_in(const std::string& html) {
    auto at = html.find("name=\"_csrf\" value=\"");
    if (at == std::string::npos) return {};
    at += 20;
    return html.substr(at, html.find('"', at) - at);
  }
  // Signs vera in through the form; returns the session cookie value.
  std::string sign_in() {
    auto form = get("/sign-in");
    const std::string pre = cookie_value(form, web::kPreSessionCookie);
    auto r = post("/sign-in", "_csrf=" + csrf_in(form.body) + "&name=vera&password=een-lang-wachtwoord&next=/",
                  std::string(web::kPreSessionCookie) + "=" + pre);
    EXPECT_EQ(r.status, 303);
    return cookie_value(r, web::kSessionCookie);
  }

  engine::EngineConfig config;
  web::WebContext ctx{.csrf_key = std::string(32, 'c'), .totp_key = std::string(32, 't'),
                      .sign_in_rules = {.minimal_password_cost = true}};
  std::unique_ptr<web::PageRouter> router;
};

TEST_F(PageRouterTest, SignedOutPagesRedirectToSignInAndKeepWhereTheyWereGoing) {
  auto r = get("/only-clerks?page=2");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/sign-in?next=%2Fonly-clerks%3Fpage%3D2");
  EXPECT_EQ(get("/").status, 303);
  EXPECT_EQ(post("/sign-out", "").status, 303);
}

TEST_F(PageRouterTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const auto& r : {get("/sign-in"), get("/"), get("/no-such-page"), get("/static/site.css")}) {
    EXPECT_EQ(header(r, "Content-Security-Policy"),
              "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
              "frame-ancestors 'none'; base-uri 'none'");
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
  }
  EXPECT_EQ(header(get("/sign-in"), "Cache-Control"), "no-store");
  EXPECT_EQ(get("/no-such-page").status, 404);
}

TEST_F(PageRouterTest, APostWithoutTheCsrfTokenIsRefusedEvenWithTheRightPassword) {
  auto form = get("/sign-in");
  const std::string pre = std::string(web::kPreSessionCookie) + "=" + cookie_value(form, web::kPreSessionCookie);
  EXPECT_EQ(post("/sign-in", "name=vera&password=een-lang-wachtwoord", pre).status, 403);
  EXPECT_EQ(post("/sign-in", "_csrf=" + std::string(64, '0') + "&name=vera&password=een-lang-wachtwoord", pre).status, 403);
  const std::string session = sign_in();
  ASSERT_FALSE(session.empty());
  const std::string cookie = std::string(web::kSessionCookie) + "=" + session;
  EXPECT_EQ(post("/sign-out", "", cookie).status, 403) << "signed in, but no token";
  auto home = get("/", cookie);
  EXPECT_EQ(home.status, 200);
  auto out = post("/sign-out", "_csrf=" + csrf_in(home.body), cookie);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(get("/", cookie).status, 303) << "signed out";
}

TEST_F(PageRouterTest, TheSessionCookieIsHttpOnlyStrictAndSecureOnlyBehindHttps) {
  auto form = get("/sign-in");
  const std::string pre = cookie_value(form, web::kPreSessionCookie);
  auto r = post("/sign-in", "_csrf=" + csrf_in(form.body) + "&name=vera&password=een-lang-wachtwoord",
                std::string(web::kPreSessionCookie) + "=" + pre);
  std::string set;
  for (const auto& [k, v] : r.headers) {
    if (k == "Set-Cookie" && v.rfind("outreach_session=", 0) == 0) set = v;
  }
  EXPECT_NE(set.find("; Path=/; HttpOnly; SameSite=Strict"), std::string::npos) << set;
  EXPECT_EQ(set.find("Secure"), std::string::npos) << "http base URL";
  ctx.public_base_url = "https://outreach.example.nl";
  EXPECT_NE(header(get("/sign-in"), "Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(PageRouterTest, TheLanguageSwitchComesBackToThePage) {
  const std::string cookie = std::string(web::kSessionCookie) + "=" + sign_in();
  auto page = get("/only-clerks", cookie);  // 403, but a page with the layout all the same
  auto home = get("/?x=a%26b", cookie);
  EXPECT_NE(home.body.find("href=\"/lang/en?next=%2F%3Fx%3Da%2526b\""), std::string::npos) << home.body;
  auto back = get("/lang/en?next=%2F%3Fx%3Da%2526b");
  EXPECT_EQ(back.status, 303);
  EXPECT_EQ(header(back, "Location"), "/?x=a%26b");
  EXPECT_EQ(header(get("/lang/en?next=https%3A%2F%2Fevil.example"), "Location").rfind("/", 0), 0u)
      << "only a local path";
  (void)page;
}

TEST_F(PageRouterTest, ARouteForOtherKindsAnswers403) {
  const std::string cookie = std::string(web::kSessionCookie) + "=" + sign_in();
  EXPECT_EQ(get("/only-clerks", cookie).status, 403);
  EXPECT_EQ(get("/", cookie).status, 200);
}

// serve's lanes, run inline: which connection each piece of a request got.
struct InlineLanes : net::WorkLanes {
  storage::Database* reader = nullptr;
  storage::Database* writer = nullptr;
  int reads = 0;
  int writes = 0;
  void read(std::function<void(net::ReadLane&)> work) override {
    ++reads;
    net::ReadLane lane{*reader, [](std::function<void()> f) { f(); }};
    work(lane);
  }
  bool fail_writes = false;  // as when the disk is full: nothing commits
  void write(std::function<core::Status()> work, std::function<void(const core::Status&)> done) override {
    ++writes;
    if (fail_writes) {
      done(core::Error{core::ErrorCode::transient, "database full", {}});
      return;
    }
    done(writer->transaction(work));
  }
  void post(std::function<void()> work) override { work(); }
};

// Slow read-only work (the sign-in's password hash) runs on a reader before the page runs on the
// engine's thread, and only for a form that carries our CSRF token.
// Behind nginx every connection comes from the proxy: sign-in throttling would lock everyone out
// together. The proxy's X-Forwarded-For names the client, and is believed from trusted proxies only.
TEST_F(PageRouterTest, TheClientAddressComesFromXForwardedForOnlyThroughATrustedProxy) {
  router->add({.method = "GET", .pattern = "/whoami", .is_public = true, .handler = [](web::PageRequest& r) {
                 web::PageResponse out;
                 out.html = r.client_address;
                 return out;
               }});
  auto from = [&](const std::string& peer, const std::string& forwarded) {
    net::HttpRequest r{.method = "GET", .target = "/whoami", .path = "/whoami"};
    if (!forwarded.empty()) r.headers.emplace_back("X-Forwarded-For", forwarded);
    r.remote_address = peer;
    return router->handle(r).body;
  };
  EXPECT_EQ(from("127.0.0.1:5000", "203.0.113.7"), "127.0.0.1") << "no proxy is trusted by default";
  ctx.trusted_proxies = {"127.0.0.1"};
  EXPECT_EQ(from("127.0.0.1:5000", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(from("127.0.0.1:5000", "10.9.9.9, 203.0.113.7 "), "203.0.113.7") << "the entry the proxy added";
  EXPECT_EQ(from("127.0.0.1:5000", ""), "127.0.0.1");
  EXPECT_EQ(from("192.0.2.1:4000", "203.0.113.7"), "192.0.2.1") << "anyone else cannot choose an address";
  EXPECT_EQ(from("[::1]:5000", "203.0.113.7"), "::1");
}

TEST_F(PageRouterTest, APreparedStepRunsOnAReaderOnlyForAFormWithTheToken) {
  auto reader = storage::Database::open(":memory:").take();
  std::vector<storage::Database*> prepared_on;
  router->add({.method = "POST", .pattern = "/slow", .is_public = true,
               .handler = [](web::PageRequest& r) {
                 web::PageResponse out;
                 const int* v = std::any_cast<int>(&r.prepared);
                 out.html = v ? std::to_string(*v) : "none";
                 return out;
               },
               .prepare = [&](const web::PageRequest&, storage::Database& on) {
                 prepared_on.push_back(&on);
                 return std::any(42);
               }});
  auto form = get("/sign-in");
  const std::string pre = std::string(web::kPreSessionCookie) + "=" + cookie_value(form, web::kPreSessionCookie);
  const std::string token = "_csrf=" + csrf_in(form.body);

  EXPECT_EQ(post("/slow", token, pre).body, "42") << "without lanes: just before the handler";
  ASSERT_EQ(prepared_on.size(), 1u);
  EXPECT_EQ(prepared_on[0], db.get());

  InlineLanes lanes;
  lanes.reader = reader.get();
  lanes.writer = db.get();
  ctx.lanes = &lanes;
  auto async_post = [&](const std::string& body) {
    net::HttpRequest r{.method = "POST", .target = "/slow", .path = "/slow"};
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    r.headers.emplace_back("Cookie", pre);
    r.body = body;
    r.remote_address = "127.0.0.1:5000";
    net::HttpResponse out;
    router->handle_async(r, [&](net::HttpResponse resp) { out = std::move(resp); });
    return out;
  };
  auto r = async_post(token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "42");
  ASSERT_EQ(prepared_on.size(), 2u) << "once, not again on the writer";
  EXPECT_EQ(prepared_on[1], reader.get());
  EXPECT_EQ(lanes.reads, 1);
  EXPECT_EQ(lanes.writes, 1);

  EXPECT_EQ(async_post("_csrf=" + std::string(64, '0')).status, 403);
  EXPECT_EQ(prepared_on.size(), 2u) << "a wrong token gets no slow work done";

  // The sign-in form itself goes the same way and signs in.
  auto signed_in = [&] {
    net::HttpRequest q{.method = "POST", .target = "/sign-in", .path = "/sign-in"};
    q.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    q.headers.emplace_back("Cookie", pre);
    q.body = token + "&name=vera&password=een-lang-wachtwoord&next=/";
    q.remote_address = "127.0.0.1:5000";
    net::HttpResponse out;
    router->handle_async(q, [&](net::HttpResponse resp) { out = std::move(resp); });
    return out;
  }();
  EXPECT_EQ(signed_in.status, 303);
  EXPECT_FALSE(cookie_value(signed_in, web::kSessionCookie).empty());
  EXPECT_EQ(lanes.reads, 3);
  ctx.lanes = nullptr;
}

// A page that only reads runs on a reader; what it read is audited by the writer before the page
// goes out, and a page whose audit record cannot be committed does not go out at all.
TEST_F(PageRouterTest, AReadingPageRunsOnAReaderAndLeavesOnlyOnceItsAuditIsCommitted) {
  auto reader = storage::Database::open(":memory:").take();
  storage::Database* served_on = nullptr;
  router->add({.method = "GET", .pattern = "/read", .is_public = true,
               .handler = [&](web::PageRequest& r) {
                 served_on = r.db;
                 services::Actor clerk{"rotterdam", PrincipalKind::municipality, "GM0599", r.request_id, "web"};
                 services::AuditTrail(*r.db, clock, r.pending_audit).record(clerk, "cases.read", "case:7", "test").take();
                 web::PageResponse out;
                 out.html = "case 7";
                 return out;
               },
               .on_reader = true});
  InlineLanes lanes;
  lanes.reader = reader.get();
  lanes.writer = db.get();
  ctx.lanes = &lanes;
  auto async_get = [&] {
    net::HttpRequest r{.method = "GET", .target = "/read", .path = "/read"};
    r.remote_address = "127.0.0.1:5000";
    std::optional<net::HttpResponse> out;
    router->handle_async(r, [&](net::HttpResponse resp) { out = std::move(resp); });
    return out;
  };
  auto audited = [&] {
    int n = 0;
    storage::AuditLog(*db).for_each([&](const storage::AuditRecord& a) { n += a.subject == "case:7"; });
    return n;
  };
  auto r = async_get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "case 7");
  EXPECT_EQ(served_on, reader.get());
  EXPECT_EQ(lanes.reads, 1);
  EXPECT_EQ(lanes.writes, 1) << "the audit record, on the writer";
  EXPECT_EQ(audited(), 1);

  lanes.fail_writes = true;
  auto refused = async_get();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->body.find("case 7"), std::string::npos) << "nothing read goes out unaudited";
  EXPECT_EQ(audited(), 1);
  ctx.lanes = nullptr;
}

}  // namespace
}  // namespace outreach::test
