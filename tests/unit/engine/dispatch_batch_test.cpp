// The dispatcher reads a claimed batch's people at once (engine::load_people_now): every message of
// the batch is still decided on its own person's facts as they stand when it is handed to its
// channel, including what an earlier send of the same batch changed.
#include <gtest/gtest.h>

#include <string>

#include "engine/audience_source.h"
#include "engine/inbound.h"
#include "storage/contact_store.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;

class DispatchBatch : public EngineTest {
 protected:
  // A person in GM0599 speaking `language`, with a phone and an e-mail address and consent on
  // `consent_channel`.
  std::int64_t speaker(int n, const std::string& language, const std::string& consent_channel = "*") {
    storage::Contact c;
    c.name = "Persoon " + std::to_string(n);
    c.language = language;
    c.municipality = "GM0599";
    c.addresses.push_back({core::Urn::parse(phone_of(n)).take()});
    c.addresses.push_back({core::Urn::parse("mailto:p" + std::to_string(n) + "@example.nl").take()});
    auto id = storage::ContactStore(*db).add(c, clock.now()).take();
    grant(id, consent_channel);
    return id;
  }
};

TEST_F(DispatchBatch, EveryPersonOfOneClaimIsDecidedOnTheirOwnFacts) {
  std::vector<std::int64_t> ids;
  for (int i = 1; i <= 6; ++i) ids.push_back(person(i, false));
  launch(campaign_yaml("batch", one_step()));
  // After launch, before the claim: a STOP, a do-not-contact, a suppressed address.
  engine::InboundProcessor inbound(*db, clock, config, nullptr);
  ASSERT_TRUE(inbound.handle("sms", {"SM-stop-2", core::Urn::parse(phone_of(2)).take(), "STOP", clock.now()}));
  storage::ContactStore(*db).set_do_not_contact(ids[2], true, "asked by phone").take();
  storage::SuppressionList(*db, config.suppression_key)
      .add({core::Urn::parse(phone_of(4)).take()}, "opted_out", clock.now())
      .take();
  run();
  EXPECT_EQ(dispatcher().stats().claimed, 6u) << "one claim holds them all";
  EXPECT_EQ(sms.count_to(phone_of(1)), 1u);
  EXPECT_EQ(sms.count_to(phone_of(2)), 0u) << "STOP before the send";
  EXPECT_EQ(sms.count_to(phone_of(3)), 0u) << "do-not-contact";
  EXPECT_EQ(sms.count_to(phone_of(4)), 0u) << "suppressed address";
  EXPECT_EQ(sms.count_to(phone_of(5)), 1u);
  EXPECT_EQ(sms.count_to(phone_of(6)), 1u);
  EXPECT_EQ(row(1, 0, ids[1]).status, storage::MessageStatus::suppressed);
  EXPECT_EQ(row(1, 0, ids[2]).reason, "do-not-contact");
  EXPECT_EQ(row(1, 0, ids[3]).status, storage::MessageStatus::suppressed);
}

TEST_F(DispatchBatch, AStopWhileTheFirstAttemptIsOutSuppressesTheRetry) {
  auto a = person(1, false);
  launch(campaign_yaml("retry", one_step()));
  sms.deferred = true;
  sms.script = {transient_outcome("503 busy", core::Millis(1000))};
  EXPECT_EQ(dispatcher().run_due(clock.now()), 1);
  ASSERT_EQ(sms.sends.size(), 1u);
  // The answer is still out when the person says STOP.
  engine::InboundProcessor inbound(*db, clock, config, nullptr);
  ASSERT_TRUE(inbound.handle("sms", {"SM-stop-1", core::Urn::parse(phone_of(1)).take(), "STOP", clock.now()}));
  sms.complete_all();
  dispatcher().flush();
  sms.deferred = false;
  run();
  EXPECT_EQ(sms.sends.size(), 1u) << "the retry was not sent";
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::suppressed);
  EXPECT_EQ(row(1, 0, a).reason, "consent withdrawn");
}

TEST_F(DispatchBatch, AProviderOptOutInABatchHoldsForThatPersonsNextMessageInTheSameBatch) {
  auto a = person(1);
  person(2);
  launch(campaign_yaml("one", one_step("[sms, email]")));
  launch(campaign_yaml("two", one_step("[sms, email]")));
  // The provider says person 1 unsubscribed at the first SMS; the answer comes at once, within
  // the claim that also holds person 1's message of the second campaign.
  sms.rule = [](const FakeSend& s) { return s.to == phone_of(1) ? opted_out_outcome() : sent_outcome(); };
  run();
  EXPECT_EQ(dispatcher().stats().claimed, 4u);
  EXPECT_EQ(sms.count_to(phone_of(1)), 1u) << "no second SMS after the opt-out";
  EXPECT_EQ(sms.count_to(phone_of(2)), 2u);
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::failed);
  // The opt-out put the address on the suppression list, which stops every message to them.
  const auto second = row(2, 0, a);
  EXPECT_EQ(second.status, storage::MessageStatus::suppressed) << second.reason;
  EXPECT_EQ(email.count_to("mailto:p1@example.nl"), 0u);
}

TEST_F(DispatchBatch, ABatchMixingChannelsAndLanguagesRendersEachRight) {
  auto nl = speaker(1, "nl");
  auto en = speaker(2, "en", "email");  // no SMS consent: e-mail
  auto tr = speaker(3, "tr");           // no Turkish text: Dutch
  launch(campaign_yaml("mixed", one_step("[sms, email]")));
  run();
  ASSERT_EQ(sms.sends.size(), 2u);
  ASSERT_EQ(email.sends.size(), 1u);
  EXPECT_EQ(sms.sends[0].to, phone_of(1));
  EXPECT_EQ(sms.sends[0].text, "Beste Persoon 1, hulp van Gemeente GM0599. Herstelteam. Stuur STOP.");
  EXPECT_EQ(sms.sends[0].language, "nl");
  EXPECT_EQ(email.sends[0].to, "mailto:p2@example.nl");
  EXPECT_EQ(email.sends[0].text, "Dear Persoon 2, help from Gemeente GM0599. Herstelteam. Send STOP.");
  EXPECT_EQ(email.sends[0].language, "en");
  EXPECT_EQ(sms.sends[1].to, phone_of(3));
  EXPECT_EQ(sms.sends[1].text, "Beste Persoon 3, hulp van Gemeente GM0599. Herstelteam. Stuur STOP.");
  EXPECT_EQ(sms.sends[1].language, "nl");
  for (auto id : {nl, en, tr}) EXPECT_EQ(row(1, 0, id).status, storage::MessageStatus::sent);
}

TEST_F(DispatchBatch, PeopleNowReadsManyInOneGoAndLeavesOutUnknownIds) {
  auto a = person(1);
  auto b = person(2);
  withdraw(b);
  storage::Response r;
  r.contact_id = a;
  r.channel = "sms";
  r.urn = phone_of(1);
  r.provider_message_id = "SM-r1";
  r.text = "JA";
  r.received_at = clock.now();
  ASSERT_TRUE(storage::ResponseStore(*db).record(r));
  storage::SuppressionList list(*db, config.suppression_key);
  auto people = engine::load_people_now(*db, {a, b, 999}, &list).take();
  ASSERT_EQ(people.size(), 2u) << "999 is no contact";
  EXPECT_EQ(people.at(a).last_response, clock.now());
  EXPECT_FALSE(people.at(b).last_response);
  campaigns::Campaign campaign;
  campaign.consent_purpose = "outreach";
  const auto kinds = engine::channel_kinds(config);
  auto ca = engine::candidate_of(people.at(a), campaign, kinds, clock.now() - 1h);
  EXPECT_TRUE(ca.responded);
  EXPECT_FALSE(engine::candidate_of(people.at(a), campaign, kinds, clock.now() + 1h).responded)
      << "a response before `since` does not count";
  EXPECT_EQ(ca.blocked, campaigns::Refusal::none);
  EXPECT_TRUE(ca.consented_channels.count("sms"));
  auto cb = engine::candidate_of(people.at(b), campaign, kinds, clock.now());
  EXPECT_NE(cb.blocked, campaigns::Refusal::none) << "withdrawn consent blocks";
  EXPECT_TRUE(cb.consented_channels.empty());
  // The single-person loader is the same reader.
  auto one = engine::load_candidate(*db, campaign, kinds, &list, b, clock.now()).take();
  EXPECT_EQ(one.blocked, cb.blocked);
  EXPECT_EQ(one.opted_out, cb.opted_out);
}

}  // namespace
}  // namespace outreach::test
