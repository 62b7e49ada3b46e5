#include "storage/safety_flags.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/campaign_store.h"
#include "storage/case_routes.h"
#include "storage/case_store.h"
#include "storage/contact_log_store.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class SafetyFlagsTest : public test::BackendStorageTest {
 protected:
  SafetyFlagsTest() {
    add_municipality("GM0599");
    add_municipality("GM0518");
    add_municipality("GM1900");
  }
  std::int64_t open_case(std::int64_t contact, const std::string& municipality = "GM0599") {
    return cases.open(contact, municipality, std::nullopt, now(), now() + hours(72), "engine").take();
  }
  std::vector<std::string> listed(bool include_cleared, const std::vector<std::string>& only = {}) {
    std::vector<std::string> out;
    for (const auto& f : flags.list(include_cleared, only).take()) out.push_back(f.municipality + ":" + f.rule);
    return out;
  }
  // A campaign message sent to `contact` at `when` (the outbox's own rows, written directly).
  void sent_message(std::int64_t contact, core::TimePoint when) {
    if (campaign_ == 0) campaign_ = CampaignStore(*db).save("c", "c", "", "text", "coord", now()).take().campaign.id;
    const auto t = std::to_string(core::to_millis(when));
    db->exec("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, sent_at, updated_at) "
             "VALUES(" + std::to_string(campaign_) + ", 1, " + std::to_string(++step_) + ", " +
             std::to_string(contact) + ", 'sent', " + t + ", " + t + ")");
  }

  SafetyFlags flags{*db};
  CaseStore cases{*db};
  std::int64_t campaign_ = 0;
  int step_ = 0;
};

TEST_P(SafetyFlagsTest, OneOpenFlagPerRuleRefreshedAndClearedNewestFirst) {
  auto a = flags.raise("GM0599", "no_active_outreach", R"({"people_known":3})", "flag_only", now()).take();
  EXPECT_EQ(flags.raise("GM0599", "no_active_outreach", "{}", "flag_only", now()).error().code,
            core::ErrorCode::conflict);
  clock.advance(hours(1));
  auto b = flags.raise("GM0599", "unacknowledged_past_sla", "{}", "route_hub", now()).take();
  clock.advance(hours(1));
  flags.raise("GM1900", "no_active_outreach", "{}", "route_fallback", now()).take();
  EXPECT_EQ(listed(false), (std::vector<std::string>{"GM1900:no_active_outreach", "GM0599:unacknowledged_past_sla",
                                                     "GM0599:no_active_outreach"}));
  EXPECT_EQ(listed(false, {"GM0599"}),
            (std::vector<std::string>{"GM0599:unacknowledged_past_sla", "GM0599:no_active_outreach"}));

  ASSERT_TRUE(flags.refresh(a, R"({"people_known":4})", now()));
  auto open = flags.open_flag("GM0599", "no_active_outreach").take();
  ASSERT_TRUE(open);
  EXPECT_EQ(open->id, a);
  EXPECT_EQ(open->status, "open");
  EXPECT_EQ(open->evidence, R"({"people_known":4})");
  EXPECT_EQ(open->action, "flag_only");
  EXPECT_EQ(open->raised_at, at(-hours(2)));
  EXPECT_EQ(open->checked_at, now());
  EXPECT_FALSE(open->cleared_at);

  ASSERT_TRUE(flags.clear(b, "coordinator", "hub took over", now()));
  EXPECT_EQ(flags.clear(b, "coordinator", "again", now()).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(flags.refresh(b, "{}", now()).error().code, core::ErrorCode::not_found);
  EXPECT_FALSE(flags.open_flag("GM0599", "unacknowledged_past_sla").take());
  EXPECT_EQ(listed(false, {"GM0599"}), (std::vector<std::string>{"GM0599:no_active_outreach"}));
  auto all = flags.list(true, {"GM0599"}).take();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].status, "cleared");
  EXPECT_EQ(all[0].cleared_at, now());
  EXPECT_EQ(all[0].cleared_by, "coordinator");
  EXPECT_EQ(all[0].cleared_reason, "hub took over");
  EXPECT_TRUE(flags.raise("GM0599", "unacknowledged_past_sla", "{}", "flag_only", now()));  // cleared: may rise again
}

TEST_P(SafetyFlagsTest, SlaEvidenceCountsCasesMissedAndMetSinceTheLastLift) {
  const auto since = now();
  open_case(add_contact("Oud"), "GM0599");  // opened before the window below
  clock.advance(hours(1));
  const auto window = now();
  open_case(add_contact("Anna"));                               // past its SLA, still open: missed
  auto met = open_case(add_contact("Bert"));                    // acknowledged: met
  ASSERT_TRUE(cases.set_status(met, "acknowledged", "gm", now()));
  auto escalated = open_case(add_contact("Cor"));               // escalated for no action: missed
  ASSERT_TRUE(cases.escalate(escalated, "escalated_hub", "hub", "GM0518", at(hours(96)), at(hours(73)),
                             "no_municipal_action"));
  open_case(add_contact("Dirk", "GM0518"), "GM0518");           // GM0518 has one open case: missed
  // GM1900's route was lifted after its first case: only the later one counts.
  open_case(add_contact("Eva", "GM1900"), "GM1900");
  CaseRoute r;
  r.municipality = "GM1900";
  r.owner_kind = "hub";
  r.owner_code = "GM0518";
  r.reason = "delegated";
  r.set_by = "coordinator";
  r.set_at = now();
  CaseRoutes routes(*db);
  routes.set(r).take();
  open_case(add_contact("Fien", "GM1900"), "GM1900");  // routed to the hub: not the municipality's
  clock.advance(hours(1));
  routes.lift("GM1900", "gm1900-user", now()).take();
  auto late = open_case(add_contact("Gijs", "GM1900"), "GM1900");
  ASSERT_TRUE(cases.set_status(late, "acknowledged", "gm", now()));

  auto evidence = flags.sla_evidence(window, at(hours(80))).take();
  ASSERT_EQ(evidence.size(), 3u);
  EXPECT_EQ(evidence.at("GM0599").missed, 2);
  EXPECT_EQ(evidence.at("GM0599").met, 1);
  EXPECT_EQ(evidence.at("GM0518").missed, 1);
  EXPECT_EQ(evidence.at("GM0518").met, 0);
  EXPECT_EQ(evidence.at("GM1900").missed, 0);
  EXPECT_EQ(evidence.at("GM1900").met, 1);
  EXPECT_EQ(flags.sla_evidence(since, at(hours(80)))->at("GM0599").missed, 3);
  // Before any SLA came due only the escalation and the acknowledged one count.
  auto early = flags.sla_evidence(window, now()).take();
  EXPECT_EQ(early.at("GM0599").missed, 1);
  EXPECT_EQ(early.at("GM0599").met, 1);
  EXPECT_EQ(early.count("GM0518"), 0u);
}

TEST_P(SafetyFlagsTest, OutreachEvidenceCountsPeopleKnownAndWhatReachedThem) {
  auto anna = add_contact("Anna");
  auto bert = add_contact("Bert");
  auto gone = add_contact("Weg");
  ASSERT_TRUE(ContactStore(*db).set_do_not_contact(gone, true, "asked"));
  auto cor = add_contact("Cor", "GM0518");
  const auto known_before = now();
  clock.advance(hours(1));
  add_contact("Nieuw");  // known after: not counted
  const auto since = now();
  sent_message(anna, at(-hours(2)));  // before `since`
  sent_message(anna, now());
  sent_message(bert, now());
  sent_message(cor, now());
  ContactLog log;
  log.contact_id = bert;
  log.collector = "vol";
  log.mode = "phone";
  log.outcome = "reached_no_help";
  log.at = now();
  ContactLogStore(*db).add(log).take();
  auto c = open_case(anna);
  ASSERT_TRUE(cases.set_status(c, "acknowledged", "gm", now()));
  ASSERT_TRUE(cases.set_status(c, "in_contact", "gm", now()));

  auto evidence = flags.outreach_evidence(known_before, since).take();
  ASSERT_EQ(evidence.size(), 2u);
  const auto& gm0599 = evidence.at("GM0599");
  EXPECT_EQ(gm0599.people_known, 2);
  EXPECT_EQ(gm0599.messages_sent, 2);
  EXPECT_EQ(gm0599.contact_logs, 1);
  EXPECT_EQ(gm0599.case_actions, 2);
  EXPECT_EQ(gm0599.activity(), 5);
  EXPECT_EQ(evidence.at("GM0518").people_known, 1);
  EXPECT_EQ(evidence.at("GM0518").messages_sent, 1);
  EXPECT_EQ(evidence.at("GM0518").case_actions, 0);
}

OUTREACH_ON_EACH_BACKEND(SafetyFlagsTest);

}  // namespace
}  // namespace outreach::storage
