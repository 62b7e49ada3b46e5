#include "storage/consent_ledger.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class ConsentLedgerTest : public test::BackendStorageTest {
 protected:
  std::int64_t record(std::int64_t contact, const std::string& purpose, const std::string& channel,
                      ConsentAction action) {
    ConsentEvent e;
    e.contact_id = contact;
    e.purpose = purpose;
    e.channel = channel;
    e.action = action;
    e.source = "sms_keyword";
    e.collector = "engine";
    e.at = now();
    clock.advance(std::chrono::minutes(1));
    return ledger.record(e).take();
  }
  std::string raw_error(const std::string& sql) {
    try {
      db->exec(sql);
    } catch (const storage::SqlError& e) {
      return e.what();
    }
    return "no error";
  }

  ConsentLedger ledger{*db};
  std::int64_t anna = add_contact("Anna");
};

constexpr auto grant = ConsentAction::grant;
constexpr auto withdraw = ConsentAction::withdraw;

TEST_P(ConsentLedgerTest, NoEventsMeansNoConsent) {
  EXPECT_FALSE(ledger.has_consent(anna, "outreach", "sms"));
  EXPECT_FALSE(ledger.state(anna, "outreach").withdrawn_anywhere());
}

TEST_P(ConsentLedgerTest, LatestEventOnChannelOrStarWins) {
  record(anna, "outreach", "*", grant);
  EXPECT_TRUE(ledger.has_consent(anna, "outreach", "sms"));
  EXPECT_TRUE(ledger.has_consent(anna, "outreach", "email"));

  record(anna, "outreach", "sms", withdraw);  // STOP by SMS: only SMS is off
  EXPECT_FALSE(ledger.has_consent(anna, "outreach", "sms"));
  EXPECT_TRUE(ledger.has_consent(anna, "outreach", "email"));
  EXPECT_TRUE(ledger.state(anna, "outreach").withdrawn_anywhere());

  record(anna, "outreach", "*", grant);  // a later grant for all channels covers SMS again
  EXPECT_TRUE(ledger.has_consent(anna, "outreach", "sms"));

  record(anna, "outreach", "*", withdraw);
  EXPECT_FALSE(ledger.has_consent(anna, "outreach", "email"));
  EXPECT_FALSE(ledger.has_consent(anna, "outreach", "*"));

  record(anna, "outreach", "email", grant);
  EXPECT_TRUE(ledger.has_consent(anna, "outreach", "email"));
  EXPECT_FALSE(ledger.has_consent(anna, "outreach", "sms"));
}

TEST_P(ConsentLedgerTest, PurposesAndContactsAreSeparate) {
  auto bram = add_contact("Bram");
  record(anna, "share:GM0599", "*", grant);
  EXPECT_TRUE(ledger.has_consent(anna, "share:GM0599", "*"));
  EXPECT_FALSE(ledger.has_consent(anna, "outreach", "*"));
  EXPECT_FALSE(ledger.has_consent(bram, "share:GM0599", "*"));
}

// Every purpose once, in byte order on PostgreSQL too whatever the database's collation (here
// ICU's root collation, as under en_US or nl_NL: "brede-ondersteuning" before "Herstel").
TEST_P(ConsentLedgerTest, PurposesAreListedOnceInByteOrderWhateverTheCollation) {
  if (on_postgres()) {
    // The append-only triggers stay; only the column's collation changes.
    db->exec("ALTER TABLE consent_events ALTER COLUMN purpose TYPE TEXT COLLATE \"und-x-icu\"");
  }
  record(anna, "herstel", "sms", grant);
  record(anna, "brede-ondersteuning", "sms", grant);
  record(anna, "Herstel", "*", grant);
  record(anna, "herstel", "email", withdraw);
  EXPECT_EQ(ledger.purposes(), (std::vector<std::string>{"Herstel", "brede-ondersteuning", "herstel"}));
}

TEST_P(ConsentLedgerTest, EventKeepsItsEvidence) {
  ConsentEvent e;
  e.contact_id = anna;
  e.purpose = "share:GM0599";
  e.channel = "";
  e.source = "web_form";
  e.text_id = "share-consent";
  e.text_version = "3";
  e.language = "nl";
  e.collector = "volunteer:els";
  e.at = now();
  e.origin_message_id = 7;
  e.origin_form = "intake-2026";
  auto id = ledger.record(e).take();
  auto history = ledger.history(anna);
  ASSERT_EQ(history.size(), 1u);
  const auto& h = history[0];
  EXPECT_EQ(h.id, id);
  EXPECT_EQ(h.channel, "*");
  EXPECT_EQ(h.action, ConsentAction::grant);
  EXPECT_EQ(h.source, "web_form");
  EXPECT_EQ(h.text_id, "share-consent");
  EXPECT_EQ(h.text_version, "3");
  EXPECT_EQ(h.language, "nl");
  EXPECT_EQ(h.collector, "volunteer:els");
  EXPECT_EQ(h.at, now());
  EXPECT_EQ(h.origin_message_id, 7);
  EXPECT_EQ(h.origin_form, "intake-2026");
}

TEST_P(ConsentLedgerTest, EventWithoutEvidenceIsRefused) {
  ConsentEvent e;
  e.contact_id = anna;
  e.purpose = "outreach";
  e.collector = "engine";
  auto r = ledger.record(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "source: consent source is empty");
  e.source = "cli";
  e.purpose = "";
  EXPECT_EQ(ledger.record(e).error().what(), "purpose: consent purpose is empty");
  e.purpose = "outreach";
  e.collector = "";
  EXPECT_EQ(ledger.record(e).error().what(), "collector: consent collector is empty");
  EXPECT_TRUE(ledger.history(anna).empty());
}

TEST_P(ConsentLedgerTest, UnknownContactIsNotFound) {
  ConsentEvent e;
  e.contact_id = 999;
  e.purpose = "outreach";
  e.source = "cli";
  e.collector = "engine";
  auto r = ledger.record(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(r.error().what(), "contact_id: no contact with id 999");
}

TEST_P(ConsentLedgerTest, RowsCannotBeUpdatedOrDeleted) {
  record(anna, "outreach", "*", grant);
  EXPECT_EQ(raw_error("UPDATE consent_events SET action = 'withdraw'"), "the consent ledger is append-only");
  EXPECT_EQ(raw_error("DELETE FROM consent_events"), "the consent ledger is append-only");
  EXPECT_TRUE(ledger.has_consent(anna, "outreach", "sms"));
  EXPECT_EQ(ledger.history(anna).size(), 1u);
}

TEST_P(ConsentLedgerTest, BetweenIsHalfOpen) {
  auto start = now();
  record(anna, "outreach", "*", grant);     // start
  record(anna, "outreach", "sms", withdraw);  // start + 1 min
  record(anna, "outreach", "sms", grant);     // start + 2 min
  auto got = ledger.between(start + std::chrono::minutes(1), start + std::chrono::minutes(2));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].action, ConsentAction::withdraw);
  EXPECT_EQ(ledger.between(start, start + hours(1)).size(), 3u);
}

TEST_P(ConsentLedgerTest, ForEachStateVisitsEveryContactOnceInIdOrder) {
  auto bram = add_contact("Bram");
  auto cor = add_contact("Cor");
  record(cor, "outreach", "*", grant);
  record(anna, "outreach", "*", grant);
  record(bram, "share:GM0599", "*", grant);
  record(anna, "outreach", "*", withdraw);
  std::vector<std::pair<std::int64_t, bool>> seen;
  ledger.for_each_state("outreach", [&](std::int64_t id, const ConsentState& s) {
    seen.emplace_back(id, s.granted("sms"));
  });
  EXPECT_EQ(seen, (std::vector<std::pair<std::int64_t, bool>>{{anna, false}, {cor, true}}));
}

OUTREACH_ON_EACH_BACKEND(ConsentLedgerTest);

}  // namespace
}  // namespace outreach::storage
