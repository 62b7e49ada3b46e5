#include "storage/field_visit_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/suppression_list.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class FieldVisitStoreTest : public test::BackendStorageTest {
 protected:
  void municipality(const std::string& code, const std::string& name, const std::string& region = {}) {
    Municipality m;
    m.code = code;
    m.name = name;
    m.region_code = region;
    MunicipalityStore(*db).upsert(m).take();
  }
  std::int64_t person(const std::string& name, const std::string& code, const std::string& language) {
    Contact c;
    c.name = name;
    c.municipality = code;
    c.language = language;
    return ContactStore(*db).add(c, now()).take();
  }
  std::vector<std::string> codes(const std::vector<MunicipalityName>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(n.code + " " + n.name);
    return out;
  }

  FieldVisitStore store{*db};
};

TEST_P(FieldVisitStoreTest, SentToListsWhatLeftForThePersonOldestFirst) {
  auto anna = add_contact("Anna");
  auto bert = add_contact("Bert");
  db->exec("INSERT INTO campaigns(id, key, name, state, version, author, created_at, updated_at) "
           "VALUES(1, 'c', 'c', 'running', 1, 't', 0, 0)");
  auto message = [&](std::int64_t contact, int step, const char* status, const std::string& sent_at,
                     const char* channel) {
    return sql_int("INSERT INTO messages(campaign_id, campaign_version, step, contact_id, status, channel, sent_at, "
                   "updated_at) VALUES(1, 1, " + std::to_string(step) + ", " + std::to_string(contact) + ", '" + status +
                   "', " + channel + ", " + sent_at + ", 0) RETURNING id");
  };
  const auto t = [&](int h) { return std::to_string(core::to_millis(at(hours(h)))); };
  auto later = message(anna, 0, "read", t(5), "'sms'");
  auto earlier = message(anna, 1, "delivered", t(1), "'email'");
  auto unknown_time = message(anna, 2, "sent", "NULL", "NULL");
  message(anna, 3, "queued", "NULL", "'sms'");
  message(anna, 4, "failed", t(2), "'sms'");
  message(bert, 0, "sent", t(1), "'sms'");
  auto sent = store.sent_to(anna).take();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].id, unknown_time);
  EXPECT_EQ(sent[0].channel, "");
  EXPECT_FALSE(sent[0].sent_at);
  EXPECT_EQ(sent[1].id, earlier);
  EXPECT_EQ(sent[1].channel, "email");
  EXPECT_EQ(sent[1].sent_at, at(hours(1)));
  EXPECT_EQ(sent[1].step, 1);
  EXPECT_EQ(sent[1].campaign_id, 1);
  EXPECT_EQ(sent[1].campaign_version, 1);
  EXPECT_EQ(sent[2].id, later);
}

TEST_P(FieldVisitStoreTest, AScopeNamesMunicipalitiesAndRegionsAndTheirLanguages) {
  add_region("rijnmond", "GM0599");
  add_region("amstelland", "GM0363");
  municipality("GM0599", "Rotterdam", "rijnmond");
  municipality("GM0606", "Schiedam", "rijnmond");
  municipality("GM0363", "Amsterdam", "amstelland");
  municipality("GM1900", "'s-Gravenhage");  // a quote in the name
  Municipality merged;
  merged.code = "GM0001";
  merged.name = "Opgeheven";
  merged.region_code = "rijnmond";
  merged.valid_to = "2019-01-01";
  MunicipalityStore(*db).upsert(merged).take();

  EXPECT_EQ(codes(store.municipalities_in({"rijnmond"}).take()),
            (std::vector<std::string>{"GM0599 Rotterdam", "GM0606 Schiedam"}));
  EXPECT_EQ(codes(store.municipalities_in({"GM0363", "GM0606", "GM1900"}).take()),
            (std::vector<std::string>{"GM1900 's-Gravenhage", "GM0363 Amsterdam", "GM0606 Schiedam"}));
  EXPECT_TRUE(store.municipalities_in({}).take().empty());
  EXPECT_TRUE(store.municipalities_in({"nowhere\""}).take().empty());

  person("A", "GM0599", "nl");
  person("B", "GM0599", "tr");
  person("C", "GM0606", "ar");
  person("D", "GM0363", "en");
  auto gone = person("E", "GM0599", "pl");
  SuppressionList suppressions(*db, "test-suppression-key");
  ASSERT_TRUE(ContactStore(*db).erase(gone, suppressions, now()));
  EXPECT_EQ(store.languages_in({"GM0599", "GM0606"}).take(), (std::vector<std::string>{"ar", "nl", "tr"}));
  EXPECT_TRUE(store.languages_in({}).take().empty());
}

// Byte order, as SQLite sorts, on PostgreSQL too, whatever the database's collation: here the
// columns take ICU's root collation, as a database created under en_US or nl_NL would sort them
// ("de Wolden" before "Zwolle", "NL" after "ar").
TEST_P(FieldVisitStoreTest, NamesAndLanguagesSortByteWiseWhateverTheCollation) {
  if (on_postgres()) {
    db->exec("ALTER TABLE municipalities ALTER COLUMN name TYPE TEXT COLLATE \"und-x-icu\"; "
             "ALTER TABLE contacts ALTER COLUMN language TYPE TEXT COLLATE \"und-x-icu\"");
  }
  add_region("r", "GM0001");
  municipality("GM0001", "Zwolle", "r");
  municipality("GM0002", "de Wolden", "r");
  municipality("GM0003", "Amsterdam", "r");
  municipality("GM0004", "Súdwest-Fryslân", "r");
  municipality("GM0005", "Sneek", "r");
  EXPECT_EQ(codes(store.municipalities_in({"r"}).take()),
            (std::vector<std::string>{"GM0003 Amsterdam", "GM0005 Sneek", "GM0004 Súdwest-Fryslân", "GM0001 Zwolle",
                                      "GM0002 de Wolden"}));
  person("A", "GM0001", "nl");
  person("B", "GM0001", "NL");
  person("C", "GM0002", "ar");
  person("D", "GM0002", "ar");
  EXPECT_EQ(store.languages_in({"GM0001", "GM0002"}).take(), (std::vector<std::string>{"NL", "ar", "nl"}));
}

TEST_P(FieldVisitStoreTest, AFormIsRecordedOnceUnderItsKey) {
  EXPECT_FALSE(store.submission("k1").take());
  ASSERT_TRUE(store.add_submission("k1", "vera", "contact_log", R"({"id":7})", now()));
  EXPECT_EQ(store.submission("k1").take(), R"({"id":7})");
  auto again = store.add_submission("k1", "vera", "contact_log", R"({"id":8})", now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(store.submission("k1").take(), R"({"id":7})");
}

OUTREACH_ON_EACH_BACKEND(FieldVisitStoreTest);

}  // namespace
}  // namespace outreach::storage
