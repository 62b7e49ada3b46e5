// The one path of every inbound message: keywords act on consent, JA opens a case, duplicates
// and unknown senders are recorded once and change nothing else.
#include <gtest/gtest.h>

#include "engine/inbound.h"
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

}  // namespace
}  // namespace outreach::test
