// Contact import against the suppression list: a row with the address of someone who opted out or
// was erased is left out, counted apart, and named by its line, never by its address.
#include "services/contact_import.h"

#include <gtest/gtest.h>

#include "engine/audience_source.h"
#include "storage/contact_store.h"
#include "storage/suppression_list.h"
#include "tests/support/storage_fixture.h"

namespace outreach::test {
namespace {

class ContactImport : public StorageTest {
 protected:
  void SetUp() override { add_municipality("GM0599"); }
  core::Result<services::ImportReport> import(const std::string& csv, const storage::SuppressionList* list) {
    services::ImportOptions o;
    o.file_name = "list.csv";
    o.suppressions = list;
    return services::import_contacts(*db, csv, o, now());
  }
  storage::SuppressionList suppressions{*db, "test-suppression-key"};
};

const char* kList =
    "name,phone,email,municipality\n"
    "Anna,06 1234 5678,,GM0599\n"
    "Bram,0687654321,bram@example.org,GM0599\n"
    "Cor,,cor@example.org,GM0599\n"
    "Dirk,06-12,,GM0599\n";

TEST_F(ContactImport, ARowWithASuppressedAddressIsNotImportedAndIsNamedByItsLine) {
  suppressions.add({core::Urn::parse("tel:+31612345678").take()}, "erased_after_opt_out", now()).take();
  suppressions.add({core::Urn::parse("mailto:bram@example.org").take()}, "opted_out", now()).take();
  auto r = import(kList, &suppressions);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->imported, 1);
  ASSERT_EQ(r->suppressed.size(), 2u);
  EXPECT_EQ(r->suppressed[0].line, 2);
  EXPECT_EQ(r->suppressed[0].reason, "suppressed: the address of a person who opted out or was erased");
  EXPECT_EQ(r->suppressed[1].line, 3) << "one suppressed address is enough to leave the row out";
  ASSERT_EQ(r->rejected.size(), 1u) << "suppressed rows are not counted as rejected";
  EXPECT_EQ(r->rejected[0].line, 5);
  storage::ContactStore contacts(*db);
  EXPECT_EQ(contacts.count(), 1);
  EXPECT_FALSE(contacts.find_by_urn(core::Urn::parse("tel:+31612345678").take()));
  EXPECT_FALSE(contacts.find_by_urn(core::Urn::parse("tel:+31687654321").take())) << "nothing of Bram half-written";
}

// A damaged export can carry a bell or a terminal escape in a name; the name goes into every
// message, so the row is rejected by its line and the rest is imported.
// Each imported address keeps its keyed hash, so the policy need not hash it on every list page; a
// STOP given later is found through it, and a hash made under another key is not trusted.
TEST_F(ContactImport, EachAddressIsStoredWithItsHashAndALaterStopIsFoundThroughIt) {
  auto r = import(kList, &suppressions);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_urns"), 4);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_urns WHERE address_hash_key = '" + suppressions.key_id() + "'"), 4);
  const auto bram_phone = core::Urn::parse("tel:0687654321").take();
  EXPECT_EQ(sql_text("SELECT address_hash FROM contact_urns WHERE urn = '" + bram_phone.str() + "'"),
            suppressions.hash(bram_phone));
  const std::int64_t bram = sql_int("SELECT contact_id FROM contact_urns WHERE urn = '" + bram_phone.str() + "'");
  auto suppressed = [&] { return engine::load_person_facts(*db, bram, &suppressions).take().suppressed; };
  EXPECT_FALSE(suppressed());
  suppressions.add({bram_phone}, "opted_out", now()).take();
  EXPECT_TRUE(suppressed());
  // A stored hash from another key (a replaced server secret) is set aside and the address hashed.
  db->exec("UPDATE contact_urns SET address_hash = 'stale', address_hash_key = '0123456789abcdef'");
  EXPECT_TRUE(suppressed());
}

TEST_F(ContactImport, ANameWithAControlCharacterIsRejectedByItsLine) {
  auto r = import("name,phone,municipality\n"
                  "Anna\x07,0612345678,GM0599\n"
                  "\"Bram\x1B[31m\",0687654321,GM0599\n"
                  "Cor\tde Vries,0611111111,GM0599\n",
                  &suppressions);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->imported, 1) << "a tab is not refused";
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].line, 2);
  EXPECT_EQ(r->rejected[0].reason, "name: control character U+0007 (only tabs and line breaks)");
  EXPECT_EQ(r->rejected[1].line, 3);
  EXPECT_EQ(r->rejected[1].reason, "name: control character U+001B (only tabs and line breaks)");
}

TEST_F(ContactImport, WithoutTheSuppressionListNothingIsImported) {
  auto r = import(kList, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "list.csv: no suppression list to check the rows against");
  EXPECT_EQ(storage::ContactStore(*db).count(), 0);
}

TEST_F(ContactImport, TheUseCaseIsACoordinatorsAndCommitsTheRowsWithOneAuditRecord) {
  services::ImportOptions o;
  o.file_name = "list.csv";
  o.suppressions = &suppressions;
  const auto volunteer = services::Actor{"vera", storage::PrincipalKind::volunteer, "GM0599", "test", "test"};
  auto refused = services::import_contacts(volunteer, *db, clock, kList, o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::forbidden);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contacts"), 0);

  const auto amira = services::Actor{"amira", storage::PrincipalKind::coordinator, "", "test", "test"};
  auto r = services::import_contacts(amira, *db, clock, kList, o);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->imported, 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contacts"), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'contacts.import' AND actor = 'amira' "
                    "AND subject = 'file:list.csv' AND detail = '3 imported, 1 rejected, 0 suppressed via=test'"),
            1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events WHERE collector <> 'amira'"), 0) << "the actor collected";
}

}  // namespace
}  // namespace outreach::test
