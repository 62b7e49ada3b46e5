// The dispatcher's promises, on a ManualClock with FakeSenders: sequencing, send-time checks,
// rate limits, retries, fallbacks, opt-outs and the circuit breaker.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "channels/connector.h"
#include "engine/inbound.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/suppression_list.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;
using core::Millis;

const std::string kTwoSteps =
    "  - id: one\n    after: 0d\n    channels: [sms]\n    template: first\n"
    "  - id: two\n    after: 2d\n    unless: responded\n    channels: [sms]\n    template: second\n";

class Dispatch : public EngineTest {};

// --- Sequencing --------------------------------------------------------------------------------

TEST_F(Dispatch, SecondStepIsDueItsDelayAfterTheActualSendOfTheFirst) {
  auto a = person(1);
  // A window that opens at 12:00 makes step one go out three hours after the 09:00Z launch.
  launch(campaign_yaml("seq", kTwoSteps, "{days: [mon, tue, wed, thu, fri, sat, sun], hours: \"13:00-24:00\"}"));
  const auto t0 = clock.now();  // Monday 09:00Z = 10:00 CET
  run();
  ASSERT_EQ(sms.sends.size(), 2u);
  EXPECT_EQ(sms.sends[0].at, t0 + 3h) << "13:00 CET";
  EXPECT_EQ(sms.sends[1].at, sms.sends[0].at + 48h) << "two days after the actual send, not after launch";
  auto first = row(1, 0, a);
  EXPECT_EQ(first.status, storage::MessageStatus::sent);
  EXPECT_EQ(first.sent_at, t0 + 3h);
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::sent);
}

TEST_F(Dispatch, UnlessRespondedSkipsTheReminderAfterAReply) {
  auto a = person(1);
  auto b = person(2);
  launch(campaign_yaml("seq", kTwoSteps));
  run(clock.now() + 1h);  // step one to both
  ASSERT_EQ(sms.sends.size(), 2u);
  engine::InboundProcessor inbound(*db, clock, config, nullptr);
  auto r = inbound.handle("sms", {"SM-reply-1", core::Urn::parse(phone_of(1)).take(), "Wanneer belt u?", clock.now()});
  ASSERT_TRUE(r) << r.error().what();
  run();
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::skipped);
  EXPECT_EQ(row(1, 1, a).reason, "responded");
  EXPECT_EQ(row(1, 1, b).status, storage::MessageStatus::sent);
  EXPECT_EQ(sms.count_to(phone_of(1)), 1u);
  EXPECT_EQ(sms.count_to(phone_of(2)), 2u);
}

TEST_F(Dispatch, EveryRowEndsInAFinalStateWhateverHappens) {
  // A mix: good, do-not-contact later, permanent failures, transient then giving up, withdrawn.
  config.retry.max_attempts = 2;
  for (int i = 1; i <= 12; ++i) person(i, i % 3 != 0);
  launch(campaign_yaml("mix", "  - id: one\n    after: 0d\n    channels: [sms, email]\n    template: first\n"
                              "  - id: two\n    after: 1d\n    unless: responded\n    channels: [email, sms]\n    template: second\n"
                              "  - id: three\n    after: 1d\n    expires_after: 1h\n    channels: [sms]\n    template: second\n"));
  storage::ContactStore(*db).set_do_not_contact(4, true, "asked by phone").take();
  withdraw(5);
  sms.rule = [](const FakeSend& s) {
    if (s.to == phone_of(6)) return permanent_outcome();
    if (s.to == phone_of(7)) return transient_outcome();
    if (s.to == phone_of(8)) return opted_out_outcome();
    return sent_outcome();
  };
  email.rule = [](const FakeSend& s) {
    return s.to.find("p10@") != std::string::npos ? transient_outcome() : sent_outcome();
  };
  run();
  EXPECT_EQ(count_open(), 0) << "no waiting, queued or sending rows left";
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages"), 36);
  std::int64_t named = 0;
  for (const char* s : {"sent", "failed", "skipped", "expired", "suppressed", "unknown"}) named += count_status(s);
  EXPECT_EQ(named, 36);
}

// --- Send-time checks --------------------------------------------------------------------------

TEST_F(Dispatch, DoNotContactSetAfterLaunchSuppresses) {
  auto a = person(1);
  person(2);
  launch(campaign_yaml("dnc", one_step()));
  storage::ContactStore(*db).set_do_not_contact(a, true, "asked by phone").take();
  run();
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::suppressed);
  EXPECT_EQ(row(1, 0, a).reason, "do-not-contact");
  EXPECT_EQ(sms.count_to(phone_of(1)), 0u);
  EXPECT_EQ(sms.count_to(phone_of(2)), 1u);
}

TEST_F(Dispatch, StopAfterLaunchSuppressesTheLaterSteps) {
  auto a = person(1);
  launch(campaign_yaml("stop", "  - id: one\n    after: 0d\n    channels: [sms]\n    template: first\n"
                               "  - id: two\n    after: 2d\n    channels: [sms]\n    template: second\n"));
  run(clock.now() + 1h);
  ASSERT_EQ(sms.sends.size(), 1u);
  engine::InboundProcessor inbound(*db, clock, config, nullptr);
  ASSERT_TRUE(inbound.handle("sms", {"SM-stop", core::Urn::parse(phone_of(1)).take(), " stóp ", clock.now()}));
  run();
  EXPECT_EQ(sms.sends.size(), 1u);
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::suppressed);
  EXPECT_EQ(row(1, 1, a).reason, "consent withdrawn");
}

TEST_F(Dispatch, AMessageNotSentBeforeItsExpiryExpires) {
  auto a = person(1);
  // Due at launch (Monday 10:00 local) but the window opens only on Saturday; it expires after 1 day.
  launch(campaign_yaml("exp", one_step("[sms]", "    expires_after: 1d\n"), "{days: [sat], hours: \"09:00-20:00\"}"));
  run();
  EXPECT_TRUE(sms.sends.empty());
  auto r = row(1, 0, a);
  EXPECT_EQ(r.status, storage::MessageStatus::expired);
  EXPECT_EQ(count_open(), 0);
}

struct WindowCase {
  const char* name;
  core::TimePoint launch;    // due at once
  core::TimePoint expected;  // first instant inside mon-fri 09:00-20:00 Amsterdam
};

class SendWindowDispatch : public Dispatch, public ::testing::WithParamInterface<WindowCase> {};

TEST_P(SendWindowDispatch, ADueMessageOutsideTheWindowGoesOutWhenItOpens) {
  clock.set(GetParam().launch);
  person(1);
  launch(campaign_yaml("win", one_step(), "{days: [mon, tue, wed, thu, fri], hours: \"09:00-20:00\", timezone: Europe/Amsterdam}"));
  run();
  ASSERT_EQ(sms.sends.size(), 1u);
  EXPECT_EQ(core::format_utc(sms.sends[0].at), core::format_utc(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Amsterdam, SendWindowDispatch,
    ::testing::Values(
        // Saturday 2026-11-07 23:00 CET (22:00Z) -> Monday 09:00 CET (08:00Z).
        WindowCase{"saturday_night", utc(2026, 11, 7, 22), utc(2026, 11, 9, 8)},
        // Saturday 2026-10-24 23:30 CEST (21:30Z), clocks go back on Sunday -> Monday 09:00 CET = 08:00Z.
        WindowCase{"autumn_dst", utc(2026, 10, 24, 21, 30), utc(2026, 10, 26, 8)},
        // Saturday 2026-03-28 23:00 CET (22:00Z), clocks go forward on Sunday -> Monday 09:00 CEST = 07:00Z.
        WindowCase{"spring_dst", utc(2026, 3, 28, 22), utc(2026, 3, 30, 7)},
        // Friday 2026-11-06 20:00 CET exactly: the window is closed at its end -> Monday.
        WindowCase{"friday_close", utc(2026, 11, 6, 19), utc(2026, 11, 9, 8)}),
    [](const auto& info) { return std::string(info.param.name); });

// --- Rate limits -------------------------------------------------------------------------------

TEST_F(Dispatch, AChannelLimitedToTenPerSecondSendsTenAtOnceThenTenPerSecond) {
  config.channels["sms"].rate = engine::RateLimit{10, 10};
  for (int i = 1; i <= 50; ++i) person(i);
  launch(campaign_yaml("rate", one_step()));
  const auto t0 = clock.now();
  run();
  ASSERT_EQ(sms.sends.size(), 50u);
  std::map<long long, int> per_second;  // whole seconds after t0 -> sends
  for (const auto& s : sms.sends) {
    ASSERT_GE(s.at, t0);
    ++per_second[std::chrono::duration_cast<std::chrono::seconds>(s.at - t0).count()];
  }
  EXPECT_EQ(std::count_if(sms.sends.begin(), sms.sends.end(), [&](const FakeSend& s) { return s.at == t0; }), 10);
  // After the burst the bucket refills at 10/s: one send every 100 ms, 40 more within 4 s.
  for (std::size_t i = 10; i < sms.sends.size(); ++i) {
    EXPECT_EQ(sms.sends[i].at, t0 + Millis(100 * static_cast<long long>(i - 9))) << i;
  }
  EXPECT_EQ(per_second[0], 19);  // burst of 10 + 9 refills in the first second
  EXPECT_EQ(per_second[1], 10);
  EXPECT_EQ(per_second[2], 10);
  EXPECT_EQ(per_second[3], 10);
  EXPECT_EQ(per_second[4], 1);
  EXPECT_EQ(count_status("sent"), 50);
}

TEST_F(Dispatch, AnAccountLimitIsSharedByItsChannels) {
  config.channels["sms"].account = "twilio:AC1";
  config.channels["whatsapp"].account = "twilio:AC1";
  config.channels["sms"].rate = engine::RateLimit{5, 5};
  config.channels["whatsapp"].rate = engine::RateLimit{5, 5};
  // Five reachable by sms only, five by WhatsApp only; one step lists both channels.
  for (int i = 1; i <= 5; ++i) person(i, false, false);
  // No sms consent for these (never given; a withdrawal would be a STOP): WhatsApp is their only channel.
  for (int i = 6; i <= 10; ++i) person(i, false, true, "whatsapp");
  launch(campaign_yaml("acct", one_step("[whatsapp, sms]")));
  const auto t0 = clock.now();
  run();
  ASSERT_EQ(sms.sends.size() + whatsapp.sends.size(), 10u);
  int at_t0 = 0;
  for (const auto* s : {&sms, &whatsapp}) {
    for (const auto& x : s->sends) at_t0 += x.at == t0 ? 1 : 0;
  }
  EXPECT_EQ(at_t0, 5) << "each channel alone allows 5 at once, but the shared account only 5 in total";
  EXPECT_EQ(whatsapp.sends.size(), 5u);
  EXPECT_EQ(sms.sends.size(), 5u);
}

TEST_F(Dispatch, TheFrequencyCapDefersTheThirdMessageOfADay) {
  config.frequency_cap_messages = 2;
  config.frequency_cap_window = Millis(24h);
  auto a = person(1);
  const auto t0 = clock.now();
  launch(campaign_yaml("cap-a", one_step()));
  clock.advance(Millis(1h));
  launch(campaign_yaml("cap-b", one_step()));
  clock.advance(Millis(1h));
  launch(campaign_yaml("cap-c", one_step()));
  run();
  ASSERT_EQ(sms.sends.size(), 3u);
  EXPECT_EQ(sms.sends[0].at, t0 + 2h);  // the dispatcher first runs at t0 + 2h: a and b go out then
  EXPECT_EQ(sms.sends[1].at, t0 + 2h);
  EXPECT_EQ(sms.sends[2].at, t0 + 2h + 24h) << "the third waits until the first leaves the 24 h window";
  EXPECT_EQ(row(3, 0, a).status, storage::MessageStatus::sent);
}

// --- Retries, fallbacks, opt-outs ---------------------------------------------------------------

TEST_F(Dispatch, TransientErrorsRetryWithFullJitterBackoffThenFailWithTheReason) {
  config.retry = engine::RetryConfig{Millis(1000), Millis(60000), 4};
  auto a = person(1, false);
  sms.fallback = transient_outcome("503 service unavailable");
  launch(campaign_yaml("retry", one_step()));
  run();
  ASSERT_EQ(sms.sends.size(), 4u) << "max_attempts counts every attempt";
  for (std::size_t n = 1; n < sms.sends.size(); ++n) {
    const auto gap = sms.sends[n].at - sms.sends[n - 1].at;
    EXPECT_GE(gap, Millis(0));
    EXPECT_LE(gap, Millis(1000LL << (n - 1))) << "attempt " << n << ": within [0, base*2^(n-1)]";
  }
  auto r = row(1, 0, a);
  EXPECT_EQ(r.status, storage::MessageStatus::failed);
  EXPECT_EQ(r.attempts, 4);
  EXPECT_NE(r.reason.find("503 service unavailable"), std::string::npos) << r.reason;
  EXPECT_NE(r.reason.find("4 attempts"), std::string::npos) << r.reason;
}

TEST_F(Dispatch, RetryAfterIsHonoured) {
  auto a = person(1, false);
  sms.script = {transient_outcome("429 too many requests", Millis(30000)), sent_outcome()};
  launch(campaign_yaml("ra", one_step()));
  run();
  ASSERT_EQ(sms.sends.size(), 2u);
  EXPECT_EQ(sms.sends[1].at - sms.sends[0].at, Millis(30000)) << "jitter (<= 1 s) is below Retry-After";
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::sent);
  EXPECT_EQ(row(1, 0, a).attempts, 2);
}

TEST_F(Dispatch, APermanentSmsErrorFallsBackToEmailInTheSameClaim) {
  auto a = person(1);
  sms.fallback = permanent_outcome("21211 invalid 'To' number");
  launch(campaign_yaml("fb", one_step("[sms, email]")));
  const auto t0 = clock.now();
  run();
  ASSERT_EQ(sms.sends.size(), 1u);
  ASSERT_EQ(email.sends.size(), 1u);
  EXPECT_EQ(email.sends[0].at, t0) << "no second claim, no waiting";
  auto r = row(1, 0, a);
  EXPECT_EQ(r.status, storage::MessageStatus::sent);
  EXPECT_EQ(r.channel, "email");
  EXPECT_EQ(r.urn, "mailto:p1@example.nl");
  EXPECT_EQ(dispatcher().stats().claimed, 1u);
}

TEST_F(Dispatch, PermanentErrorsOnEveryChannelFailWithTheLastReason) {
  auto a = person(1);
  sms.fallback = permanent_outcome("21211 invalid number");
  email.fallback = permanent_outcome("550 no such mailbox");
  launch(campaign_yaml("fb2", one_step("[sms, email]")));
  run();
  auto r = row(1, 0, a);
  EXPECT_EQ(r.status, storage::MessageStatus::failed);
  EXPECT_NE(r.reason.find("550 no such mailbox"), std::string::npos) << r.reason;
}

TEST_F(Dispatch, AProviderOptOutWithdrawsConsentForThatChannelAndFails) {
  auto a = person(1);
  sms.fallback = opted_out_outcome("21610 attempt to send to unsubscribed recipient");
  launch(campaign_yaml("oo", one_step("[sms, email]")));
  run();
  auto r = row(1, 0, a);
  EXPECT_EQ(r.status, storage::MessageStatus::failed);
  EXPECT_NE(r.reason.find("21610"), std::string::npos);
  EXPECT_TRUE(email.sends.empty()) << "an opt-out is not a reason to try the next channel";
  storage::ConsentLedger ledger(*db);
  EXPECT_FALSE(ledger.has_consent(a, "outreach", "sms"));
  EXPECT_TRUE(ledger.has_consent(a, "outreach", "email"));
  // The number stays suppressed, even if it turns up again for someone else; the e-mail address not.
  storage::SuppressionList suppressions(*db, config.suppression_key);
  auto entry = suppressions.find(core::Urn::parse(phone_of(1)).take()).take();
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->reason, "opted_out");
  EXPECT_FALSE(suppressions.contains_any({core::Urn::parse("mailto:p1@example.nl").take()}).take());
}

TEST_F(Dispatch, AnOpenCircuitFallsBackToTheNextChannelAndAHalfOpenProbeClosesIt) {
  config.circuit.failure_threshold = 3;
  config.circuit.cool_down = Millis(30000);
  for (int i = 1; i <= 6; ++i) person(i);
  sms.script = {transient_outcome(), transient_outcome(), transient_outcome()};  // then healthy
  launch(campaign_yaml("cb", one_step("[sms, email]")));
  const auto t0 = clock.now();
  run(t0);
  // Three failures open the circuit; the other three go by e-mail at once.
  EXPECT_EQ(sms.sends.size(), 3u);
  EXPECT_GE(email.sends.size(), 3u);
  for (int i = 4; i <= 6; ++i) EXPECT_EQ(email.sends[static_cast<std::size_t>(i - 4)].at, t0);
  // The three to retry find the circuit open and go by e-mail too (retries are due within 1 s).
  run(t0 + 2s);
  EXPECT_EQ(sms.sends.size(), 3u);
  EXPECT_EQ(email.sends.size(), 6u);
  EXPECT_EQ(count_status("sent"), 6);
  // After the cool-down a new campaign probes sms; the probe succeeds and closes the circuit.
  clock.set(t0 + 31s);
  launch(campaign_yaml("cb2", one_step("[sms, email]")));
  run();
  EXPECT_EQ(sms.sends.size(), 3u + 6u) << "probe, then the closed circuit carries the rest";
  EXPECT_EQ(email.sends.size(), 6u);
}

TEST_F(Dispatch, AnOpenCircuitWithoutFallbackWaitsForTheCoolDown) {
  config.circuit.failure_threshold = 2;
  config.circuit.cool_down = Millis(30000);
  config.retry.max_attempts = 10;
  for (int i = 1; i <= 3; ++i) person(i, false);
  sms.script = {transient_outcome(), transient_outcome()};
  launch(campaign_yaml("cbw", one_step("[sms]")));
  const auto t0 = clock.now();
  run();
  ASSERT_EQ(sms.sends.size(), 5u);
  EXPECT_EQ(sms.sends[0].at, t0);
  EXPECT_EQ(sms.sends[1].at, t0);
  // The third contact and both retries wait for the end of the cool-down, not later.
  for (std::size_t i = 2; i < 5; ++i) EXPECT_EQ(sms.sends[i].at, t0 + 30s) << i;
  EXPECT_EQ(count_status("sent"), 3);
}

// --- No blocking -------------------------------------------------------------------------------

TEST_F(Dispatch, ASlowProviderDoesNotHoldBackAFastOne) {
  sms.deferred = true;
  email.deferred = true;
  auto a = person(1, false);  // sms only
  std::int64_t b = 0;
  {
    storage::Contact c;
    c.name = "Mail Only";
    c.municipality = "GM0599";
    c.addresses.push_back({core::Urn::parse("mailto:m@example.nl").take()});
    b = storage::ContactStore(*db).add(c, clock.now()).take();
    grant(b);
  }
  launch(campaign_yaml("slow", one_step("[sms, email]")));
  dispatcher().run_due(clock.now());
  ASSERT_EQ(sms.pending.size(), 1u);
  ASSERT_EQ(email.pending.size(), 1u);
  email.complete_all();  // the fast provider answers; sms hangs on
  clock.advance(Millis(500));
  dispatcher().run_due(clock.now());
  EXPECT_EQ(row(1, 0, b).status, storage::MessageStatus::sent) << "committed while sms is still in flight";
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::sending);
  sms.complete_all();
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::sent);
}

// It may have reached the provider: never sent again by the engine, whatever happens next.
TEST_F(Dispatch, AnAmbiguousAnswerMakesTheRowUnknownAndIsNeverRetried) {
  auto a = person(1);
  sms.script.push_back({channels::SendVerdict::ambiguous, {}, "twilio 502: HTTP 502", std::nullopt});
  launch(campaign_yaml("amb", one_step("[sms, email]") + "  - id: two\n    after: 1d\n    channels: [sms]\n    template: second\n"));
  run(clock.now() + 30 * 24h);
  EXPECT_EQ(sms.sends.size(), 1u);
  EXPECT_EQ(email.sends.size(), 0u) << "no fallback either: the person may have the SMS";
  auto r = row(1, 0, a);
  EXPECT_EQ(r.status, storage::MessageStatus::unknown);
  EXPECT_EQ(r.reason, "ambiguous: twilio 502: HTTP 502");
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::waiting);
  EXPECT_EQ(dispatcher().stats().unknown, 1u);
}

// After a kill -9 few rows should stay `sending` whose answer had come back: an outcome is
// committed within Dispatcher::kCommitInterval of arriving, while other sends are still out.
TEST_F(Dispatch, OutcomesAreCommittedWithinTheCommitIntervalWhileOthersAreInFlight) {
  sms.deferred = true;
  auto a = person(1, false), b = person(2, false), c = person(3, false);
  launch(campaign_yaml("commit", one_step("[sms]")));
  dispatcher().run_due(clock.now());
  ASSERT_EQ(sms.pending.size(), 3u);
  const auto t0 = clock.now();
  sms.complete_next();  // a answers; b and c are still out
  EXPECT_EQ(dispatcher().flush_due(), t0 + engine::Dispatcher::kCommitInterval);
  // The live scheduler's timer fires by then even though nothing else happens.
  EXPECT_LE(engine::timer_wait({.now = t0, .next_due = std::nullopt, .flush_due = dispatcher().flush_due(),
                                .in_flight = dispatcher().in_flight(), .max_idle_poll = Millis(5000)}),
            engine::Dispatcher::kCommitInterval);
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::sending) << "buffered for the group commit";
  clock.advance(engine::Dispatcher::kCommitInterval);
  sms.complete_next();  // b's answer arrives when a's is due: both are committed
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::sent);
  EXPECT_EQ(row(1, 0, b).status, storage::MessageStatus::sent);
  EXPECT_FALSE(dispatcher().flush_due().has_value());
  clock.advance(Millis(30));
  sms.complete_next();  // the last one: nothing else in flight, committed at once
  EXPECT_EQ(row(1, 0, c).status, storage::MessageStatus::sent);
}

TEST_F(Dispatch, WhileSendsAreOutTheSchedulerLooksAtLeastEveryCommitInterval) {
  const auto t0 = clock.now();
  auto wait = [&](std::size_t in_flight, std::optional<core::TimePoint> due, std::optional<core::TimePoint> flush) {
    return engine::timer_wait({.now = t0, .next_due = due, .flush_due = flush, .in_flight = in_flight,
                               .max_idle_poll = Millis(5000)});
  };
  EXPECT_EQ(wait(0, std::nullopt, std::nullopt), Millis(5000));
  EXPECT_EQ(wait(0, t0 + Millis(700), std::nullopt), Millis(700));
  EXPECT_EQ(wait(3, std::nullopt, std::nullopt), engine::Dispatcher::kCommitInterval);
  EXPECT_EQ(wait(3, std::nullopt, t0 + Millis(40)), Millis(40));
  EXPECT_EQ(wait(0, std::nullopt, t0 - Millis(5)), Millis(0));
}

TEST_F(Dispatch, LeasesOfACrashedPredecessorRunOutWhileTheEngineRuns) {
  auto a = person(1);
  launch(campaign_yaml("crash", one_step()));
  // A previous process claimed the row and died.
  storage::Outbox(*db).claim_due(clock.now(), 10, clock.now() + config.lease).take();
  run(clock.now() + 1s);
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::sending) << "lease still running";
  clock.advance(config.lease + 1s);
  dispatcher().run_due(clock.now());
  EXPECT_EQ(row(1, 0, a).status, storage::MessageStatus::unknown);
  EXPECT_TRUE(sms.sends.empty()) << "never resent by itself";
}

}  // namespace
}  // namespace outreach::test

namespace outreach::test {
namespace {

TEST_F(Dispatch, WhatsAppGetsTheStepsApprovedTemplateWithItsParametersFilled) {
  auto a = person(7, /*with_email=*/false, /*with_whatsapp=*/true);
  launch(campaign_yaml("wa", one_step("[whatsapp, sms]",
                                      "    whatsapp_template: {name: herstel_eerste_contact, "
                                      "params: [first_name, municipality_name, sender]}\n")));
  run();
  ASSERT_EQ(whatsapp.sends.size(), 1u);
  EXPECT_EQ(whatsapp.sends[0].template_name, "herstel_eerste_contact");
  EXPECT_EQ(whatsapp.sends[0].template_params, (std::vector<std::string>{"Persoon", "Gemeente GM0599", "Herstelteam"}));
  EXPECT_NE(whatsapp.sends[0].text.find("Beste Persoon 7"), std::string::npos) << "the text still goes along";
  EXPECT_EQ(row(1, 0, a).channel, "whatsapp");
}

}  // namespace
}  // namespace outreach::test
