// Volunteer and intermediary reports against the suppression list: a person one of whose addresses
// is suppressed gets no consent from a report; their wish for no contact is still recorded.
#include "services/field_reports.h"

#include <gtest/gtest.h>

#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/suppression_list.h"
#include "tests/support/storage_fixture.h"

namespace outreach::test {
namespace {

constexpr const char* kKey = "test-suppression-key";

class FieldReportsTest : public StorageTest {
 protected:
  services::FieldReport report(std::int64_t contact, const std::string& outcome) {
    services::FieldReport r;
    r.log.contact_id = contact;
    r.log.collector = "vera";
    r.log.mode = "phone";
    r.log.outcome = outcome;
    r.log.at = now();
    r.consent = services::ConsentGiven{{"outreach", "peer-contact"}, "volunteer-script", "2", "nl"};
    r.source = "volunteer";
    r.origin = "contact-log";
    return r;
  }
  bool has(std::int64_t contact, const std::string& purpose) {
    return storage::ConsentLedger(*db).has_consent(contact, purpose, "sms");
  }
  services::FieldReports reports{*db, 5, kKey};
  storage::SuppressionList suppressions{*db, kKey};
};

TEST_F(FieldReportsTest, ConsentFromAReportIsRecordedForAnUnsuppressedPerson) {
  auto anna = add_contact("Anna", "GM0599", {"tel:+31612345678"});
  auto r = reports.record(report(anna, "reached_no_help"));
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->consent_events.size(), 2u);
  EXPECT_EQ(r->consent_refused, "");
  EXPECT_TRUE(has(anna, "outreach"));
}

TEST_F(FieldReportsTest, NoConsentIsRecordedForAPersonWithASuppressedAddress) {
  // Bram's phone number was an erased person's who had opted out; Bram got it since.
  auto bram = add_contact("Bram", "GM0599", {"mailto:bram@example.org", "tel:+31612345678"});
  suppressions.add({core::Urn::parse("tel:+31612345678").take()}, "erased_after_opt_out", now()).take();
  auto r = reports.record(report(bram, "asked_no_contact"));
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_TRUE(r->consent_events.empty());
  EXPECT_EQ(r->consent_refused, "suppressed");
  EXPECT_FALSE(has(bram, "outreach"));
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events"), 0);
  EXPECT_TRUE(storage::ContactStore(*db).get(bram)->do_not_contact) << "the wish for no contact still counts";
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_logs"), 1);
}

TEST_F(FieldReportsTest, WithoutAKeyAReportWithConsentFails) {
  auto anna = add_contact("Anna", "GM0599", {"tel:+31612345678"});
  services::FieldReports unkeyed(*db, 5, "");
  auto r = db->transaction([&]() -> core::Status {
    auto rec = unkeyed.record(report(anna, "reached_no_help"));
    if (!rec) return rec.error();
    return {};
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_logs"), 0);
}

}  // namespace
}  // namespace outreach::test
