#include "storage/case_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class CaseStoreTest : public test::BackendStorageTest {
 protected:
  std::int64_t open_case(std::int64_t contact, const std::string& municipality = "GM0599") {
    return store.open(contact, municipality, std::nullopt, now(), now() + hours(72), "engine").take();
  }
  core::Status set(std::int64_t id, const std::string& status) {
    clock.advance(hours(1));
    // A case is closed with an outcome (storage/case_store.h).
    return store.set_status(id, status, "gm0599-user", now(), {}, status == "closed" ? "helped" : "");
  }
  std::vector<std::string> statuses(std::int64_t id) {
    std::vector<std::string> out;
    for (const auto& e : store.history(id)) out.push_back(e.status + "@" + e.owner_code);
    return out;
  }

  CaseStore store{*db};
  std::int64_t anna = add_contact("Anna");
};

TEST_P(CaseStoreTest, OpenCaseIsOwnedByTheMunicipality) {
  auto id = store.open(anna, "GM0599", std::nullopt, now(), now() + hours(72), "engine").take();
  auto c = store.get(id).take();
  EXPECT_EQ(c.contact_id, anna);
  EXPECT_EQ(c.municipality, "GM0599");
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.owner_kind, "municipality");
  EXPECT_EQ(c.owner_code, "GM0599");
  EXPECT_EQ(c.opened_at, now());
  EXPECT_EQ(c.sla_due_at, now() + hours(72));
  EXPECT_FALSE(c.acknowledged_at);
  EXPECT_EQ(statuses(id), (std::vector<std::string>{"open@GM0599"}));
  EXPECT_EQ(store.get(99).error().what(), "no case with id 99");
}

TEST_P(CaseStoreTest, OneOpenCasePerContactAndMunicipality) {
  auto first = open_case(anna);
  EXPECT_EQ(open_case(anna), first);
  add_municipality("GM0518");
  EXPECT_NE(open_case(anna, "GM0518"), first);  // a case per municipality
  ASSERT_TRUE(set(first, "closed"));
  auto again = open_case(anna);  // asked again after the first case was closed
  EXPECT_NE(again, first);
  EXPECT_EQ(store.for_contact(anna).size(), 3u);
  EXPECT_EQ(statuses(first), (std::vector<std::string>{"open@GM0599", "closed@GM0599"}));
}

TEST_P(CaseStoreTest, FollowsTheHappyPath) {
  auto id = open_case(anna);
  ASSERT_TRUE(set(id, "acknowledged"));
  auto c = store.get(id).take();
  EXPECT_EQ(c.acknowledged_at, now());
  EXPECT_FALSE(c.sla_due_at);
  ASSERT_TRUE(set(id, "in_contact"));
  ASSERT_TRUE(set(id, "closed"));
  c = store.get(id).take();
  EXPECT_EQ(c.status, "closed");
  EXPECT_EQ(c.closed_at, now());
  EXPECT_EQ(statuses(id), (std::vector<std::string>{"open@GM0599", "acknowledged@GM0599", "in_contact@GM0599",
                                                    "closed@GM0599"}));
}

TEST_P(CaseStoreTest, RefusesTransitionsOutsideTheStateMachine) {
  auto id = open_case(anna);
  auto st = set(id, "in_contact");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(st.error().what(), "status: a case cannot go from open to in_contact");
  EXPECT_EQ(set(id, "open").error().what(), "status: a case cannot go from open to open");
  EXPECT_EQ(set(id, "escalated_hub").error().what(), "status: a case cannot go from open to escalated_hub");
  ASSERT_TRUE(set(id, "acknowledged"));
  EXPECT_EQ(set(id, "acknowledged").error().what(), "status: a case cannot go from acknowledged to acknowledged");
  ASSERT_TRUE(set(id, "closed"));
  EXPECT_EQ(set(id, "acknowledged").error().what(), "status: a case cannot go from closed to acknowledged");
  EXPECT_EQ(set(id, "closed").error().what(), "status: a case cannot go from closed to closed");
  EXPECT_EQ(store.history(id).size(), 3u);  // refusals leave no events
  EXPECT_EQ(set(42, "closed").error().what(), "no case with id 42");
}

TEST_P(CaseStoreTest, EscalationDueOnlyForUnacknowledgedCasesPastTheirSla) {
  auto bram = add_contact("Bram");
  auto cor = add_contact("Cor");
  auto late = open_case(anna);
  clock.advance(hours(1));
  auto acked = open_case(bram);
  ASSERT_TRUE(store.set_status(acked, "acknowledged", "gm0599-user", now()));
  clock.advance(hours(1));
  auto fresh = open_case(cor);
  clock.advance(hours(71));
  // late: due at +72h (now is +73h); acked: no SLA any more; fresh: due at +74h
  auto due = store.due_for_escalation(now());
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].id, late);
  clock.advance(hours(1));
  due = store.due_for_escalation(now());
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[1].id, fresh);
}

TEST_P(CaseStoreTest, EscalatesToTheHubThenToTheFallback) {
  auto id = open_case(anna);
  clock.advance(hours(73));
  ASSERT_TRUE(store.escalate(id, "escalated_hub", "hub", "GM0599-hub", now() + hours(48), now(), "SLA missed"));
  auto c = store.get(id).take();
  EXPECT_EQ(c.status, "escalated_hub");
  EXPECT_EQ(c.owner_kind, "hub");
  EXPECT_EQ(c.owner_code, "GM0599-hub");
  EXPECT_EQ(c.sla_due_at, now() + hours(48));
  EXPECT_TRUE(store.due_for_escalation(now()).empty());
  EXPECT_EQ(store.for_owner("GM0599-hub").size(), 1u);
  EXPECT_TRUE(store.for_owner("GM0599").empty());

  clock.advance(hours(48));
  ASSERT_EQ(store.due_for_escalation(now()).size(), 1u);
  ASSERT_TRUE(store.escalate(id, "escalated_fallback", "fallback", "national", std::nullopt, now(), "hub SLA missed"));
  EXPECT_TRUE(store.due_for_escalation(now() + hours(1000)).empty());
  auto events = store.history(id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].actor, "system");
  EXPECT_EQ(events[1].note, "SLA missed");
  EXPECT_EQ(events[2].owner_code, "national");

  // The new owner picks it up.
  ASSERT_TRUE(store.set_status(id, "acknowledged", "national-team", now()));
  EXPECT_EQ(store.history(id).back().owner_code, "national");
}

TEST_P(CaseStoreTest, EscalationGoesOnlyUpward) {
  auto id = open_case(anna);
  ASSERT_TRUE(store.escalate(id, "escalated_fallback", "fallback", "national", std::nullopt, now(), "no region"));
  auto st = store.escalate(id, "escalated_hub", "hub", "GM0599", now(), now(), "x");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().what(), "status: a case cannot go from escalated_fallback to escalated_hub");
  EXPECT_EQ(store.escalate(id, "closed", "fallback", "national", std::nullopt, now(), "x").error().what(),
            "status: 'closed' is not an escalation (escalated_hub, escalated_fallback)");
  auto acked = open_case(add_contact("Bram"));
  ASSERT_TRUE(store.set_status(acked, "acknowledged", "gm0599-user", now()));
  EXPECT_EQ(store.escalate(acked, "escalated_hub", "hub", "GM0599", now(), now(), "x").error().what(),
            "status: a case cannot go from acknowledged to escalated_hub");
  EXPECT_EQ(store.get(id)->status, "escalated_fallback");
  EXPECT_EQ(store.history(id).size(), 2u);
}

// The Escalator's compare-and-set: a mover holding a stale copy of the case (another engine moved
// it since) changes nothing, not even from escalated_hub on to the fallback, and writes no event.
TEST_P(CaseStoreTest, EscalateFromMovesOnlyFromTheStateItSaw) {
  auto id = open_case(anna);
  clock.advance(hours(73));
  const Case seen = store.get(id).take();
  auto first = store.escalate_from(seen, "escalated_hub", "hub", "GM0599", now() + hours(48), now(), "SLA missed");
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  for (const char* to : {"escalated_hub", "escalated_fallback"}) {
    auto again = store.escalate_from(seen, to, to == std::string("escalated_hub") ? "hub" : "fallback",
                                     to == std::string("escalated_hub") ? "GM0599" : "national", std::nullopt, now(),
                                     "SLA missed");
    ASSERT_TRUE(again) << to;
    EXPECT_FALSE(*again) << to << ": the case was no longer open";
  }
  auto c = store.get(id).take();
  EXPECT_EQ(c.status, "escalated_hub");
  EXPECT_EQ(c.owner_code, "GM0599");
  EXPECT_EQ(store.history(id).size(), 2u);

  // Acknowledged by the hub after the mover read it: the mover leaves it.
  const Case at_hub = store.get(id).take();
  ASSERT_TRUE(store.set_status(id, "acknowledged", "gm0599-user", now()));
  auto late = store.escalate_from(at_hub, "escalated_fallback", "fallback", "national", std::nullopt, now(), "x");
  ASSERT_TRUE(late);
  EXPECT_FALSE(*late);
  EXPECT_EQ(store.get(id)->status, "acknowledged");
  EXPECT_EQ(store.history(id).size(), 3u);
  EXPECT_EQ(store.escalate_from(at_hub, "escalated_hub", "hub", "GM0599", now(), now(), "x").error().what(),
            "status: a case cannot go from escalated_hub to escalated_hub");
}

TEST_P(CaseStoreTest, TheOwnerIsMarkedToldOnce) {
  auto id = open_case(anna);
  ASSERT_EQ(store.opened_unnotified(10).size(), 1u);
  auto first = store.mark_owner_notified(id, now());
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  auto second = store.mark_owner_notified(id, now());
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second) << "another engine told the owner already";
  EXPECT_TRUE(store.opened_unnotified(10).empty());
}

OUTREACH_ON_EACH_BACKEND(CaseStoreTest);

}  // namespace
}  // namespace outreach::storage
