// The clerk's, hub's and fallback's cases (services/case_desk.h): who sees which case, what a row
// and a case page carry, the filters and the cursor, closing with an outcome, and the audit.

#include "services/case_desk.h"

#include <gtest/gtest.h>

#include "storage/audit_log.h"
#include "storage/contact_log_store.h"
#include "storage/contact_store.h"
#include "storage/error_report_store.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class CaseDeskTest : public EngineTest {
 protected:
  // Person n of `municipality` who said JA and agreed to share: a case for the municipality.
  std::int64_t case_for(int n, const std::string& municipality = "GM0599") {
    std::int64_t id = person(n);
    contact_of_[n] = id;
    grant(id, "*", "share:" + municipality);
    if (municipality != "GM0599") {
      db->sqlite().exec("UPDATE contacts SET municipality_code = '" + municipality + "' WHERE id = " + std::to_string(id));
    }
    storage::Response r;
    r.contact_id = id;
    r.channel = "sms";
    r.urn = phone_of(n);
    r.provider_message_id = "in-" + std::to_string(n);
    r.text = "JA, graag";
    r.keyword = "yes";
    r.received_at = clock.now();
    storage::ResponseStore(*db).record(r).take();
    return storage::CaseStore(*db).open(id, municipality, std::nullopt, clock.now(), clock.now() + std::chrono::hours(72),
                                        "test").take();
  }
  services::Actor clerk(const std::string& code = "GM0599") {
    return actor_as("clerk-" + code, PrincipalKind::municipality, code);
  }
  services::Actor hub() { return actor_as("rijnmond", PrincipalKind::regional_hub, "rijnmond"); }
  services::Actor fallback() { return actor_as("national", PrincipalKind::national_fallback, ""); }
  services::CaseDesk desk() { return services::CaseDesk(*db, clock, config); }
  std::vector<std::int64_t> ids(const services::Actor& a, services::CaseFilter f = {}) {
    auto page = desk().list(a, f);
    EXPECT_TRUE(page) << page.error().what();
    std::vector<std::int64_t> out;
    if (page) {
      for (const auto& item : page->items) out.push_back(item.row.c.id);
    }
    return out;
  }
  void escalate(std::int64_t id, const std::string& to) {
    const bool to_hub = to == "hub";
    storage::CaseStore(*db)
        .escalate(id, to_hub ? "escalated_hub" : "escalated_fallback", to, to_hub ? "GM0599" : "national",
                  to_hub ? std::optional<core::TimePoint>(clock.now() + std::chrono::hours(48)) : std::nullopt, clock.now(),
                  "sla")
        .take();
  }
  std::map<int, std::int64_t> contact_of_;
};

TEST_F(CaseDeskTest, AClerkSeesItsCasesWithTheirPeople) {
  const auto a = case_for(1);
  case_for(2, "GM0606");
  auto page = desk().list(clerk(), {});
  ASSERT_TRUE(page) << page.error().what();
  EXPECT_EQ(page->owner, "GM0599");
  ASSERT_EQ(page->items.size(), 1u);
  const auto& row = page->items[0].row;
  EXPECT_EQ(row.c.id, a);
  EXPECT_EQ(row.name, "Persoon 1");
  EXPECT_EQ(row.phone, "+31612340001");
  EXPECT_EQ(row.email, "p1@example.nl");
  EXPECT_EQ(row.c.status, "open");
  EXPECT_EQ(row.c.owner_kind, "municipality");
  EXPECT_EQ(row.c.opened_at, clock.now());
  EXPECT_EQ(row.c.sla_due_at, clock.now() + std::chrono::hours(72));
  EXPECT_FALSE(page->items[0].overdue);
  EXPECT_FALSE(page->more);
}

TEST_F(CaseDeskTest, EscalatedCasesMoveToTheHubThenTheFallback) {
  const auto a = case_for(1);
  const auto b = case_for(2, "GM0606");
  const auto c = case_for(3);
  EXPECT_TRUE(ids(hub()).empty()) << "the hub owns nothing until a case is escalated to it";
  escalate(a, "hub");
  escalate(b, "hub");
  escalate(c, "fallback");
  EXPECT_EQ(ids(hub()), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(ids(fallback()), std::vector<std::int64_t>{c});
  EXPECT_TRUE(ids(clerk()).empty()) << "Rotterdam no longer owns its escalated cases";
  EXPECT_TRUE(ids(clerk("GM0606")).empty());
  EXPECT_EQ(ids(hub(), {.municipality = "GM0606"}), std::vector<std::int64_t>{b});
}

TEST_F(CaseDeskTest, OtherKindsOwnNoCases) {
  case_for(1);
  auto page = desk().list(actor("amira"), {});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, core::ErrorCode::forbidden);
}

TEST_F(CaseDeskTest, ThePolicyHidesPeopleWhoStoppedOrHaveAnOpenErrorReport) {
  const auto a = case_for(1);
  const auto b = case_for(2);
  const auto c = case_for(3);
  const auto d = case_for(4);
  withdraw(contact_of_[1], "sms");                    // STOP by SMS
  withdraw(contact_of_[2], "*", "share:GM0599");      // no longer shares with Rotterdam
  storage::ErrorReport r;                             // an error report about person 3, open
  r.contact_id = contact_of_[3];
  r.reporter_kind = "municipality";
  r.reporter = "rotterdam";
  r.kind = storage::ErrorKind::wrong_person;
  r.opened_at = clock.now();
  r.sla_due_at = clock.now() + std::chrono::hours(48);
  storage::ErrorReportStore(*db).open(r).take();
  EXPECT_EQ(ids(clerk()), std::vector<std::int64_t>{d});
  for (auto hidden : {a, b, c}) {
    auto detail = desk().detail(clerk(), hidden);
    ASSERT_FALSE(detail);
    EXPECT_EQ(detail.error().code, core::ErrorCode::not_found);
  }
}

TEST_F(CaseDeskTest, FiltersByStateOverdueAndName) {
  const auto a = case_for(1);
  const auto b = case_for(2);
  const auto c = case_for(3);
  db->sqlite().exec("UPDATE contacts SET name = 'Fatima el Amrani' WHERE id = " + std::to_string(contact_of_[2]));
  ASSERT_TRUE(desk().change(clerk(), a, {.status = "acknowledged"}));
  ASSERT_TRUE(desk().change(clerk(), c, {.status = "closed", .outcome = "not_reached"}));
  EXPECT_EQ(ids(clerk(), {.state = "active"}), (std::vector<std::int64_t>{a, b}));
  EXPECT_EQ(ids(clerk(), {.state = "waiting"}), std::vector<std::int64_t>{b});
  EXPECT_EQ(ids(clerk(), {.state = "closed"}), std::vector<std::int64_t>{c});
  EXPECT_EQ(ids(clerk(), {.name = "amra"}), std::vector<std::int64_t>{b}) << "a part of the name, any case";
  EXPECT_TRUE(ids(clerk(), {.name = "%"}).empty()) << "LIKE wildcards are literal";
  EXPECT_TRUE(ids(clerk(), {.overdue = true}).empty());
  clock.advance(std::chrono::hours(73));
  auto late = desk().list(clerk(), {.overdue = true});
  ASSERT_TRUE(late);
  ASSERT_EQ(late->items.size(), 1u) << "the acknowledged and the closed case have no SLA left";
  EXPECT_EQ(late->items[0].row.c.id, b);
  EXPECT_TRUE(late->items[0].overdue);
}

TEST_F(CaseDeskTest, BadFiltersNameTheirField) {
  auto field = [&](services::CaseFilter f) {
    auto page = desk().list(clerk(), f);
    return page ? std::string("ok") : page.error().where;
  };
  EXPECT_EQ(field({.state = "lost"}), "state");
  EXPECT_EQ(field({.limit = 0}), "limit");
  EXPECT_EQ(field({.limit = services::kMaxCasePage + 1}), "limit");
  EXPECT_EQ(field({.name = std::string(101, 'a')}), "name");
  EXPECT_EQ(field({.municipality = "GM0606"}), "municipality") << "outside a clerk's scope";
  EXPECT_EQ(desk().list(clerk(), {.municipality = "GM0606"}).error().code, core::ErrorCode::forbidden);
}

TEST_F(CaseDeskTest, PagesFollowTheCursorPastHiddenRows) {
  std::vector<std::int64_t> all;
  for (int n = 1; n <= 7; ++n) all.push_back(case_for(n));
  withdraw(contact_of_[2], "sms");
  withdraw(contact_of_[3], "sms");
  auto first = desk().list(clerk(), {.limit = 2});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 2u) << "a page is filled past the hidden rows";
  EXPECT_EQ(first->items[0].row.c.id, all[0]);
  EXPECT_EQ(first->items[1].row.c.id, all[3]);
  EXPECT_TRUE(first->more);
  std::vector<std::int64_t> seen;
  services::CaseFilter f{.limit = 2};
  for (int pages = 0; pages < 10; ++pages) {
    auto page = desk().list(clerk(), f);
    ASSERT_TRUE(page);
    for (const auto& item : page->items) seen.push_back(item.row.c.id);
    if (!page->more) break;
    f.after_id = page->next_after;
  }
  EXPECT_EQ(seen, (std::vector<std::int64_t>{all[0], all[3], all[4], all[5], all[6]}));
}

TEST_F(CaseDeskTest, AnotherMunicipalitysCaseIsNotFoundLikeOneThatDoesNotExist) {
  const auto theirs = case_for(1, "GM0606");
  auto other = desk().detail(clerk(), theirs);
  auto none = desk().detail(clerk(), theirs + 100);
  ASSERT_FALSE(other);
  ASSERT_FALSE(none);
  EXPECT_EQ(other.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(other.error().message, "no case with id " + std::to_string(theirs));
  EXPECT_EQ(none.error().message, "no case with id " + std::to_string(theirs + 100));
  EXPECT_TRUE(desk().detail(clerk("GM0606"), theirs));
  EXPECT_FALSE(desk().change(clerk(), theirs, {.status = "acknowledged"}));
  EXPECT_EQ(storage::CaseStore(*db).get(theirs)->status, "open");
}

TEST_F(CaseDeskTest, ACasePageHasRepliesContactLogsAndHistory) {
  const auto a = case_for(1);
  storage::ContactLog log;
  log.contact_id = contact_of_[1];
  log.collector = "vera";
  log.mode = "visit";
  log.outcome = "reached_wants_help";
  log.note = "liever na 18:00";
  log.at = clock.now();
  storage::ContactLogStore(*db).add(log).take();
  ASSERT_TRUE(desk().change(clerk(), a, {.status = "acknowledged", .note = "opgepakt"}));
  ASSERT_TRUE(desk().change(clerk(), a, {.status = "in_contact"}));
  ASSERT_TRUE(desk().change(clerk(), a, {.status = "closed", .outcome = "helped", .note = "schuldhulp geregeld"}));
  auto d = desk().detail(clerk(), a);
  ASSERT_TRUE(d) << d.error().what();
  EXPECT_EQ(d->row.name, "Persoon 1");
  EXPECT_EQ(d->row.c.status, "closed");
  EXPECT_EQ(d->row.c.outcome, "helped");
  ASSERT_EQ(d->replies.size(), 1u);
  EXPECT_EQ(d->replies[0].text, "JA, graag");
  ASSERT_EQ(d->contact_logs.size(), 1u);
  EXPECT_EQ(d->contact_logs[0].note, "liever na 18:00");
  std::vector<std::string> states;
  for (const auto& e : d->history) states.push_back(e.status);
  EXPECT_EQ(states, (std::vector<std::string>{"open", "acknowledged", "in_contact", "closed"}));
  EXPECT_EQ(d->history[1].note, "opgepakt");
  EXPECT_EQ(d->history[3].outcome, "helped");
  EXPECT_EQ(d->history[3].note, "schuldhulp geregeld");
  EXPECT_EQ(d->history[3].actor, "clerk-GM0599");
}

TEST_F(CaseDeskTest, ClosingNeedsAKnownOutcome) {
  const auto a = case_for(1);
  auto none = desk().change(clerk(), a, {.status = "closed"});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().where, "outcome");
  auto unknown = desk().change(clerk(), a, {.status = "closed", .outcome = "solved"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().what(),
            "outcome: a case is closed with an outcome: helped, referred, no_help_needed, not_reached, declined or "
            "other, not 'solved'");
  EXPECT_EQ(desk().change(clerk(), a, {.status = "acknowledged", .outcome = "helped"}).error().where, "outcome");
  EXPECT_EQ(desk().change(clerk(), a, {.status = "acknowledged", .note = std::string(281, 'x')}).error().where, "note");
  EXPECT_EQ(desk().change(clerk(), a, {.status = "reopened"}).error().where, "status");
  EXPECT_EQ(storage::CaseStore(*db).get(a)->status, "open");
  auto closed = desk().change(clerk(), a, {.status = "closed", .outcome = "declined"});
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->outcome, "declined");
  ASSERT_TRUE(closed->closed_at);
}

TEST_F(CaseDeskTest, ReadsAndChangesAreAudited) {
  const auto a = case_for(1);
  ASSERT_TRUE(desk().list(clerk(), {}));
  ASSERT_TRUE(desk().detail(clerk(), a));
  ASSERT_TRUE(desk().change(clerk(), a, {.status = "closed", .outcome = "referred"}));
  std::vector<std::string> seen;
  storage::AuditLog(*db).for_each([&](const storage::AuditRecord& r) {
    if (r.actor == "clerk-GM0599") seen.push_back(r.action + " " + r.subject + " " + r.detail);
  });
  const std::string c = "case:" + std::to_string(a);
  EXPECT_EQ(seen, (std::vector<std::string>{"cases.read " + c + " via=test", "cases.read " + c + " detail via=test",
                                            "cases.closed " + c + " outcome=referred via=test"}));
  EXPECT_TRUE(storage::AuditLog(*db).verify().ok());
}

}  // namespace
}  // namespace outreach::test
