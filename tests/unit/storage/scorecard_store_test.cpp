// The scorecards' raw figures (services/scorecards.h suppresses and scopes them; the service's
// own tests check the definitions at length): every figure of one municipality known in advance,
// rows written directly, so the store's grouped queries are checked on each backend.
#include "storage/scorecard_store.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class ScorecardStoreTest : public test::BackendStorageTest {
 protected:
  // The period is [from, from + 30 days); hours are counted from `from`.
  std::string h(double hours_after) {
    return std::to_string(core::to_millis(from) + static_cast<std::int64_t>(hours_after * 3'600'000));
  }
  void message(std::int64_t contact, const char* status, double sent_h, int step = 0,
               const char* urn = "tel:+31600000000") {
    db->exec("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, sent_at, updated_at, urn) "
             "VALUES(1, 1, " + std::to_string(step) + ", " + std::to_string(contact) + ", '" + status + "', " +
             h(sent_h) + ", 0, '" + urn + "')");
  }
  void response(std::int64_t contact, double at_h, const char* keyword) {
    db->exec("INSERT INTO responses(contact_id, channel, urn, provider_message_id, text, keyword, received_at) VALUES(" +
             std::to_string(contact) + ", 'sms', 'tel:x', 'p" + std::to_string(++responses_) + "', 't', '" + keyword +
             "', " + h(at_h) + ")");
  }
  void contact_log(std::int64_t contact, const char* outcome, double at_h) {
    db->exec("INSERT INTO contact_logs(contact_id, collector, mode, outcome, at) VALUES(" + std::to_string(contact) +
             ", 'vera', 'phone', '" + outcome + "', " + h(at_h) + ")");
  }
  // A case opened at `opened_h` (hours after that: acknowledged, first contact; < 0: never).
  std::int64_t add_case(std::int64_t contact, double opened_h, double ack_h, double contact_h, const char* status,
                        const char* routed_by = "NULL", double sla_h = -1) {
    auto id = sql_int(std::string("INSERT INTO cases(contact_id, municipality_code, status, owner_kind, owner_code, "
                                  "opened_at, sla_due_at, acknowledged_at, updated_at, routed_by) VALUES(") +
                      std::to_string(contact) + ", 'GM0599', '" + status + "', " +
                      (std::string(routed_by) != "NULL" ? "'hub', 'GM0518'" : "'municipality', 'GM0599'") + ", " +
                      h(opened_h) + ", " + (sla_h >= 0 ? h(sla_h) : "NULL") + ", " +
                      (ack_h >= 0 ? h(opened_h + ack_h) : "NULL") + ", 0, " + routed_by + ") RETURNING id");
    if (contact_h >= 0) event(id, opened_h + contact_h, "in_contact", "NULL");
    return id;
  }
  void event(std::int64_t case_id, double at_h, const char* status, const char* note) {
    db->exec("INSERT INTO case_events(case_id, at, actor, status, owner_code, note) VALUES(" + std::to_string(case_id) +
             ", " + h(at_h) + ", 'x', '" + status + "', 'GM0599', " + note + ")");
  }
  void followup(std::int64_t case_id, std::int64_t contact, double sent_h, double answered_h, const char* score) {
    db->exec("INSERT INTO followups(case_id, contact_id, municipality_code, reason, status, due_at, created_at, sent_at, "
             "answered_at, score) VALUES(" + std::to_string(case_id) + ", " + std::to_string(contact) +
             ", 'GM0599', 'closed', '" + (answered_h >= 0 ? "answered" : "sent") + "', 0, 0, " + h(sent_h) + ", " +
             (answered_h >= 0 ? h(answered_h) : "NULL") + ", " + score + ")");
  }
  void error_report(std::int64_t contact, double opened_h, double due_h, double resolved_h) {
    db->exec("INSERT INTO error_reports(contact_id, municipality_code, reporter_kind, reporter, kind, status, opened_at, "
             "sla_due_at, resolved_at) VALUES(" + std::to_string(contact) + ", 'GM0599', 'person', 'sms', 'wrong_letter', '" +
             (resolved_h >= 0 ? "resolved" : "open") + "', " + h(opened_h) + ", " + h(due_h) + ", " +
             (resolved_h >= 0 ? h(resolved_h) : "NULL") + ")");
  }

  const core::TimePoint from = now() - hours(33);  // 2026-11-01T00:00Z
  const core::TimePoint to = from + hours(30 * 24);
  int responses_ = 0;
};

TEST_P(ScorecardStoreTest, EveryFigureOfAMunicipality) {
  add_municipality("GM0518");
  std::vector<std::int64_t> r;
  for (int i = 0; i < 6; ++i) r.push_back(add_contact("R" + std::to_string(i), "GM0599"));
  auto s0 = add_contact("S0", "GM0518");
  clock.set(to + hours(1));
  add_contact("Late", "GM0599");  // known only after the period
  db->exec("INSERT INTO campaigns(id, key, name, state, version, author, created_at, updated_at) "
           "VALUES(1, 'c', 'c', 'running', 1, 't', 0, 0)");

  // Reached: R0 (twice), R4 and R5 through a volunteer; not R1 (undelivered), R2 (before the
  // period), R3 (a digest handed to an intermediary).
  message(r[0], "delivered", 10);
  message(r[0], "read", 20, 1);
  message(r[1], "undelivered", 10);
  message(r[2], "sent", -10);
  message(r[3], "delivered", 10, 0, "intermediary:buurthuis");
  contact_log(r[4], "reached_no_help", 30);
  contact_log(r[5], "reached_wants_help", 30);
  contact_log(r[3], "not_reached", 30);
  message(s0, "sent", 40);
  // Answered: R0 (twice) and R1; asked for help: R0 by keyword, R5 through the volunteer.
  response(r[0], 11, "yes");
  response(r[0], 12, "stop");
  response(r[1], 11, "none");
  response(r[2], -5, "yes");  // before the period
  // Cases: acknowledged after 2 h with first contact after 5 h; open past its SLA; routed to the
  // hub; escalated for no municipal action; one opened before the period.
  auto c1 = add_case(r[0], 50, 2, 5, "in_contact");
  auto c2 = add_case(r[1], 60, -1, -1, "open", "NULL", 132);
  auto c3 = add_case(r[2], 70, -1, -1, "open", "'safety_net'");
  auto c4 = add_case(r[3], 80, -1, -1, "escalated_hub");
  event(c4, 152, "escalated_hub", "'no_municipal_action'");
  add_case(r[4], -20, 1, -1, "acknowledged");
  followup(c1, r[0], 100, 101, "4");
  followup(c2, r[1], 100, 102, "1");
  followup(c3, r[2], 100, -1, "NULL");
  followup(c4, r[3], -100, -1, "NULL");  // sent before the period
  error_report(r[0], 10, 20, -1);  // unresolved past its SLA
  error_report(r[1], 10, 20, 15);  // resolved in time
  error_report(r[2], 10, 20, 25);  // resolved late

  auto all = ScorecardStore(*db).compute(from, to, to).take();
  ASSERT_EQ(all.size(), 2u);
  const auto& g = all.at("GM0599");
  EXPECT_EQ(g.people_known, 6);
  EXPECT_EQ(g.people_reached, 3);
  EXPECT_EQ(g.people_answered, 2);
  EXPECT_EQ(g.people_asked_for_help, 2);
  EXPECT_EQ(g.cases_opened, 4);
  EXPECT_EQ(g.cases_routed, 1);
  EXPECT_EQ(g.sla_breaches, 2);
  EXPECT_EQ(g.escalations, 1);
  EXPECT_EQ(g.followups_sent, 3);
  EXPECT_EQ(g.followups_answered, 2);
  EXPECT_EQ(g.scores, (std::array<std::int64_t, 5>{1, 0, 0, 1, 0}));
  EXPECT_EQ(g.error_reports_opened, 3);
  EXPECT_EQ(g.error_reports_past_sla, 2);
  EXPECT_EQ(g.ack_ms, (std::vector<std::int64_t>{2 * 3'600'000}));
  EXPECT_EQ(g.first_contact_ms, (std::vector<std::int64_t>{5 * 3'600'000}));
  const auto& s = all.at("GM0518");
  EXPECT_EQ(s.people_known, 1);
  EXPECT_EQ(s.people_reached, 1);
  EXPECT_EQ(s.cases_opened, 0);

  // As of a moment inside the period: what happened later is not known yet.
  auto early = ScorecardStore(*db).compute(from, to, from + hours(101)).take().at("GM0599");
  EXPECT_EQ(early.sla_breaches, 0);  // c2's SLA came due at 132 h, c4 escalated at 152 h
  EXPECT_EQ(early.followups_answered, 1);
  EXPECT_EQ(early.error_reports_past_sla, 2);
  EXPECT_EQ(early.ack_ms, (std::vector<std::int64_t>{2 * 3'600'000}));
}

OUTREACH_ON_EACH_BACKEND(ScorecardStoreTest);

}  // namespace
}  // namespace outreach::storage
