// The coordinator's and approver's pages through the page router, without a browser: who may open
// them, that every action needs the CSRF token and goes through the same CampaignDesk rules as the
// CLI and the API (four eyes included), what the funnel page and the lookup show, and the import
// report naming a bad line.
#include <gtest/gtest.h>

#include "services/sign_in.h"
#include "services/totp.h"
#include "storage/campaign_store.h"
#include "storage/server_secret.h"
#include "tests/support/engine_fixture.h"
#include "web/page_router.h"
#include "web/web.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class CoordinatorPagesTest : public EngineTest {
 protected:
  CoordinatorPagesTest() {
    ctx.db = db.get();
    ctx.clock = &clock;
    ctx.config = &config;
    router = web::make_page_router(ctx);
    services::Actor op{"cli:operator", PrincipalKind::operator_, {}, "cli", "cli"};
    services::SignIn sign_in(*db, clock, ctx.totp_key, ctx.sign_in_rules);
    for (auto [name, kind] : {std::pair{"amira", PrincipalKind::coordinator}, {"joost", PrincipalKind::approver},
                              {"vera", PrincipalKind::volunteer}}) {
      storage::PrincipalStore(*db).add(name, kind, kind == PrincipalKind::volunteer ? "GM0599" : "", now()).take();
      sign_in.set_password(op, name, "een-lang-wachtwoord").take();
      std::string code;
      if (services::needs_second_factor(kind)) {
        auto secret = services::base32_decode(sign_in.reset_totp(op, name).take().secret_base32);
        code = services::hotp(*secret, static_cast<std::uint64_t>(services::totp_step(clock.now())));
      }
      auto in = sign_in.with_password({name, "een-lang-wachtwoord", code, "127.0.0.1", "test"}).take();
      sessions[name] = in.session_token;
    }
  }

  net::HttpResponse request(const std::string& method, const std::string& path, const std::string& as,
                            const std::string& body = {}, const std::string& content_type =
                                                                  "application/x-www-form-urlencoded") {
    net::HttpRequest r{.method = method, .target = path, .path = path.substr(0, path.find('?'))};
    if (!as.empty()) r.headers.emplace_back("Cookie", std::string(web::kSessionCookie) + "=" + sessions[as]);
    if (method == "POST") r.headers.emplace_back("Content-Type", content_type);
    r.body = body;
    r.remote_address = "127.0.0.1:5000";
    return router->handle(r);
  }
  net::HttpResponse get(const std::string& path, const std::string& as) { return request("GET", path, as); }
  // A form post with the session's CSRF token (or without it when `csrf` is false).
  net::HttpResponse post(const std::string& path, const std::string& as, const std::string& fields = {},
                         bool csrf = true) {
    std::string body = fields;
    if (csrf) body += std::string(body.empty() ? "" : "&") + "_csrf=" + token(as);
    return request("POST", path, as, body);
  }
  std::string token(const std::string& as) {
    return storage::hmac_sha256_hex(ctx.csrf_key, "session:" + sessions[as]);
  }
  std::string state(const std::string& key) { return storage::CampaignStore(*db).find(key).take().state; }
  static std::string location(const net::HttpResponse& r) {
    for (const auto& [k, v] : r.headers) {
      if (k == "Location") return v;
    }
    return {};
  }

  web::WebContext ctx{.csrf_key = std::string(32, 'c'), .totp_key = std::string(32, 't'),
                      .sign_in_rules = {.minimal_password_cost = true}};
  std::unique_ptr<web::PageRouter> router;
  std::map<std::string, std::string> sessions;
};

TEST_F(CoordinatorPagesTest, NoPageOrActionWithoutASessionAndNoneForAVolunteer) {
  ASSERT_TRUE(desk().save(actor("amira"), campaign_yaml("k", one_step()), "k.yaml"));
  for (const char* path : {"/campaigns", "/campaigns/k", "/campaigns/k/preview", "/coverage", "/reviews",
                           "/reviews/k", "/contacts/import", "/campaigns/k/unknown"}) {
    EXPECT_EQ(get(path, "").status, 303) << path;
    EXPECT_EQ(get(path, "vera").status, 403) << path;
  }
  EXPECT_EQ(post("/campaigns/k/submit", "vera").status, 403);
  EXPECT_EQ(post("/reviews/k/approve", "vera").status, 403);
  EXPECT_EQ(post("/reviews/k/approve", "amira").status, 403) << "a coordinator has no approve button";
  EXPECT_EQ(state("k"), "draft");
}

TEST_F(CoordinatorPagesTest, EveryActionNeedsTheCsrfTokenAndGoesThroughTheDesk) {
  ASSERT_TRUE(desk().save(actor("amira"), campaign_yaml("k", one_step()), "k.yaml"));
  EXPECT_EQ(post("/campaigns/k/submit", "amira", "", false).status, 403);
  EXPECT_EQ(state("k"), "draft");
  auto submitted = post("/campaigns/k/submit", "amira");
  EXPECT_EQ(submitted.status, 303);
  EXPECT_EQ(location(submitted), "/campaigns/k");
  EXPECT_EQ(state("k"), "in_review");
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'campaign.in_review' AND actor = 'amira'"), 1);
  // Launching before approval: the desk refuses, the page says why with status 409.
  auto early = post("/campaigns/k/launch", "amira");
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(early.body.find("error-summary"), std::string::npos);
  EXPECT_EQ(state("k"), "in_review");

  EXPECT_EQ(post("/reviews/k/approve", "joost", "", false).status, 403);
  auto no_reason = post("/reviews/k/reject", "joost", "reason=++");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_NE(no_reason.body.find("href=\"#reason\""), std::string::npos);
  EXPECT_NE(no_reason.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_EQ(post("/reviews/k/approve", "joost").status, 303);
  EXPECT_EQ(state("k"), "approved");
  EXPECT_EQ(post("/campaigns/k/launch", "amira").status, 303);
  EXPECT_EQ(state("k"), "running");
  EXPECT_EQ(post("/campaigns/k/pause", "amira").status, 303);
  EXPECT_EQ(state("k"), "paused");
  EXPECT_EQ(post("/campaigns/k/resume", "amira").status, 303);
  EXPECT_EQ(state("k"), "running");
}

TEST_F(CoordinatorPagesTest, TheCampaignPageShowsTheFunnelAsAChartAndATableWithTheSameNumbers) {
  for (int i = 1; i <= 3; ++i) person(i);
  launch(campaign_yaml("f", one_step()));
  run(clock.now());
  auto page = get("/campaigns/f", "amira");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"funnel-f-step-1\" role=\"img\""),
            std::string::npos);
  EXPECT_NE(page.body.find(">verzonden 3</text>"), std::string::npos);
  EXPECT_NE(page.body.find("<caption id=\"funnel-step-1-caption\">"), std::string::npos);
  EXPECT_NE(page.body.find("<th scope=\"row\">Gemeente GM0599</th><td>sms</td><td class=\"num\">3</td>"),
            std::string::npos);
  EXPECT_EQ(page.body.find("style=\""), std::string::npos) << "CSP: no style attributes";
}

TEST_F(CoordinatorPagesTest, TheLookupAnswersARefusedPersonWithTheReasonOnly) {
  auto id = person(1);
  withdraw(id, "sms");
  ASSERT_TRUE(desk().save(actor("amira"), campaign_yaml("l", one_step()), "l.yaml"));
  auto page = post("/campaigns/l/lookup", "amira", "who=" + std::to_string(id));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Deze persoon heeft STOP gezegd."), std::string::npos);
  EXPECT_EQ(page.body.find("Persoon 1"), std::string::npos);
  auto bad = post("/campaigns/l/lookup", "amira", "who=geen+nummer");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("href=\"#who\""), std::string::npos);
}

TEST_F(CoordinatorPagesTest, AnUploadedCsvWithABadLineIsImportedAndTheLineAndFieldAreNamed) {
  const std::string boundary = "----b0undary";
  const std::string csv = "name,phone,language,municipality,consent\r\n"
                          "Nieuw Persoon,0612349901,nl,GM0599,outreach@sms\r\n"
                          "Foute Regel,06-12,nl,GM0599,\r\n";
  const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" +
                           token("amira") + "\r\n--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"contacts\"; filename=\"lijst.csv\"\r\n"
                           "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
  auto page = request("POST", "/contacts/import", "amira", body, "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(page.status, 200) << page.body.substr(0, 2000);
  EXPECT_NE(page.body.find("Ingelezen: 1."), std::string::npos);
  EXPECT_NE(page.body.find("<th scope=\"row\" class=\"num\">3</th><td>phone</td>"), std::string::npos);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contacts"), 1);
  auto empty = request("POST", "/contacts/import", "amira",
                       "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token("amira") +
                           "\r\n--" + boundary + "--\r\n",
                       "multipart/form-data; boundary=" + boundary);
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("href=\"#contacts-file\""), std::string::npos);
}

}  // namespace
}  // namespace outreach::test
