// Who may report an error about whom, who sees the queue and who resolves: the scope rules of
// services/error_reports.h, each with the whole error message a client shows.
#include <gtest/gtest.h>

#include "services/error_reports.h"
#include "storage/assignment_store.h"
#include "storage/contact_store.h"
#include "storage/error_report_store.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class ErrorReportScope : public EngineTest {
 protected:
  ErrorReportScope() { add_municipality("GM0363"); }
  services::ErrorReports& reports() {
    if (!reports_) reports_ = std::make_unique<services::ErrorReports>(*db, clock, config);
    return *reports_;
  }
  std::string refusal(const services::Actor& who, std::int64_t contact) {
    auto r = reports().report(who, {.contact_id = contact, .kind = "wrong_person"});
    return r ? std::string("(reported)") : r.error().what();
  }
  std::int64_t in(const std::string& municipality, int n) {
    auto id = person(n);
    db->sqlite().exec("UPDATE contacts SET municipality_code = '" + municipality + "' WHERE id = " + std::to_string(id));
    return id;
  }
  std::unique_ptr<services::ErrorReports> reports_;
};

TEST_F(ErrorReportScope, AClerkReportsOnlyTheirOwnResidents) {
  auto own = in("GM0599", 1);
  auto other = in("GM0363", 2);
  auto clerk = actor_as("rotterdam", PrincipalKind::municipality, "GM0599");
  EXPECT_EQ(refusal(clerk, own), "(reported)");
  EXPECT_EQ(refusal(clerk, other), "contact_id: this person is outside your scope");
}

TEST_F(ErrorReportScope, AHubReportsInItsRegionAndTheFallbackEverywhere) {
  auto schiedam = in("GM0606", 1);
  auto amsterdam = in("GM0363", 2);
  auto hub = actor_as("rijnmond-hub", PrincipalKind::regional_hub, "rijnmond");
  EXPECT_EQ(refusal(hub, schiedam), "(reported)");
  EXPECT_EQ(refusal(hub, amsterdam), "contact_id: this person is outside your scope");
  EXPECT_EQ(refusal(actor_as("national", PrincipalKind::national_fallback), amsterdam), "(reported)");
}

TEST_F(ErrorReportScope, AVolunteerOrIntermediaryReportsOnlyPeopleHandedToThem) {
  auto held = in("GM0599", 1);
  auto not_held = in("GM0599", 2);
  storage::AssignmentStore(*db).assign(held, "vera", clock.now()).take();
  auto vera = actor_as("vera", PrincipalKind::volunteer, "GM0599");
  EXPECT_EQ(refusal(vera, held), "(reported)");
  EXPECT_EQ(refusal(vera, not_held), "contact_id: this person is not assigned to you");
  EXPECT_EQ(refusal(actor_as("buurthuis", PrincipalKind::intermediary, "GM0599"), held),
            "contact_id: this person is not assigned to you");
}

TEST_F(ErrorReportScope, OthersMayNotReportAndOnlyCoordinatorsListAndResolve) {
  auto p = in("GM0599", 1);
  EXPECT_EQ(refusal(actor("joost"), p), "a approver may not report errors about people");
  EXPECT_EQ(refusal(actor_as("ops", PrincipalKind::operator_), p), "a operator may not report errors about people");
  auto id = reports().report(actor("amira"), {.contact_id = p, .kind = "other"});
  ASSERT_TRUE(id);
  auto clerk = actor_as("rotterdam", PrincipalKind::municipality, "GM0599");
  auto listed = reports().list(clerk, {});
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, core::ErrorCode::forbidden);
  auto resolved = reports().resolve(clerk, *id, "fine");
  ASSERT_FALSE(resolved);
  EXPECT_EQ(resolved.error().code, core::ErrorCode::forbidden);
  EXPECT_TRUE(storage::ErrorReportStore(*db).has_open(p).take()) << "a refused resolve changes nothing";
}

TEST_F(ErrorReportScope, BadInputNamesTheField) {
  auto p = in("GM0599", 1);
  auto bad_kind = reports().report(actor("amira"), {.contact_id = p, .kind = "typo"});
  ASSERT_FALSE(bad_kind);
  EXPECT_EQ(bad_kind.error().what(),
            "kind: unknown kind 'typo' (expected wrong_person, wrong_letter, wrong_municipality or other)");
  auto too_long = reports().report(actor("amira"), {.contact_id = p, .description = std::string(501, 'x')});
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().what(), "description: longer than 500 bytes");
  auto nobody = reports().report(actor("amira"), {.contact_id = 999});
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().what(), "contact_id: no such contact");
  auto id = reports().report(actor("amira"), {.contact_id = p});
  ASSERT_TRUE(id);
  auto empty = reports().resolve(actor("amira"), *id, "");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().what(), "resolution: required");
  ASSERT_TRUE(reports().resolve(actor("amira"), *id, "done"));
  auto twice = reports().resolve(actor("amira"), *id, "again");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().what(), "id: error report " + std::to_string(*id) + " is resolved already");
}

TEST_F(ErrorReportScope, EveryReportReadAndResolutionIsAudited) {
  auto p = in("GM0599", 1);
  auto id = reports().report(actor("amira"), {.contact_id = p, .kind = "wrong_letter"});
  ASSERT_TRUE(id);
  ASSERT_TRUE(reports().list(actor("amira"), {}));
  ASSERT_TRUE(reports().resolve(actor("amira"), *id, "letter withdrawn"));
  const std::string subject = "'contact:" + std::to_string(p) + "'";
  for (const char* action : {"error_reports.open", "error_reports.read", "error_reports.resolve"}) {
    EXPECT_EQ(sql_int(std::string("SELECT count(*) FROM audit_log WHERE action = '") + action +
                      "' AND subject = " + subject + " AND purpose = 'error-report'"),
              1)
        << action;
  }
}

}  // namespace
}  // namespace outreach::test
