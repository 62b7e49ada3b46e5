#include "storage/case_routes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/case_store.h"
#include "storage/safety_flags.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class CaseRoutesTest : public test::BackendStorageTest {
 protected:
  CaseRoutesTest() {
    add_municipality("GM0599");
    add_municipality("GM0518");
    add_municipality("GM1900");
  }
  CaseRoute route(const std::string& municipality, const std::string& kind = "hub",
                  const std::string& reason = "safety_net") {
    CaseRoute r;
    r.municipality = municipality;
    r.owner_kind = kind;
    r.owner_code = kind == "hub" ? "GM0518" : "noodvoorziening";
    r.reason = reason;
    r.set_by = "coordinator";
    r.set_at = now();
    return r;
  }
  std::int64_t open_case(std::int64_t contact, const std::string& municipality = "GM0599") {
    return CaseStore(*db).open(contact, municipality, std::nullopt, now(), now() + hours(72), "engine").take();
  }

  CaseRoutes routes{*db};
};

TEST_P(CaseRoutesTest, OneActiveRoutePerMunicipalityKeptAsHistoryWhenLifted) {
  EXPECT_FALSE(routes.active("GM0599").take());
  auto r = route("GM0599");
  auto flag = SafetyFlags(*db).raise("GM0599", "no_active_outreach", "{}", "route_hub", now()).take();
  r.flag_id = flag;
  auto id = routes.set(r).take();
  auto active = routes.active("GM0599").take();
  ASSERT_TRUE(active);
  EXPECT_EQ(active->id, id);
  EXPECT_EQ(active->owner_kind, "hub");
  EXPECT_EQ(active->owner_code, "GM0518");
  EXPECT_EQ(active->reason, "safety_net");
  EXPECT_EQ(active->flag_id, flag);
  EXPECT_EQ(active->set_by, "coordinator");
  EXPECT_EQ(active->set_at, now());
  EXPECT_FALSE(active->lifted_at);
  auto twice = routes.set(route("GM0599", "fallback", "delegated"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(routes.set(route("GM0599", "moon")).error().where, "owner_kind");
  EXPECT_EQ(routes.set(route("GM0599", "hub", "whim")).error().where, "reason");

  clock.advance(hours(1));
  auto lifted = routes.lift("GM0599", "gm0599-user", now()).take();
  ASSERT_TRUE(lifted);
  EXPECT_EQ(lifted->id, id);
  EXPECT_EQ(lifted->lifted_at, now());
  EXPECT_EQ(lifted->lifted_by, "gm0599-user");
  EXPECT_FALSE(routes.active("GM0599").take());
  EXPECT_FALSE(routes.lift("GM0599", "gm0599-user", now()).take());
  EXPECT_EQ(sql_int("SELECT count(*) FROM case_routes"), 1);  // never deleted
  EXPECT_TRUE(routes.set(route("GM0599", "fallback", "delegated")));
  EXPECT_TRUE(routes.ever("GM0599", "safety_net").take());
  EXPECT_TRUE(routes.ever("GM0599", "delegated").take());
  EXPECT_FALSE(routes.ever("GM1900", "safety_net").take());
}

TEST_P(CaseRoutesTest, ActiveRoutesByMunicipalityAndTheLastLiftOfEach) {
  routes.set(route("GM1900")).take();
  routes.set(route("GM0599", "fallback")).take();
  auto all = routes.active_all().take();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].municipality, "GM0599");
  EXPECT_EQ(all[1].municipality, "GM1900");
  EXPECT_TRUE(routes.last_lifted()->empty());

  clock.advance(hours(1));
  routes.lift("GM0599", "x", now()).take();
  routes.set(route("GM0599")).take();
  clock.advance(hours(1));
  routes.lift("GM0599", "x", now()).take();
  auto lifts = routes.last_lifted().take();
  ASSERT_EQ(lifts.size(), 1u);
  EXPECT_EQ(lifts.at("GM0599"), now());
  ASSERT_EQ(routes.active_all()->size(), 1u);
}

TEST_P(CaseRoutesTest, TakingBackMovesTheCasesNobodyAcknowledgedYet) {
  CaseStore cases(*db);
  auto own = open_case(add_contact("Anna"));  // before the route: the municipality's own
  routes.set(route("GM0599")).take();
  auto routed = open_case(add_contact("Bert"));
  auto acked = open_case(add_contact("Cor"));
  ASSERT_TRUE(cases.set_status(acked, "acknowledged", "gm0518-user", now()));
  auto other = open_case(add_contact("Dirk", "GM1900"), "GM1900");
  EXPECT_EQ(cases.get(routed)->owner_code, "GM0518");
  routes.lift("GM0599", "gm0599-user", now()).take();

  clock.advance(hours(1));
  auto moved = routes.take_back_cases("GM0599", at(hours(72)), "gm0599-user", now()).take();
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].case_id, routed);
  EXPECT_EQ(moved[0].from_owner, "GM0518");
  auto c = cases.get(routed).take();
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.owner_kind, "municipality");
  EXPECT_EQ(c.owner_code, "GM0599");
  EXPECT_EQ(c.sla_due_at, at(hours(72)));
  auto history = cases.history(routed);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().note, "taken_back");
  EXPECT_EQ(history.back().owner_code, "GM0599");
  EXPECT_EQ(cases.get(acked)->owner_code, "GM0518");  // the family keeps its handler
  EXPECT_EQ(cases.get(own)->owner_code, "GM0599");
  EXPECT_EQ(cases.get(other)->owner_code, "GM1900");
  EXPECT_TRUE(routes.take_back_cases("GM0599", at(hours(72)), "gm0599-user", now())->empty());
}

OUTREACH_ON_EACH_BACKEND(CaseRoutesTest);

}  // namespace
}  // namespace outreach::storage
