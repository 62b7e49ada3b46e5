// "Not meant for me": the person reports an error from the page their e-mail's unsubscribe link
// opens (POST /u/{token}/error), through the router as a browser would reach it; the token is the
// only authority and the next e-mail step is then not sent.
#include <gtest/gtest.h>

#include "api/context.h"
#include "api/router.h"
#include "services/unsubscribe.h"
#include "storage/error_report_store.h"
#include "storage/unsubscribe_token.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class ErrorPage : public EngineTest {
 protected:
  const std::string key = std::string(32, 'u');
  ErrorPage() {
    config.unsubscribe_key = key;
    config.public_base_url = "https://outreach.example.org";
  }
  api::Response call(const std::string& method, const std::string& path, const std::string& body = {}) {
    if (!router_) {
      unsubscribe_ = std::make_unique<services::Unsubscribe>(*db, clock, key);
      ctx_.db = db.get();
      ctx_.clock = &clock;
      ctx_.config = &config;
      ctx_.unsubscribe = unsubscribe_.get();
      router_ = api::make_router(ctx_);
    }
    api::Request r;
    r.method = method;
    r.target = r.path = path;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return router_->handle(r);
  }
  std::unique_ptr<services::Unsubscribe> unsubscribe_;
  api::ApiContext ctx_;
  std::unique_ptr<api::Router> router_;
};

TEST_F(ErrorPage, ThePageOffersItAndAReportStopsTheNextEmail) {
  auto a = person(1);
  launch(campaign_yaml("mail", one_step("[email]") +
                                   "  - id: two\n    after: 1d\n    channels: [email]\n    template: second\n"));
  run(clock.now() + std::chrono::hours(1));
  ASSERT_EQ(email.sends.size(), 1u);
  const std::string token = storage::make_unsubscribe_token(email.sends[0].message_id, key);

  api::Response page = call("GET", "/u/" + token);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("action=\"" + token + "/error\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Niet voor u bedoeld? Meld een fout"), std::string::npos) << page.body;

  api::Response reported = call("POST", "/u/" + token + "/error", "kind=wrong_person");
  ASSERT_EQ(reported.status, 200) << reported.body;
  EXPECT_EQ(reported.body, "Dank u. Wij sturen u geen berichten meer tot een medewerker dit heeft bekeken.\n");
  EXPECT_EQ(call("POST", "/u/" + token + "/error", "kind=wrong_person").status, 200);
  EXPECT_EQ(sql_int("SELECT count(*) FROM error_reports WHERE status = 'open' AND reporter_kind = 'person'"), 1)
      << "a second click adds nothing";
  EXPECT_EQ(call("POST", "/u/" + token + "/error", "kind=typo").status, 400);
  std::string forged = token;
  forged[3] = forged[3] == 'x' ? 'y' : 'x';
  EXPECT_EQ(call("POST", "/u/" + forged + "/error").status, 404);

  run();
  EXPECT_EQ(email.sends.size(), 1u) << "the reminder is not sent";
  EXPECT_EQ(row(1, 1, a).reason, "error_report");
}

}  // namespace
}  // namespace outreach::test
