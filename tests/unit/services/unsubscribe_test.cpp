// Unsubscribe: one-click (RFC 8058) withdrawal, its undo, and the unsubscribe mailbox.
#include "services/unsubscribe.h"

#include <gtest/gtest.h>

#include "storage/contact_store.h"
#include "storage/suppression_list.h"
#include "storage/unsubscribe_token.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class UnsubscribeTest : public EngineTest {
 protected:
  UnsubscribeTest() {
    config.unsubscribe_key = key;
    config.public_base_url = "https://outreach.example.org";
  }
  // Two e-mail steps a day apart, launched for `n` people; the first step sent.
  void send_first_step(int n = 1) {
    for (int i = 1; i <= n; ++i) person(i);
    launch(campaign_yaml("mail", one_step("[email]") +
                                     "  - id: two\n    after: 1d\n    channels: [email]\n    template: second\n"));
    run(clock.now() + std::chrono::hours(1));
    ASSERT_EQ(email.sends.size(), static_cast<std::size_t>(n));
  }
  std::string token_of(std::size_t send) { return storage::make_unsubscribe_token(email.sends.at(send).message_id, key); }
  services::Unsubscribe& service() {
    if (!service_) service_ = std::make_unique<services::Unsubscribe>(*db, clock, key);
    return *service_;
  }
  std::int64_t events(const std::string& source) {
    return sql_int("SELECT count(*) FROM consent_events WHERE source = '" + source + "'");
  }

  const std::string key = std::string(32, 'u');
  std::unique_ptr<services::Unsubscribe> service_;
};

TEST_F(UnsubscribeTest, EveryEmailCarriesASignedLinkNamingItsMessage) {
  send_first_step(2);
  const std::string& url = email.sends[0].unsubscribe_url;
  ASSERT_EQ(url.rfind("https://outreach.example.org/u/", 0), 0u) << url;
  const std::string token = url.substr(url.rfind('/') + 1);
  EXPECT_EQ(token.size(), 32u);
  EXPECT_EQ(storage::verify_unsubscribe_token(token, key), email.sends[0].message_id);
  EXPECT_NE(email.sends[1].unsubscribe_url, url) << "one token per message";
}

TEST_F(UnsubscribeTest, OneClickWithdrawsEmailConsentOnceAuditedAndTheNextStepIsNotSent) {
  send_first_step();
  auto out = service().withdraw(token_of(0), "req-1");
  ASSERT_TRUE(out) << out.error().what();
  EXPECT_TRUE(out->changed);
  EXPECT_TRUE(out->state.unsubscribed);
  EXPECT_TRUE(out->state.can_undo);
  EXPECT_EQ(sql_text("SELECT action || ' ' || purpose || ' ' || channel || ' ' || source || ' ' || origin_message_id "
                     "FROM consent_events ORDER BY id DESC LIMIT 1"),
            "withdraw outreach email one_click_unsubscribe " + std::to_string(email.sends[0].message_id));
  EXPECT_EQ(sql_text("SELECT actor || ' ' || action || ' ' || request_id FROM audit_log ORDER BY id DESC LIMIT 1"),
            "unsubscribe:" + std::to_string(email.sends[0].message_id) + " consent.withdraw req-1");

  auto again = service().withdraw(token_of(0), "req-2");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(events("one_click_unsubscribe"), 1) << "a second click records nothing more";

  run(clock.now() + std::chrono::days(2));
  EXPECT_EQ(email.sends.size(), 1u) << "the reminder is not sent";
  EXPECT_EQ(count_status("suppressed"), 1);
}

TEST_F(UnsubscribeTest, UndoGrantsAgainOnlyWhatTheClickTook) {
  send_first_step();
  auto nothing = service().undo(token_of(0), "req");
  ASSERT_TRUE(nothing);
  EXPECT_FALSE(nothing->changed) << "nothing to undo before the click";
  ASSERT_TRUE(service().withdraw(token_of(0), "req"));
  auto undone = service().undo(token_of(0), "req");
  ASSERT_TRUE(undone) << undone.error().what();
  EXPECT_TRUE(undone->changed);
  EXPECT_FALSE(undone->state.unsubscribed);
  EXPECT_EQ(events("one_click_undo"), 1);
  EXPECT_FALSE(service().undo(token_of(0), "req")->changed) << "undo twice grants once";
  run(clock.now() + std::chrono::days(2));
  EXPECT_EQ(email.sends.size(), 2u) << "subscribed again: the reminder goes out";
}

TEST_F(UnsubscribeTest, LookingChangesNothing) {
  send_first_step();
  auto s = service().look_up(token_of(0));
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_FALSE(s->unsubscribed);
  EXPECT_EQ(s->language, "nl");
  EXPECT_EQ(s->purpose, "outreach");
  EXPECT_EQ(events("one_click_unsubscribe"), 0);
}

TEST_F(UnsubscribeTest, BadTokensAndErasedPeopleAreNotFound) {
  send_first_step();
  std::string altered = token_of(0);
  altered[31] = altered[31] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {altered, std::string("c1-s0-k1"), storage::make_unsubscribe_token(999, key),
                                 storage::make_unsubscribe_token(email.sends[0].message_id, std::string(32, 'x'))}) {
    auto r = service().withdraw(bad, "req");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, core::ErrorCode::not_found) << bad;
  }
  storage::SuppressionList suppressions(*db, config.suppression_key);
  storage::ContactStore(*db).erase(1, suppressions, clock.now()).take();
  auto erased = service().withdraw(token_of(0), "req");
  ASSERT_FALSE(erased);
  EXPECT_EQ(erased.error().what(), "no such unsubscribe link");
  EXPECT_EQ(events("one_click_unsubscribe"), 0);
}

TEST_F(UnsubscribeTest, AMailToTheUnsubscribeAddressWithdrawsForTheSender) {
  send_first_step();
  auto from = core::Urn::parse("mailto:p1@Example.NL").take();
  auto r = service().withdraw_address(from, "imap:<abc@example.nl>");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_TRUE(*r);
  EXPECT_FALSE(*service().withdraw_address(from, "imap:<abc@example.nl>")) << "already withdrawn";
  EXPECT_FALSE(*service().withdraw_address(core::Urn::parse("mailto:stranger@example.nl").take(), "imap:x"));
  EXPECT_EQ(sql_text("SELECT action || ' ' || channel || ' ' || source FROM consent_events ORDER BY id DESC LIMIT 1"),
            "withdraw email unsubscribe_mailto");
  run(clock.now() + std::chrono::days(2));
  EXPECT_EQ(email.sends.size(), 1u);
}

}  // namespace
}  // namespace outreach::test
