// Follow-ups: "did it help?" once per case (engine/followup_job.h, engine/followup_answers.h,
// services/followups.h), on a manual clock.
#include "engine/followup_job.h"

#include <gtest/gtest.h>

#include "engine/followup_answers.h"
#include "engine/followup_message.h"
#include "engine/inbound.h"
#include "services/followups.h"
#include "services/case_desk.h"
#include "storage/case_store.h"
#include "storage/followup_store.h"
#include "storage/municipality_store.h"
#include "storage/notice_queue.h"
#include "storage/response_store.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class FollowupTest : public EngineTest {
 protected:
  FollowupTest() {
    storage::MunicipalityStore(*db).upsert({"GM0599", "Rotterdam", "rijnmond"}).take();
    storage::MunicipalityStore(*db).upsert({"GM0606", "Schiedam", "rijnmond"}).take();
    config.owner_notifications["GM0599"] = {"https://zaken.rotterdam.example/hook", "0123456789abcdef0123", true};
    config.owner_notifications["rijnmond-hub"] = {"https://hub.example/hook", "0123456789abcdef0123", true};
  }

  // Person 1 said JA by SMS (their last used channel) and has an open case at Rotterdam.
  std::int64_t person_with_case() {
    contact_ = person(1);
    storage::Response r;
    r.contact_id = contact_;
    r.channel = "sms";
    r.urn = phone_of(1);
    r.provider_message_id = "in-1";
    r.text = "JA";
    r.keyword = "yes";
    r.received_at = clock.now();
    storage::ResponseStore(*db).record(r).take();
    return storage::CaseStore(*db).open(contact_, "GM0599", std::nullopt, clock.now(), clock.now() + std::chrono::hours(120),
                                        "test").take();
  }
  services::Actor rotterdam() { return actor_as("rotterdam", PrincipalKind::municipality, "GM0599"); }
  void close(std::int64_t case_id) {
    services::CaseDesk desk(*db, clock, config);
    ASSERT_TRUE(desk.change(rotterdam(), case_id, {.status = "acknowledged"}));
    auto closed = desk.change(rotterdam(), case_id, {.status = "closed", .outcome = "helped", .note = "geholpen"});
    ASSERT_TRUE(closed) << closed.error().what();
  }
  engine::FollowupJob& job() {
    if (!job_) job_ = std::make_unique<engine::FollowupJob>(*db, clock, config,
                                                             std::map<std::string, engine::Sender*>{{"sms", &sms}, {"email", &email}});
    return *job_;
  }
  // Runs the job at every due time up to `until` on the manual clock.
  void run_followups_until(core::TimePoint until) {
    for (int i = 0; i < 100; ++i) {
      job().run_due(clock.now());
      auto next = storage::FollowupStore(*db).next_due();
      if (!next || *next > until) break;
      if (*next > clock.now()) clock.set(*next);
    }
    clock.set(std::max(clock.now(), until));
    job().run_due(clock.now());
  }
  engine::InboundResult reply(const std::string& text) {
    engine::InboundProcessor inbound(*db, clock, config, &sms);
    auto r = inbound.handle("sms", {"reply-" + std::to_string(++seq_), core::Urn::parse(phone_of(1)).take(), text, clock.now()});
    EXPECT_TRUE(r) << (r ? "" : r.error().what());
    return r ? *r : engine::InboundResult{};
  }
  storage::Followup followup_of(std::int64_t case_id) { return *storage::FollowupStore(*db).for_case(case_id); }
  std::size_t followup_sends() {
    std::size_t n = 0;
    for (const auto& s : sms.sends) n += s.client_ref.rfind("followup-", 0) == 0 ? 1 : 0;
    return n;
  }

  std::int64_t contact_ = 0;
  int seq_ = 0;
  std::unique_ptr<engine::FollowupJob> job_;
};

TEST_F(FollowupTest, AClosedCaseGetsExactlyOneFollowup) {
  auto case_id = person_with_case();
  close(case_id);
  // A second trigger adds nothing: one follow-up per case.
  auto c = storage::CaseStore(*db).get(case_id).take();
  ASSERT_TRUE(services::schedule_followup_on_close(*db, config, c, clock.now()));
  EXPECT_EQ(sql_int("SELECT count(*) FROM followups"), 1);

  run_followups_until(clock.now() + std::chrono::hours(23));
  EXPECT_EQ(followup_sends(), 0u) << "asked a day after closing, not before";
  run_followups_until(clock.now() + std::chrono::hours(24 * 30));
  ASSERT_EQ(followup_sends(), 1u);
  EXPECT_EQ(sms.sends.back().to, phone_of(1));
  EXPECT_EQ(sms.sends.back().text,
            "Herstelteam: Voelt u zich geholpen door uw gemeente Rotterdam? Antwoord met een cijfer van 1 (helemaal "
            "niet) tot 5 (heel erg). U mag er ook iets bij schrijven. Geen berichten meer? Stuur STOP.");
  auto f = followup_of(case_id);
  EXPECT_EQ(f.status, "sent");
  EXPECT_EQ(f.reason, "closed");
  EXPECT_EQ(f.channel, "sms");
  EXPECT_FALSE(f.provider_id.empty());
}

TEST_F(FollowupTest, AReplyOfOneReopensTheCaseWithNoticeAndAudit) {
  auto case_id = person_with_case();
  close(case_id);
  run_followups_until(clock.now() + std::chrono::hours(48));
  ASSERT_EQ(followup_sends(), 1u);

  auto r = reply("1 niemand heeft mij gebeld");
  ASSERT_TRUE(r.followup_id);
  EXPECT_EQ(r.reply_text, "Dank u voor uw antwoord. Wij hebben het doorgegeven aan de gemeente Rotterdam.");
  auto f = followup_of(case_id);
  EXPECT_EQ(f.status, "answered");
  EXPECT_EQ(f.score, 1);
  EXPECT_EQ(f.comment, "niemand heeft mij gebeld");
  EXPECT_TRUE(f.reopened_at);
  auto c = storage::CaseStore(*db).get(case_id).take();
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.owner_code, "GM0599");
  EXPECT_TRUE(c.sla_due_at);
  auto notice = storage::NoticeQueue(*db).get("reopen-" + std::to_string(case_id) + "-f" + std::to_string(f.id) + "-GM0599");
  ASSERT_TRUE(notice) << notice.error().what();
  EXPECT_EQ(notice->event, "case.reopened");
  EXPECT_EQ(notice->payload.find("niemand"), std::string::npos) << "the notice carries no words of the person";
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'cases.reopen' AND subject = 'case:" +
                    std::to_string(case_id) + "'"),
            1);
  // A second answer is an ordinary reply: the follow-up was answered once.
  EXPECT_FALSE(reply("1").followup_id);
}

TEST_F(FollowupTest, AGoodScoreIsRecordedAndLeavesTheCaseClosed) {
  auto case_id = person_with_case();
  close(case_id);
  run_followups_until(clock.now() + std::chrono::hours(48));
  auto r = reply("4");
  ASSERT_TRUE(r.followup_id);
  EXPECT_EQ(r.reply_text, "Dank u voor uw antwoord.");
  EXPECT_EQ(followup_of(case_id).score, 4);
  EXPECT_EQ(storage::CaseStore(*db).get(case_id).take().status, "closed");
  EXPECT_EQ(sql_int("SELECT count(*) FROM notices"), 0);
}

TEST_F(FollowupTest, AComplaintReopensWhateverTheScoreAndCopiesTheHub) {
  config.followup.copy_hub = true;
  storage::MunicipalityStore(*db).upsert_region({"rijnmond", "Rijnmond", "GM0606"}).take();  // hub elsewhere
  config.owner_notifications["GM0606"] = {"https://zaken.schiedam.example/hook", "0123456789abcdef0123", true};
  auto case_id = person_with_case();
  close(case_id);
  run_followups_until(clock.now() + std::chrono::hours(48));
  reply("4 maar ik heb een klacht over de brief");
  EXPECT_EQ(storage::CaseStore(*db).get(case_id).take().status, "open");
  EXPECT_EQ(sql_int("SELECT count(*) FROM notices WHERE event = 'case.reopened'"), 2);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notices WHERE owner = 'GM0606'"), 1);
}

TEST_F(FollowupTest, AStopBeforeTheFollowupMeansNoneIsSent) {
  auto case_id = person_with_case();
  close(case_id);
  auto r = reply("STOP");
  EXPECT_EQ(r.keyword, engine::Keyword::stop);
  EXPECT_FALSE(r.followup_id);
  run_followups_until(clock.now() + std::chrono::hours(24 * 30));
  EXPECT_EQ(followup_sends(), 0u);
  auto f = followup_of(case_id);
  EXPECT_EQ(f.status, "skipped");
  // STOP put every address of the person on the suppression list: the policy's first reason.
  EXPECT_EQ(f.skip_reason, "suppressed");
}

TEST_F(FollowupTest, StopWinsOverAScore) {
  auto case_id = person_with_case();
  close(case_id);
  run_followups_until(clock.now() + std::chrono::hours(48));
  auto r = reply("stop");
  EXPECT_EQ(r.keyword, engine::Keyword::stop);
  EXPECT_FALSE(r.followup_id);
  EXPECT_EQ(followup_of(case_id).status, "sent");
}

TEST_F(FollowupTest, WaitsForTheSendWindowAndTheFrequencyCap) {
  config.frequency_cap_messages = 1;
  config.frequency_cap_window = std::chrono::hours(24);
  auto case_id = person_with_case();
  clock.set(utc(2026, 11, 6, 19));  // Friday 20:00 in Amsterdam: the window has closed
  close(case_id);
  // Due Saturday 20:00 local: closed; Sunday is not a send day; Monday 09:00 local it goes.
  run_followups_until(utc(2026, 11, 9, 7, 59));
  EXPECT_EQ(followup_sends(), 0u);
  EXPECT_EQ(followup_of(case_id).delivery_reason, "outside send window");
  run_followups_until(utc(2026, 11, 9, 8, 0));
  EXPECT_EQ(followup_sends(), 1u);
  EXPECT_EQ(sms.sends.back().at, utc(2026, 11, 9, 8, 0));

  // A second case of another person who had a campaign message an hour ago waits for the cap.
  auto other = person(2);
  sql_int("INSERT INTO campaigns(key, name, state, version, author, created_at, updated_at) VALUES "
          "('c', 'c', 'running', 1, 'a', 0, 0) RETURNING id");
  db->sqlite().exec("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, channel, urn, sent_at, "
                 "updated_at) VALUES (1, 1, 0, " + std::to_string(other) + ", 'sent', 'sms', '" + phone_of(2) + "', " +
                 std::to_string(core::to_millis(clock.now())) + ", 0)");
  auto case2 = storage::CaseStore(*db).open(other, "GM0599", std::nullopt, clock.now(), clock.now(), "test").take();
  storage::FollowupStore(*db).schedule(case2, other, "GM0599", "closed", clock.now(), clock.now()).take();
  job().run_due(clock.now());
  EXPECT_EQ(followup_of(case2).delivery_reason, "frequency cap");
  EXPECT_EQ(followup_of(case2).due_at, clock.now() + std::chrono::hours(24));
}

TEST_F(FollowupTest, AnAmbiguousSendBecomesUnknownAndIsNeverResent) {
  auto case_id = person_with_case();
  close(case_id);
  sms.script.push_back({channels::SendVerdict::ambiguous, {}, "timeout after the request left", std::nullopt});
  run_followups_until(clock.now() + std::chrono::hours(24 * 10));
  EXPECT_EQ(followup_sends(), 1u);
  auto f = followup_of(case_id);
  EXPECT_EQ(f.status, "pending");
  EXPECT_EQ(f.delivery, "unknown");
  EXPECT_EQ(f.delivery_reason, "ambiguous: timeout after the request left");
  // The person's answer proves it arrived.
  reply("5");
  EXPECT_EQ(followup_of(case_id).status, "answered");
  EXPECT_TRUE(followup_of(case_id).sent_at);
}

TEST_F(FollowupTest, ALeaseThatRunsOutMakesTheSendUnknown) {
  auto case_id = person_with_case();
  close(case_id);
  sms.deferred = true;  // the answer never comes back (a crash while sending)
  clock.advance(config.followup.after_close);
  job().run_due(clock.now());
  EXPECT_EQ(followup_of(case_id).delivery, "sending");
  clock.advance(config.lease + std::chrono::seconds(1));
  job().run_due(clock.now());
  EXPECT_EQ(followup_of(case_id).delivery, "unknown");
  EXPECT_EQ(followup_sends(), 1u);
}

TEST_F(FollowupTest, AStalledCaseIsAskedAfterTheConfiguredDays) {
  config.followup.stalled_after_days = 10;
  auto case_id = person_with_case();
  services::CaseDesk desk(*db, clock, config);
  ASSERT_TRUE(desk.change(rotterdam(), case_id, {.status = "acknowledged"}));
  clock.advance(std::chrono::hours(24 * 9));
  job().run_due(clock.now());
  EXPECT_EQ(sql_int("SELECT count(*) FROM followups"), 0);
  clock.set(utc(2026, 11, 12, 9));  // ten days after, a Thursday within the window
  job().run_due(clock.now());
  EXPECT_EQ(followup_sends(), 1u);
  EXPECT_EQ(followup_of(case_id).reason, "stalled");
  // Closing it later does not ask twice.
  ASSERT_TRUE(desk.change(rotterdam(), case_id, {.status = "closed", .outcome = "referred"}));
  EXPECT_EQ(sql_int("SELECT count(*) FROM followups"), 1);
}

TEST_F(FollowupTest, TheNamedHandlerIsInTheFollowupAndInTheConfirmation) {
  auto case_id = person_with_case();
  services::Followups followups(*db, clock, config);
  auto other = followups.name_handler(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), case_id, "Piet");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, core::ErrorCode::forbidden);
  auto bad = followups.name_handler(rotterdam(), case_id, "Fatima 0612345678");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, core::ErrorCode::invalid_input);
  auto named = followups.name_handler(rotterdam(), case_id, " Fatima ");
  ASSERT_TRUE(named) << named.error().what();
  EXPECT_EQ(named->handler_name, "Fatima");
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'cases.handler'"), 1);

  close(case_id);
  run_followups_until(clock.now() + std::chrono::hours(48));
  ASSERT_EQ(followup_sends(), 1u);
  EXPECT_NE(sms.sends.back().text.find("Uw contactpersoon bij de gemeente Rotterdam is Fatima."), std::string::npos)
      << sms.sends.back().text;
}

TEST_F(FollowupTest, ListsAreScopedAndAudited) {
  auto case_id = person_with_case();
  close(case_id);
  services::Followups followups(*db, clock, config);
  auto mine = followups.for_municipality(rotterdam(), "GM0599", 50);
  ASSERT_TRUE(mine) << mine.error().what();
  ASSERT_EQ(mine->size(), 0u) << "no share consent: the policy leaves the row out";
  grant(contact_, "*", "share:GM0599");
  mine = followups.for_municipality(rotterdam(), "GM0599", 50);
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].case_id, case_id);
  auto hub = followups.for_case(actor_as("rijnmond", PrincipalKind::regional_hub, "rijnmond"), case_id);
  ASSERT_TRUE(hub) << hub.error().what();
  EXPECT_EQ(hub->size(), 1u);
  EXPECT_FALSE(followups.for_municipality(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), "GM0599", 50));
  EXPECT_FALSE(followups.for_case(actor_as("schiedam", PrincipalKind::municipality, "GM0606"), case_id));
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'followups.read'"), 3);
}

TEST(FollowupAnswer, ScoreAndComment) {
  EXPECT_EQ(engine::parse_answer("1").score, 1);
  EXPECT_EQ(engine::parse_answer(" 2. niemand belde ").comment, "niemand belde");
  EXPECT_EQ(engine::parse_answer("4/5").comment, "");
  EXPECT_EQ(engine::parse_answer("4/5").score, 4);
  EXPECT_FALSE(engine::parse_answer("10").score);
  EXPECT_FALSE(engine::parse_answer("6").score);
  EXPECT_FALSE(engine::parse_answer("goed geholpen").score);
  EXPECT_EQ(engine::parse_answer("goed geholpen").comment, "goed geholpen");
  EXPECT_TRUE(engine::is_complaint("Ik heb een KLACHT", {"klacht"}));
}

TEST(FollowupText, EnglishAndFallbackToDutch) {
  engine::FollowupConfig fc;
  fc.reply_number = "+3197010203040";
  auto en = engine::followup_text(fc, "en", "Rotterdam", "Fatima").take();
  EXPECT_EQ(en.text,
            "Herstelteam: Do you feel helped by your municipality, Rotterdam? Reply with a number from 1 (not at all) "
            "to 5 (very much). You may add a few words too. Your contact person at the municipality of Rotterdam is "
            "Fatima. No more messages? Send STOP to +3197010203040.");
  auto tr = engine::followup_text(fc, "tr", "Rotterdam", "").take();
  EXPECT_EQ(tr.language, "nl");
  fc.templates["tr"] = "{{sender}}: Belediyeniz {{municipality_name}} size yardımcı oldu mu? 1-5 arası bir sayı ile cevap verin.";
  EXPECT_EQ(engine::followup_text(fc, "tr", "Rotterdam", "").take().language, "tr");
}

}  // namespace
}  // namespace outreach::test
