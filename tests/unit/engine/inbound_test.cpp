// The one path of every inbound message: keywords act on consent, JA opens a case, duplicates
// and unknown senders are recorded once and change nothing else.
#include <gtest/gtest.h>

#include "engine/inbound.h"
#include "engine/message_composer.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;

class Inbound : public EngineTest {
 protected:
  // One contact who got the first message of a campaign that asks for "share".
  std::int64_t contacted() {
    auto a = person(1);
    launch(campaign_yaml("inb", one_step()));
    run();
    EXPECT_EQ(sms.sends.size(), 1u);
    return a;
  }
  core::Result<engine::InboundResult> reply(const std::string& id, const std::string& text,
                                            const std::string& from = phone_of(1)) {
    engine::InboundProcessor inbound(*db, clock, config, &sms);
    return inbound.handle("sms", {id, core::Urn::parse(from).take(), text, clock.now()});
  }
  bool has(std::int64_t contact, const std::string& purpose, const std::string& channel = "sms") {
    return storage::ConsentLedger(*db).has_consent(contact, purpose, channel);
  }
};

TEST_F(Inbound, StopInAnyCaseOrWithAccentsWithdrawsConsent) {
  for (const char* text : {"STOP", "stop", " stóp ", "Stop!", "STÓP"}) {
    EXPECT_EQ(engine::classify_keyword(text, config), engine::Keyword::stop) << text;
  }
  EXPECT_EQ(engine::classify_keyword("please stop calling at night", config), engine::Keyword::none);
  auto a = contacted();
  ASSERT_TRUE(has(a, "outreach"));
  auto r = reply("SM1", " stóp ");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->keyword, engine::Keyword::stop);
  EXPECT_EQ(r->consent_change, "withdrew outreach");
  EXPECT_FALSE(has(a, "outreach", "sms"));
  EXPECT_FALSE(has(a, "outreach", "email"));
  EXPECT_FALSE(r->reply_text.empty()) << "a STOP is confirmed";
  EXPECT_EQ(sms.sends.back().text, r->reply_text);
}

TEST_F(Inbound, StartUndoesAStop) {
  auto a = contacted();
  ASSERT_TRUE(reply("SM1", "STOP"));
  ASSERT_FALSE(has(a, "outreach"));
  auto r = reply("SM2", "start");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->keyword, engine::Keyword::undo);
  EXPECT_TRUE(has(a, "outreach"));
}

TEST_F(Inbound, JaGrantsSharingWithTheMunicipalityAndOpensOneCase) {
  auto a = contacted();
  auto r = reply("SM1", "Ja");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->keyword, engine::Keyword::yes);
  EXPECT_EQ(r->consent_change, "granted share:GM0599");
  EXPECT_TRUE(has(a, "share:GM0599"));
  EXPECT_FALSE(has(a, "share:GM0606"));
  ASSERT_TRUE(r->case_id.has_value());
  EXPECT_EQ(r->reply_text, "Dank u. Wij geven uw naam en nummer door aan de gemeente Gemeente GM0599. Zij nemen contact met u op.");
  EXPECT_EQ(sms.sends.back().text, r->reply_text) << "the JA is confirmed on its own channel";
  auto cases = storage::CaseStore(*db).for_contact(a);
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].id, *r->case_id);
  // The provider delivers the same webhook again: nothing new.
  auto again = reply("SM1", "Ja");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(storage::CaseStore(*db).for_contact(a).size(), 1u);
}

TEST_F(Inbound, ADuplicateProviderMessageIdIsRecordedOnce) {
  auto a = contacted();
  ASSERT_TRUE(reply("SM7", "STOP"));
  ASSERT_TRUE(reply("SM8", "START"));
  auto dup = reply("SM7", "STOP");
  ASSERT_TRUE(dup);
  EXPECT_TRUE(dup->duplicate);
  EXPECT_TRUE(dup->consent_change.empty());
  EXPECT_TRUE(has(a, "outreach")) << "the replayed STOP must not undo the later START";
  EXPECT_EQ(storage::ResponseStore(*db).count(), 2);
  EXPECT_EQ(sql_int("SELECT count(*) FROM responses WHERE provider_message_id = 'SM7'"), 1);
}

TEST_F(Inbound, AnUnknownSenderIsRecordedWithoutConsentChanges) {
  auto a = contacted();
  const auto events = sql_int("SELECT count(*) FROM consent_events");
  auto r = reply("SM9", "STOP", "tel:+31687654321");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_FALSE(r->duplicate);
  EXPECT_FALSE(r->contact_id.has_value());
  EXPECT_TRUE(r->consent_change.empty());
  EXPECT_EQ(storage::ResponseStore(*db).count(), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events"), events);
  EXPECT_TRUE(has(a, "outreach"));
}

// --- The suppression list ----------------------------------------------------------------------

TEST_F(Inbound, StopPutsEveryAddressOfThePersonOnTheSuppressionListAndStartLiftsIt) {
  auto a = contacted();
  storage::SuppressionList suppressions(*db, config.suppression_key);
  const auto phone = core::Urn::parse(phone_of(1)).take();
  const auto mail = core::Urn::parse("mailto:p1@example.nl").take();
  ASSERT_TRUE(reply("SM1", "STOP"));
  EXPECT_EQ(suppressions.find(phone).take()->reason, "opted_out");
  EXPECT_EQ(suppressions.find(mail).take()->reason, "opted_out") << "every address, not only the one that said STOP";
  ASSERT_TRUE(reply("SM2", "START"));
  EXPECT_TRUE(has(a, "outreach"));
  EXPECT_FALSE(suppressions.contains_any({phone, mail}).take());
}

TEST_F(Inbound, StartNeverLiftsAnErasureEntry) {
  auto a = contacted();
  storage::SuppressionList suppressions(*db, config.suppression_key);
  // The e-mail address was an erased person's before Persoon 1 got it.
  suppressions.add({core::Urn::parse("mailto:p1@example.nl").take()}, "erased", clock.now()).take();
  ASSERT_TRUE(reply("SM1", "STOP"));
  ASSERT_TRUE(reply("SM2", "START"));
  EXPECT_TRUE(has(a, "outreach"));
  EXPECT_FALSE(suppressions.contains_any({core::Urn::parse(phone_of(1)).take()}).take());
  EXPECT_EQ(suppressions.find(core::Urn::parse("mailto:p1@example.nl").take()).take()->reason, "erased");
}

TEST_F(Inbound, AnErasedPersonWritingAgainIsNotRelinkedAndLeavesNoText) {
  auto a = contacted();
  ASSERT_TRUE(reply("SM1", "STOP"));
  storage::SuppressionList suppressions(*db, config.suppression_key);
  ASSERT_TRUE(storage::ContactStore(*db).erase(a, suppressions, clock.now()));
  const auto sends = sms.sends.size();
  const auto contacts = sql_int("SELECT count(*) FROM contacts");

  auto ja = reply("SM2", "Ja, bel me op 06-12345678. Anna");
  ASSERT_TRUE(ja) << ja.error().what();
  EXPECT_FALSE(ja->contact_id.has_value());
  EXPECT_TRUE(ja->reply_text.empty());
  auto help = reply("SM3", "HULP");
  ASSERT_TRUE(help);
  EXPECT_TRUE(help->reply_text.empty()) << "nothing but a STOP is answered";
  EXPECT_EQ(sms.sends.size(), sends);

  auto stop = reply("SM4", "stop");
  ASSERT_TRUE(stop) << stop.error().what();
  EXPECT_EQ(stop->keyword, engine::Keyword::stop);
  EXPECT_EQ(stop->reply_text, "U bent afgemeld en krijgt geen berichten meer van ons. Toch weer berichten? Stuur START.");
  EXPECT_EQ(sms.sends.size(), sends + 1);
  EXPECT_TRUE(reply("SM4", "stop")->duplicate) << "a repeated webhook is one message, confirmed once";
  EXPECT_EQ(sms.sends.size(), sends + 1);
  // START from the erased person's number lifts nothing.
  ASSERT_TRUE(reply("SM5", "START"));
  EXPECT_EQ(suppressions.find(core::Urn::parse(phone_of(1)).take()).take()->reason, "erased_after_opt_out");

  EXPECT_EQ(sql_int("SELECT count(*) FROM contacts"), contacts);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_urns"), 0);
  // The four after the erasure: counted, with neither text, address, contact nor provider id.
  EXPECT_EQ(sql_int("SELECT count(*) FROM responses WHERE contact_id IS NULL"), 4);
  EXPECT_EQ(sql_int("SELECT count(*) FROM responses WHERE text <> '' OR urn <> '' "
                    "OR provider_message_id IN ('SM1', 'SM2', 'SM3', 'SM4', 'SM5')"),
            0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events"), 0);
}

// A send whose answer was lost (ambiguous, or a crash before the commit) is `unknown`; the
// provider's status callback carries our reference and settles it, and the next step follows.
TEST_F(Inbound, AStatusCallbackWithOurReferenceSettlesAnUnknownRowAndTheNextStepFollows) {
  auto a = person(1);
  sms.script.push_back({channels::SendVerdict::ambiguous, {}, "twilio: no answer after the request was sent: timed out",
                        std::nullopt});
  launch(campaign_yaml("ref", one_step("[sms]") + "  - id: two\n    after: 2d\n    channels: [sms]\n    template: second\n"));
  run(clock.now());
  ASSERT_EQ(sms.sends.size(), 1u);
  ASSERT_EQ(row(1, 0, a).status, storage::MessageStatus::unknown);
  EXPECT_EQ(row(1, 0, a).reason, "ambiguous: twilio: no answer after the request was sent: timed out");
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::waiting) << "later steps wait for the decision";

  engine::InboundProcessor inbound(*db, clock, config, &sms);
  channels::StatusUpdate someone_else{.provider_id = "SMx", .state = channels::DeliveryState::delivered,
                                      .client_ref = "c1-s0-k" + std::to_string(a + 1)};
  EXPECT_FALSE(inbound.handle_status("sms", someone_else).take());
  channels::StatusUpdate garbage{.provider_id = "SMy", .state = channels::DeliveryState::delivered,
                                 .client_ref = "reply-17"};
  EXPECT_FALSE(inbound.handle_status("sms", garbage).take());
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::unknown);

  channels::StatusUpdate report{.provider_id = "SM42", .state = channels::DeliveryState::delivered,
                                .client_ref = sms.sends[0].client_ref};
  EXPECT_TRUE(inbound.handle_status("sms", report).take());
  auto settled = row(1, 0, a);
  EXPECT_EQ(settled.status, storage::MessageStatus::delivered);
  EXPECT_EQ(settled.provider_id, "SM42");
  EXPECT_EQ(settled.reason,
            "settled by a status callback (was unknown: ambiguous: twilio: no answer after the request was sent: timed out)");
  // Later reports find it by the provider id as usual; the reminder is due two days on.
  report.state = channels::DeliveryState::read;
  report.client_ref.clear();
  EXPECT_TRUE(inbound.handle_status("sms", report).take());
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::read);
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::queued);
  run();
  EXPECT_EQ(sms.sends.size(), 2u);
  EXPECT_EQ(sms.sends[1].client_ref, "c1-s1-k" + std::to_string(a));
}

// A status callback never resurrects a row that is not `unknown` by reference: a failed row
// stays failed, a queued retry stays queued.
TEST_F(Inbound, AReferenceOnlySettlesUnknownRows) {
  auto a = person(1);
  sms.script.push_back(permanent_outcome());
  launch(campaign_yaml("ref2", one_step("[sms]")));
  run();
  ASSERT_EQ(row(1, 0, a).status, storage::MessageStatus::failed);
  engine::InboundProcessor inbound(*db, clock, config, &sms);
  channels::StatusUpdate report{.provider_id = "SM1", .state = channels::DeliveryState::delivered,
                                .client_ref = sms.sends[0].client_ref};
  EXPECT_FALSE(inbound.handle_status("sms", report).take());
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::failed);
}

TEST(ClientRef, RoundTripsAndRefusesAnythingElse) {
  EXPECT_EQ(engine::make_client_ref({12, 1, 345}), "c12-s1-k345");
  auto r = engine::parse_client_ref("c12-s1-k345");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->campaign_id, 12);
  EXPECT_EQ(r->step, 1);
  EXPECT_EQ(r->contact_id, 345);
  for (const char* bad : {"", "c", "c1-s1-k", "c1-s-k1", "c01-s1-k1", "c1-s1-k1x", "reply-1", "digest-x", "c1-k1-s1",
                          "c-1-s1-k1", "c99999999999999999999-s1-k1"}) {
    EXPECT_FALSE(engine::parse_client_ref(bad)) << bad;
  }
}

}  // namespace
}  // namespace outreach::test
