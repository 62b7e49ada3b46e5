#include "storage/contact_store.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/outbox.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

core::Urn urn(const char* text) { return core::Urn::parse(text).take(); }

class ContactStoreTest : public test::BackendStorageTest {
 protected:
  Contact contact(const std::string& name, std::vector<const char*> urns, std::vector<std::string> tags = {}) {
    Contact c;
    c.name = name;
    c.municipality = "GM0599";
    for (const char* u : urns) c.addresses.push_back({urn(u)});
    c.tags = std::move(tags);
    return c;
  }
  void SetUp() override {
    BackendStorageTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    add_municipality("GM0599");
  }

  ContactStore store{*db};
  SuppressionList suppressions{*db, "test-suppression-key"};
};

// Addresses stored without their keyed hash (before migration 17), or with one made under a replaced
// server secret, are hashed at the engine's start-up; the policy then finds a STOP through the hash.
TEST_P(ContactStoreTest, FillAddressHashesHashesWhatHasNoneOrAnotherKeysAndNothingTwice) {
  const auto anna = store.add(contact("Anna", {"tel:0612345678", "mailto:anna@example.org"}), now()).take();
  store.add(contact("Bram", {"tel:0687654321"}), now()).take();
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_urns WHERE address_hash IS NULL AND address_hash_key IS NULL"), 3);
  EXPECT_EQ(store.fill_address_hashes(suppressions).take(), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_urns WHERE address_hash_key = '" + suppressions.key_id() + "'"), 3);
  auto got = store.get(anna).take();
  ASSERT_EQ(got.addresses.size(), 2u);
  EXPECT_EQ(got.addresses[0].address_hash, suppressions.hash(urn("tel:0612345678")));
  EXPECT_EQ(got.addresses[0].address_hash_key, suppressions.key_id());
  EXPECT_EQ(store.fill_address_hashes(suppressions).take(), 0) << "nothing is hashed twice";
  // A new server secret: every stored hash is made again under the new key.
  SuppressionList renewed(*db, "another-suppression-key");
  EXPECT_EQ(store.fill_address_hashes(renewed).take(), 3);
  EXPECT_EQ(store.get(anna).take().addresses[1].address_hash, renewed.hash(urn("mailto:anna@example.org")));
  EXPECT_FALSE(store.fill_address_hashes(SuppressionList(*db, "")));
}

TEST_P(ContactStoreTest, AddStoresAddressesTagsAndDefaults) {
  auto c = contact("Anna", {"tel:0612345678", "mailto:Anna@Example.org"}, {"herstel", "rijnmond"});
  c.language = "";
  auto id = store.add(c, now()).take();
  auto got = store.get(id).take();
  EXPECT_EQ(got.name, "Anna");
  EXPECT_EQ(got.language, "nl");
  EXPECT_EQ(got.municipality, "GM0599");
  EXPECT_EQ(got.created_at, now());
  ASSERT_EQ(got.addresses.size(), 2u);
  EXPECT_EQ(got.addresses[0].urn.str(), "tel:+31612345678");
  EXPECT_EQ(got.addresses[1].urn.str(), "mailto:Anna@example.org");
  EXPECT_EQ(got.tags, (std::vector<std::string>{"herstel", "rijnmond"}));
  EXPECT_FALSE(got.erased);
  EXPECT_EQ(store.count(), 1);
}

// Tags come back in byte order from every read, on PostgreSQL too whatever the database's
// collation: here the column takes ICU's root collation, as a database created under en_US or
// nl_NL would sort it ("buurt" before "Wijkteam").
TEST_P(ContactStoreTest, TagsAreInByteOrderWhateverTheCollation) {
  if (on_postgres()) db->exec("ALTER TABLE contact_tags ALTER COLUMN tag TYPE TEXT COLLATE \"und-x-icu\"");
  const std::vector<std::string> byte_order{"Wijkteam", "buurt", "zorg-vraag", "zorgteam"};
  auto id = store.add(contact("Anna", {"tel:0612345678"}, {"zorgteam", "buurt", "Wijkteam", "zorg-vraag"}), now()).take();
  EXPECT_EQ(store.get(id)->tags, byte_order);
  auto many = store.get_many({id});
  ASSERT_EQ(many.size(), 1u);
  EXPECT_EQ(many[0].tags, byte_order);
  std::vector<std::string> seen;
  store.for_each([&](const Contact& c) { seen = c.tags; });
  EXPECT_EQ(seen, byte_order);
}

TEST_P(ContactStoreTest, AddressBelongsToOneContact) {
  store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  auto second = store.add(contact("Bram", {"mailto:bram@example.org", "tel:+31 6 1234 5678"}), now());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(second.error().what(), "tel: address tel:+31612345678 already belongs to another contact");
  // Nothing of Bram remains: not the contact, not the address that did fit.
  EXPECT_EQ(store.count(), 1);
  EXPECT_FALSE(store.find_by_urn(urn("mailto:bram@example.org")));
}

TEST_P(ContactStoreTest, SameAddressTwiceInOneContactIsKeptOnce) {
  auto id = store.add(contact("Anna", {"tel:0612345678", "tel:+31612345678"}), now()).take();
  EXPECT_EQ(store.get(id)->addresses.size(), 1u);
}

TEST_P(ContactStoreTest, UnknownMunicipalityIsRefusedAndNothingRemains) {
  auto c = contact("Anna", {"tel:0612345678"}, {"herstel"});
  c.municipality = "GM0001";
  auto id = store.add(c, now());
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(id.error().what(), "municipality: unknown municipality 'GM0001'");
  EXPECT_EQ(sql_int("SELECT count(*) FROM contacts"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_urns"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM contact_tags"), 0);
}

TEST_P(ContactStoreTest, FailedAddInsideACallersTransactionLeavesNothingBehind) {
  store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  auto st = db->transaction([&]() -> core::Status {
    auto bram = store.add(contact("Bram", {"mailto:bram@example.org", "tel:0612345678"}), now());
    EXPECT_FALSE(bram);
    auto cor = store.add(contact("Cor", {"mailto:cor@example.org"}), now());
    EXPECT_TRUE(cor);
    return {};  // the import goes on with the next row
  });
  ASSERT_TRUE(st);
  EXPECT_EQ(store.count(), 2);
  EXPECT_FALSE(store.find_by_urn(urn("mailto:bram@example.org")));
  EXPECT_EQ(store.find_by_urn(urn("mailto:cor@example.org"))->name, "Cor");
}

TEST_P(ContactStoreTest, FindByUrnUsesTheNormalisedAddress) {
  auto id = store.add(contact("Anna", {"tel:06-12345678"}), now()).take();
  EXPECT_EQ(store.find_by_urn(urn("tel:+31 6 12 34 56 78"))->id, id);
  auto missing = store.find_by_urn(urn("tel:0687654321"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().what(), "no contact with address tel:+31687654321");
}

TEST_P(ContactStoreTest, BadAddressIsNotUsable) {
  auto id = store.add(contact("Anna", {"mailto:old@example.org", "mailto:new@example.org"}), now()).take();
  ASSERT_TRUE(store.mark_address_bad("mailto:old@example.org", "550 mailbox unavailable"));
  auto got = store.get(id).take();
  EXPECT_TRUE(got.addresses[0].bad);
  EXPECT_EQ(got.addresses[0].bad_reason, "550 mailbox unavailable");
  ASSERT_NE(got.address(core::UrnScheme::mailto), nullptr);
  EXPECT_EQ(got.address(core::UrnScheme::mailto)->str(), "mailto:new@example.org");
  EXPECT_EQ(got.address(core::UrnScheme::tel), nullptr);

  auto st = store.mark_address_bad("mailto:nobody@example.org", "bounce");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().what(), "no contact with address mailto:nobody@example.org");
}

TEST_P(ContactStoreTest, DoNotContactIsKeptWithReason) {
  auto id = store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  ASSERT_TRUE(store.set_do_not_contact(id, true, "asked by phone"));
  auto got = store.get(id).take();
  EXPECT_TRUE(got.do_not_contact);
  EXPECT_EQ(got.dnc_reason, "asked by phone");
  ASSERT_TRUE(store.set_do_not_contact(id, false, ""));
  EXPECT_FALSE(store.get(id)->do_not_contact);
  EXPECT_EQ(store.set_do_not_contact(999, true, "x").error().what(), "no contact with id 999");
}

TEST_P(ContactStoreTest, EraseKeepsAnonymousTombstone) {
  auto id = store.add(contact("Anna", {"tel:0612345678", "mailto:anna@example.org"}, {"herstel"}), now()).take();
  ConsentLedger ledger(*db);
  ConsentEvent grant;
  grant.contact_id = id;
  grant.purpose = "share:GM0599";
  grant.source = "web_form";
  grant.collector = "form";
  grant.at = now();
  ledger.record(grant).take();
  db->exec("INSERT INTO campaigns(id, key, name, state, version, author, created_at, updated_at) "
                 "VALUES(1, 'c', 'C', 'running', 1, 'x', 0, 0)");
  db->exec("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, urn, updated_at) "
                 "VALUES(1, 1, 0, " + std::to_string(id) + ", 'sent', 'tel:+31612345678', 0), "
                 "(1, 1, 1, " + std::to_string(id) + ", 'waiting', NULL, 0)");
  ResponseStore responses(*db);
  Response r;
  r.contact_id = id;
  r.channel = "sms";
  r.urn = "tel:+31612345678";
  r.provider_message_id = "m1";
  r.text = "Ja, ik wil graag hulp. Anna, Dorpsstraat 1";
  r.received_at = now();
  responses.record(r).take();

  clock.advance(std::chrono::hours(24));
  ASSERT_TRUE(store.erase(id, suppressions, now()));

  auto got = store.get(id).take();
  EXPECT_TRUE(got.erased);
  EXPECT_EQ(got.name, "");
  EXPECT_EQ(got.municipality, "GM0599");  // aggregated counts per municipality still add up
  EXPECT_TRUE(got.do_not_contact);
  EXPECT_TRUE(got.addresses.empty());
  EXPECT_TRUE(got.tags.empty());
  EXPECT_TRUE(ledger.history(id).empty());
  EXPECT_FALSE(store.find_by_urn(urn("tel:0612345678")));
  ASSERT_EQ(responses.for_contact(id).size(), 1u);
  EXPECT_EQ(responses.for_contact(id)[0].text, "");
  EXPECT_EQ(responses.for_contact(id)[0].urn, "");
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE contact_id = " + std::to_string(id)), 2);
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE urn IS NOT NULL"), 0);
  EXPECT_EQ(sql_text("SELECT status || '/' || reason FROM messages WHERE step = 1"), "suppressed/erased");
  EXPECT_EQ(store.count(), 0);

  // The address is free again: the same person may sign up anew.
  EXPECT_TRUE(store.add(contact("Anna", {"tel:0612345678"}), now()));
  EXPECT_EQ(store.erase(id, suppressions, now()).error().what(), "no contact with id " + std::to_string(id));
}

TEST_P(ContactStoreTest, EraseClosesOpenCasesAndForgetsTheirNotes) {
  auto id = store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  CaseStore cases(*db);
  auto case_id = cases.open(id, "GM0599", std::nullopt, now(), now() + std::chrono::hours(72), "engine").take();
  ASSERT_TRUE(cases.set_status(case_id, "acknowledged", "gm0599", now(), "Anna belt terug na 17:00, Dorpsstraat 1"));
  ASSERT_TRUE(store.erase(id, suppressions, now()));
  auto c = cases.get(case_id).take();
  EXPECT_EQ(c.status, "closed");
  EXPECT_EQ(c.closed_at, now());
  EXPECT_TRUE(cases.due_for_escalation(now() + std::chrono::hours(1000)).empty());
  std::vector<std::string> notes;
  for (const auto& e : cases.history(case_id)) notes.push_back(e.status + ":" + e.note);
  EXPECT_EQ(notes, (std::vector<std::string>{"open:", "acknowledged:", "closed:contact erased"}));
}

TEST_P(ContactStoreTest, EraseBlanksRepliesFromItsAddressesReceivedBeforeTheyWereLinked) {
  ResponseStore responses(*db);
  Response r;
  r.channel = "sms";
  r.urn = "tel:+31612345678";
  r.provider_message_id = "m0";
  r.text = "Ik ben Anna, bel me";
  r.received_at = now();
  responses.record(r).take();
  r.urn = "tel:+31687654321";
  r.provider_message_id = "m1";
  r.text = "iemand anders";
  responses.record(r).take();
  Outbox outbox(*db);
  SandboxDelivery preview;
  preview.channel = "sms";
  preview.urn = "tel:+31612345678";
  preview.body = "Beste Anna";
  preview.at = now();
  ASSERT_TRUE(outbox.record_sandbox(preview));

  auto id = store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  ASSERT_TRUE(store.erase(id, suppressions, now()));
  EXPECT_EQ(sql_text(on_postgres() ? "SELECT string_agg(text, '|' ORDER BY id) FROM responses"
                                 : "SELECT group_concat(text, '|') FROM (SELECT text FROM responses ORDER BY id)"), "|iemand anders");
  EXPECT_TRUE(outbox.sandbox(10).empty());
}

TEST_P(ContactStoreTest, EraseLeavesASuppressionEntryForEveryAddress) {
  auto id = store.add(contact("Anna", {"tel:0612345678", "mailto:anna@example.org"}), now()).take();
  ASSERT_TRUE(store.mark_address_bad("mailto:anna@example.org", "550 no such user"));
  ASSERT_TRUE(store.erase(id, suppressions, now()));
  for (const char* a : {"tel:+31612345678", "mailto:anna@example.org"}) {
    auto entry = suppressions.find(urn(a)).take();
    ASSERT_TRUE(entry.has_value()) << a;
    EXPECT_EQ(entry->reason, "erased") << a;
    EXPECT_EQ(entry->at, now());
  }
  EXPECT_EQ(suppressions.count(), 2);
  EXPECT_EQ(sql_int("SELECT count(*) FROM suppressions WHERE address_hash LIKE '%anna%'"), 0);
}

TEST_P(ContactStoreTest, EraseAfterAWithdrawalRecordsTheOptOut) {
  ConsentLedger ledger(*db);
  auto record = [&](std::int64_t who, const std::string& purpose, ConsentAction action, const std::string& channel) {
    ConsentEvent e;
    e.contact_id = who;
    e.purpose = purpose;
    e.channel = channel;
    e.action = action;
    e.source = "sms_keyword";
    e.collector = "inbound:sms";
    e.at = now();
    ledger.record(e).take();
  };
  auto anna = store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  record(anna, "outreach", ConsentAction::grant, "*");
  record(anna, "outreach", ConsentAction::withdraw, "*");
  // Took it back, then withdrew only sharing: not an opt-out of being contacted.
  auto bram = store.add(contact("Bram", {"tel:0687654321"}), now()).take();
  record(bram, "outreach", ConsentAction::withdraw, "*");
  record(bram, "outreach", ConsentAction::grant, "*");
  record(bram, "share:GM0599", ConsentAction::withdraw, "*");
  // Asked a volunteer for no contact.
  auto cor = store.add(contact("Cor", {"mailto:cor@example.org"}), now()).take();
  ASSERT_TRUE(store.set_do_not_contact(cor, true, "asked volunteer for no contact"));

  for (auto id : {anna, bram, cor}) ASSERT_TRUE(store.erase(id, suppressions, now()));
  EXPECT_EQ(suppressions.find(urn("tel:+31612345678")).take()->reason, "erased_after_opt_out");
  EXPECT_EQ(suppressions.find(urn("tel:+31687654321")).take()->reason, "erased");
  EXPECT_EQ(suppressions.find(urn("mailto:cor@example.org")).take()->reason, "erased_after_opt_out");
}

TEST_P(ContactStoreTest, EraseWithoutASuppressionKeyErasesNothing) {
  auto id = store.add(contact("Anna", {"tel:0612345678"}), now()).take();
  SuppressionList unkeyed(*db, "");
  ASSERT_FALSE(store.erase(id, unkeyed, now()));
  auto got = store.get(id).take();
  EXPECT_FALSE(got.erased);
  EXPECT_EQ(got.name, "Anna");
  EXPECT_EQ(got.addresses.size(), 1u);
}

TEST_P(ContactStoreTest, EraseClearsProviderIdsDiagnosticsAndReplyIds) {
  auto id = store.add(contact("Anna", {"mailto:anna@example.org"}), now()).take();
  db->exec("INSERT INTO campaigns(id, key, name, state, version, author, created_at, updated_at) "
                 "VALUES(1, 'c', 'c', 'running', 1, 'x', 0, 0)");
  db->exec("INSERT INTO messages(id, campaign_id, campaign_version, step, contact_id, status, urn, provider_id, "
                 "reason, updated_at) VALUES(10, 1, 1, 0, " + std::to_string(id) + ", 'undelivered', "
                 "'mailto:anna@example.org', '<m1@outreach>', '550 5.1.1 <anna@example.org>: unknown user', 0)");
  db->exec("INSERT INTO message_events(message_id, at, status, provider_id, detail) VALUES "
                 "(10, 0, 'sent', '<m1@outreach>', NULL), (10, 1, 'undelivered', '<m1@outreach>', "
                 "'550 5.1.1 <anna@example.org>: unknown user')");
  ResponseStore responses(*db);
  Response r;
  r.contact_id = id;
  r.channel = "email";
  r.urn = "mailto:anna@example.org";
  r.provider_message_id = "<reply-1@example.org>";
  r.text = "Bel me";
  r.received_at = now();
  responses.record(r).take();

  ASSERT_TRUE(store.erase(id, suppressions, now()));
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE provider_id IS NOT NULL OR reason IS NOT NULL"), 0);
  EXPECT_EQ(sql_text("SELECT status FROM messages WHERE id = 10"), "undelivered");
  EXPECT_EQ(sql_int("SELECT count(*) FROM message_events WHERE provider_id IS NOT NULL OR detail IS NOT NULL"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM message_events"), 2) << "the delivery history still adds up";
  EXPECT_EQ(sql_int("SELECT count(*) FROM responses WHERE provider_message_id LIKE '%example.org%'"), 0);
}

TEST_P(ContactStoreTest, ForEachStreamsAddressesAndTags) {
  auto a = store.add(contact("Anna", {"tel:0612345678"}, {"b", "a"}), now()).take();
  auto b = store.add(contact("Bram", {}), now()).take();
  auto c = store.add(contact("Cor", {"mailto:cor@example.org", "tel:0687654321"}, {"x"}), now()).take();
  ASSERT_TRUE(store.erase(b, suppressions, now()));
  auto d = store.add(contact("Dirk", {}, {"y"}), now()).take();

  std::vector<Contact> seen;
  store.for_each([&](const Contact& x) { seen.push_back(x); });
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].id, a);
  EXPECT_EQ(seen[0].addresses.size(), 1u);
  EXPECT_EQ(seen[0].tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(seen[1].id, c);
  ASSERT_EQ(seen[1].addresses.size(), 2u);
  EXPECT_EQ(seen[1].addresses[1].urn.str(), "tel:+31687654321");
  EXPECT_EQ(seen[1].tags, (std::vector<std::string>{"x"}));
  EXPECT_EQ(seen[2].id, d);
  EXPECT_TRUE(seen[2].addresses.empty());
  EXPECT_EQ(seen[2].tags, (std::vector<std::string>{"y"}));
}

TEST_P(ContactStoreTest, UnknownIdIsNotFound) {
  auto got = store.get(42);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(got.error().what(), "no contact with id 42");
}

OUTREACH_ON_EACH_BACKEND(ContactStoreTest);

}  // namespace
}  // namespace outreach::storage
