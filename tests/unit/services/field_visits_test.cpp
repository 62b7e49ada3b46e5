// A volunteer's visits as the web pages record them: only the holder sees or reports a person, the
// consent offered is the consent recorded (with its text version and language), a case opens when
// the person wants help and consents to sharing, and a form posted twice records once.
#include "services/field_visits.h"

#include <gtest/gtest.h>

#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

class FieldVisitsTest : public EngineTest {
 protected:
  FieldVisitsTest() {
    anna = add_contact("Anna de Vries", "GM0599", {"tel:+31612345678"});
    grant(anna, "*", "peer-contact");
    services::Assignments(*db, clock, config, {}).request(vera, {.count = 5}).take();
  }
  services::VisitReport report(const std::string& outcome, std::vector<std::string> purposes = {},
                               const std::string& key = "form-key-0001") {
    const auto text = services::consent_text("nl", "GM0599");
    return {.contact_id = anna, .mode = "visit", .outcome = outcome, .note = "", .follow_up = "",
            .purposes = std::move(purposes), .consent_version = text.version, .consent_language = "nl",
            .form_key = key};
  }
  std::int64_t logs() {
    SQLite::Statement st(db->sqlite(), "SELECT count(*) FROM contact_logs");
    st.executeStep();
    return st.getColumn(0).getInt64();
  }

  services::Actor vera = actor_as("vera", PrincipalKind::volunteer, "GM0599");
  services::Actor victor = actor_as("victor", PrincipalKind::volunteer, "GM0599");
  services::FieldVisits visits{*db, clock, config, 5};
  std::int64_t anna = 0;
};

TEST_F(FieldVisitsTest, TheHolderSeesThePersonWithTheConsentTextOthersAreRefusedAlike) {
  auto v = visits.person(vera, anna, "nl");
  ASSERT_TRUE(v) << v.error().what();
  EXPECT_EQ(v->person.name, "Anna de Vries");
  EXPECT_EQ(v->consent.id, "volunteer-consent");
  ASSERT_EQ(v->consent.purposes.size(), 3u);
  EXPECT_EQ(v->consent.purposes[0].purpose, "share:GM0599");
  EXPECT_EQ(visits.person(victor, anna, "nl").error().what(), "contact_id: not assigned to you");
  EXPECT_EQ(visits.person(victor, 999999, "nl").error().what(), "contact_id: not assigned to you");
  EXPECT_EQ(visits.record(victor, report("not_reached")).error().code, core::ErrorCode::forbidden);
}

TEST_F(FieldVisitsTest, WantsHelpWithConsentToShareOpensACaseWithTheConsentEvidence) {
  auto r = visits.record(vera, report("reached_wants_help", {"share:GM0599", "peer-contact"}));
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_TRUE(r->case_id);
  EXPECT_FALSE(r->repeated);
  EXPECT_TRUE(storage::ConsentLedger(*db).has_consent(anna, "share:GM0599", "sms"));
  bool evidence = false;
  for (const auto& e : storage::ConsentLedger(*db).history(anna)) {
    if (e.purpose == "share:GM0599") {
      evidence = e.text_id == "volunteer-consent" && e.language == "nl" && e.collector == "vera" && e.source == "volunteer";
    }
  }
  EXPECT_TRUE(evidence);
}

TEST_F(FieldVisitsTest, TheSameFormPostedTwiceRecordsOnceAndAnswersTheSame) {
  auto first = visits.record(vera, report("reached_wants_help", {"share:GM0599"}));
  auto second = visits.record(vera, report("reached_wants_help", {"share:GM0599"}));
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(second->repeated);
  EXPECT_EQ(second->contact_log_id, first->contact_log_id);
  EXPECT_EQ(second->case_id, first->case_id);
  EXPECT_EQ(logs(), 1);
  EXPECT_TRUE(visits.record(vera, report("not_reached", {}, "form-key-0002")));
  EXPECT_EQ(logs(), 2);
}

TEST_F(FieldVisitsTest, PurposesOutsideTheTextAndAStaleVersionAreRefusedAndNothingIsRecorded) {
  EXPECT_EQ(visits.record(vera, report("reached_no_help", {"share:GM0606"})).error().what(),
            "consent: 'share:GM0606' is not a purpose of this consent text");
  auto stale = report("reached_no_help", {"peer-contact"});
  stale.consent_version = "2020-01";
  EXPECT_EQ(visits.record(vera, stale).error().code, core::ErrorCode::conflict);
  EXPECT_EQ(visits.record(vera, report("no_such_outcome")).error().where, "outcome");
  auto short_key = report("not_reached");
  short_key.form_key = "abc";
  EXPECT_EQ(visits.record(vera, short_key).error().where, "_key");
  EXPECT_EQ(logs(), 0);
}

}  // namespace
}  // namespace outreach::test
