// The clerk's pages through the page router, without a server or a browser (those are in
// tests/browser/test_clerk.py): what the list and the case page show, that another municipality's
// case is "not found" by URL with nothing of it, the close form's error, paging, downloads.
#include <gtest/gtest.h>

#include "engine/engine_config.h"
#include "services/sign_in.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/response_store.h"
#include "tests/support/storage_fixture.h"
#include "web/page_router.h"
#include "web/web.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class ClerkPagesTest : public StorageTest {
 protected:
  ClerkPagesTest() {
    add_region("rijnmond", "GM0599");
    add_municipality("GM0599", "rijnmond");
    add_municipality("GM0606", "rijnmond");
    config.suppression_key = std::string(32, 'k');
    ctx.db = db.get();
    ctx.clock = &clock;
    ctx.config = &config;
    router = web::make_page_router(ctx);
  }
  // A resident of `code` who said JA and shares with it: an open case, due in `due_hours`.
  std::int64_t case_for(const std::string& name, const std::string& code = "GM0599", int due_hours = 72) {
    std::int64_t id = add_contact(name, code, {("tel:+3161234" + std::to_string(1000 + ++people_)).c_str()});
    for (const std::string& purpose : {std::string("outreach"), "share:" + code}) {
      storage::ConsentEvent e{.contact_id = id, .purpose = purpose, .channel = "*", .source = "test",
                              .collector = "test", .at = now()};
      storage::ConsentLedger(*db).record(e).take();
    }
    storage::Response r;
    r.contact_id = id;
    r.channel = "sms";
    r.urn = "tel:+31612340000";
    r.provider_message_id = "in-" + std::to_string(people_);
    r.text = "JA graag";
    r.keyword = "yes";
    r.received_at = now();
    storage::ResponseStore(*db).record(r).take();
    return storage::CaseStore(*db).open(id, code, std::nullopt, now(), now() + std::chrono::hours(due_hours), "test").take();
  }
  // A signed-in session for a principal of `kind` and `scope`; the Cookie header's value.
  std::string session(const std::string& name, PrincipalKind kind, const std::string& scope) {
    storage::PrincipalStore(*db).add(name, kind, scope, now()).take();
    services::SignIn sign_in(*db, clock, ctx.totp_key, ctx.sign_in_rules);
    services::Actor op{"cli:operator", PrincipalKind::operator_, {}, "cli", "cli"};
    sign_in.set_password(op, name, "een-lang-wachtwoord").take();
    auto s = sign_in.with_password({.name = name, .password = "een-lang-wachtwoord", .client_address = "127.0.0.1"}).take();
    return std::string(web::kSessionCookie) + "=" + s.session_token;
  }
  net::HttpResponse get(const std::string& target, const std::string& cookie) {
    net::HttpRequest r{.method = "GET", .target = target, .path = target.substr(0, target.find('?'))};
    if (auto q = channels::parse_query(target); q) {
      for (const auto& [k, v] : *q) r.query.emplace(k, v);
    }
    r.headers.emplace_back("Cookie", cookie);
    r.remote_address = "127.0.0.1:5000";
    return router->handle(r);
  }
  net::HttpResponse post(const std::string& path, const std::string& body, const std::string& cookie) {
    net::HttpRequest r{.method = "POST", .target = path, .path = path};
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    r.headers.emplace_back("Cookie", cookie);
    r.body = "_csrf=" + csrf(cookie) + (body.empty() ? "" : "&" + body);
    r.remote_address = "127.0.0.1:5000";
    return router->handle(r);
  }
  std::string csrf(const std::string& cookie) {
    auto home = get("/", cookie);
    auto at = home.body.find("name=\"_csrf\" value=\"");
    if (at == std::string::npos) return {};
    at += 20;
    return home.body.substr(at, home.body.find('"', at) - at);
  }
  static std::string header(const net::HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }
  static bool has(const std::string& body, const std::string& text) { return body.find(text) != std::string::npos; }

  int people_ = 0;
  engine::EngineConfig config;
  web::WebContext ctx{.csrf_key = std::string(32, 'c'), .totp_key = std::string(32, 't'),
                      .sign_in_rules = {.minimal_password_cost = true}};
  std::unique_ptr<web::PageRouter> router;
};

TEST_F(ClerkPagesTest, TheListShowsTheClerksCasesAndSaysWhichAreLate) {
  case_for("Anna de Vries");
  case_for("Bram Late", "GM0599", -1);  // its SLA ran out an hour ago
  case_for("Dirk Schiedam", "GM0606");
  const std::string clerk = session("rotterdam", PrincipalKind::municipality, "GM0599");
  auto r = get("/cases", clerk);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(has(r.body, "<caption id=\"cases-caption\">Zaken, oudste eerst</caption>"));
  EXPECT_TRUE(has(r.body, "<th scope=\"col\">Telefoon</th>"));
  EXPECT_TRUE(has(r.body, ">Anna de Vries</a></th>"));
  EXPECT_TRUE(has(r.body, "<td data-label=\"Telefoon\">+31612341001</td>"));
  EXPECT_TRUE(has(r.body, "<tr class=\"overdue\"><th scope=\"row\"><a href=\"/cases/2\">Bram Late</a>"));
  EXPECT_TRUE(has(r.body, "<strong class=\"late\">Te laat</strong>")) << "late in words, not only in colour";
  EXPECT_FALSE(has(r.body, "Dirk Schiedam"));
  EXPECT_TRUE(has(get("/cases?overdue=1", clerk).body, "Bram Late"));
  EXPECT_FALSE(has(get("/cases?overdue=1", clerk).body, "Anna de Vries"));
  EXPECT_EQ(get("/cases", session("vera", PrincipalKind::volunteer, "GM0599")).status, 403);
}

TEST_F(ClerkPagesTest, AnotherMunicipalitysCaseByUrlIsNotFoundAndCannotBeActedOn) {
  const auto theirs = case_for("Anna de Vries");
  const std::string schiedam = session("schiedam", PrincipalKind::municipality, "GM0606");
  auto r = get("/cases/" + std::to_string(theirs), schiedam);
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(has(r.body, "Anna"));
  EXPECT_FALSE(has(r.body, "+3161234"));
  // The same page as for a case that does not exist, but for the asked path in the language switch.
  auto missing = get("/cases/" + std::to_string(theirs + 1000), schiedam);
  auto without_path = [](std::string body) {
    const auto at = body.find("?next=");
    if (at != std::string::npos) body.erase(at, body.find('"', at) - at);
    return body;
  };
  EXPECT_EQ(without_path(missing.body), without_path(r.body));
  for (const char* action : {"acknowledge", "in-contact", "close", "handler"}) {
    auto p = post("/cases/" + std::to_string(theirs) + "/" + action, "outcome=helped&handler=Fatima", schiedam);
    EXPECT_EQ(p.status, 404) << action;
    EXPECT_FALSE(has(p.body, "Anna")) << action;
  }
  auto c = storage::CaseStore(*db).get(theirs).take();
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.handler_name, "");
}

TEST_F(ClerkPagesTest, ClosingNeedsAnOutcomeThenTheCaseShowsClosed) {
  const auto id = case_for("Anna de Vries");
  const std::string clerk = session("rotterdam", PrincipalKind::municipality, "GM0599");
  const std::string path = "/cases/" + std::to_string(id);
  auto ack = post(path + "/acknowledge", "", clerk);
  EXPECT_EQ(ack.status, 303);
  EXPECT_EQ(header(ack, "Location"), path);
  auto missing = post(path + "/close", "note=gebeld", clerk);
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(has(missing.body, "<li><a href=\"#outcome\">Kies een uitkomst.</a></li>"));
  EXPECT_TRUE(has(missing.body, ">gebeld</textarea>")) << "the note is kept";
  auto closed = post(path + "/close", "outcome=referred&note=naar+schuldhulp", clerk);
  EXPECT_EQ(closed.status, 303);
  auto page = get(path, clerk);
  EXPECT_TRUE(has(page.body, "<span class=\"badge\">Afgesloten</span>"));
  EXPECT_TRUE(has(page.body, "Doorverwezen naar een andere organisatie"));
  EXPECT_TRUE(has(page.body, "<td>naar schuldhulp</td>"));
  EXPECT_FALSE(has(page.body, "/close\"")) << "no close form on a closed case";
  auto again = post(path + "/close", "outcome=helped", clerk);
  EXPECT_EQ(header(again, "Location"), path) << "a second post only shows the case as it is";
  EXPECT_EQ(storage::CaseStore(*db).get(id)->outcome, "referred");
}

TEST_F(ClerkPagesTest, PagesCarryTheCursorAndTheFilters) {
  for (int i = 0; i < 55; ++i) case_for("Inwoner " + std::to_string(i));
  const std::string clerk = session("rotterdam", PrincipalKind::municipality, "GM0599");
  auto first = get("/cases?name=Inwoner", clerk);
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(has(first.body, "50 zaken op deze pagina"));
  EXPECT_TRUE(has(first.body, "<a href=\"/cases?state=active&amp;name=Inwoner&amp;after=50\" rel=\"next\">"));
  auto second = get("/cases?state=active&name=Inwoner&after=50", clerk);
  EXPECT_TRUE(has(second.body, "5 zaken op deze pagina"));
  EXPECT_TRUE(has(second.body, ">Inwoner 54</a>"));
  EXPECT_FALSE(has(second.body, "rel=\"next\""));
  auto hub = get("/cases?municipality=GM0363", session("rijnmond", PrincipalKind::regional_hub, "rijnmond"));
  EXPECT_EQ(hub.status, 400);
  EXPECT_TRUE(has(hub.body, "Deze gemeente hoort niet bij uw zaken."));
}

TEST_F(ClerkPagesTest, TheResponseListDownloadsAsCsvAndXlsx) {
  case_for("Anna de Vries");
  const std::string clerk = session("rotterdam", PrincipalKind::municipality, "GM0599");
  auto xlsx = get("/cases/download?municipality=GM0599&format=xlsx", clerk);
  ASSERT_EQ(xlsx.status, 200) << xlsx.body;
  EXPECT_EQ(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  auto csv = get("/cases/download?format=csv", clerk);
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(has(csv.body, "Anna de Vries"));
  EXPECT_EQ(get("/cases/download?municipality=GM0606&format=csv", clerk).status, 403);
}

}  // namespace
}  // namespace outreach::test
