// Moving a SQLite database into PostgreSQL (storage/database_copy.h) against a real PostgreSQL 15:
// a sample filled through the stores is copied whole, reads back the same through the stores,
// keeps its audit chain, and a refused or failed copy leaves the target as it was.
#include "storage/database_copy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "storage/audit_log.h"
#include "storage/campaign_store.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"
#include "storage/suppression_list.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/storage_fixture.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class DatabaseCopyTest : public test::StorageTest {
 protected:
  // `db` (StorageTest) is the SQLite source, in memory; `pg` a fresh PostgreSQL database.
  void SetUp() override {
    auto* server = test::PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(server->ok(), server->error());
    url = server->create_database().take();
    pg = Database::open(url).take();
  }

  // A programme's worth of everything, through the stores.
  void fill() {
    add_region("Rijnmond", "GM0599");
    add_municipality("GM0599", "Rijnmond");
    zoe = add_contact("Zoë Ağaoğlu", "GM0599", {"tel:+31612340001", "mailto:zoe@example.nl"});
    bram = add_contact("Bram de Vries", "GM0599", {"tel:+31612340002"});
    erased = add_contact("Wiebe", "GM0599", {"tel:+31612340003"});
    ConsentLedger ledger(*db);
    for (std::int64_t who : {zoe, bram}) {
      ConsentEvent e;
      e.contact_id = who;
      e.purpose = "outreach";
      e.source = "paper";
      e.text_id = "toestemming-2026";
      e.text_version = "2";
      e.language = "nl";
      e.collector = "amira";
      e.at = now();
      ledger.record(e).take();
      clock.advance(minutes(1));
    }
    CampaignStore campaigns(*db);
    campaign = campaigns.save("herstel", "Herstel Rijnmond — “zorg”", "campaigns/herstel.yaml", "steps: []", "amira", now())
                   .take()
                   .campaign.id;
    const char* path[] = {"draft", "in_review", "approved", "running"};
    for (int i = 0; i < 3; ++i) campaigns.set_state(campaign, path[i], path[i + 1], "amira", now()).take();
    Outbox outbox(*db);
    outbox.enqueue_launch(campaign, 1, 2, {zoe, bram}, now(), now()).take();
    auto claimed = outbox.claim_due(now(), 10, now() + minutes(5)).take();
    ASSERT_FALSE(claimed.empty());
    MessageOutcome sent;
    sent.id = claimed[0].id;
    sent.status = MessageStatus::sent;
    sent.channel = "sms";
    sent.urn = "tel:+31612340001";
    sent.provider_id = "SM-1";
    sent.attempts = 1;
    outbox.record({sent}, now()).take();
    CaseStore cases(*db);
    case_id = cases.open(zoe, "GM0599", campaign, now(), now() + hours(72), "engine").take();
    cases.set_handler(case_id, "Sanne Öztürk", "gm0599", now()).take();
    AuditLog audit(*db);
    for (const char* subject : {"contact:1", "municipality:GM0599", "contact:2"}) {
      AuditRecord r;
      r.at = now();
      r.actor = "amira";
      r.action = "contacts.show";
      r.subject = subject;
      r.purpose = "outreach";
      r.request_id = "req-1";
      r.detail = "getoond aan coördinator";
      audit.append(r).take();
      clock.advance(std::chrono::seconds(1));
    }
    SuppressionList suppressions(*db, std::string(32, 'k'));
    ContactStore(*db).erase(erased, suppressions, now()).take();
  }

  // Every table of `d` (its schema_version aside) and its rows.
  std::map<std::string, std::int64_t> counts(Database& d) {
    std::map<std::string, std::int64_t> out;
    Statement st(d, Sql{"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                        "AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'"});
    std::vector<std::string> tables;
    while (st.executeStep()) tables.push_back(st.getColumn(0).getString());
    for (const auto& t : tables) out[t] = d.query_int64("SELECT count(*) FROM " + t);
    return out;
  }
  std::int64_t total(Database& d) {
    std::int64_t n = 0;
    for (const auto& [t, rows] : counts(d)) n += rows;
    return n;
  }

  std::string url;
  std::unique_ptr<Database> pg;
  std::int64_t zoe = 0, bram = 0, erased = 0, campaign = 0, case_id = 0;
};

TEST_F(DatabaseCopyTest, EveryTableOfTheLatestSchemaIsCopied) {
  // Empty databases at the latest schema: the copy's plan must cover every table on both sides,
  // or a table added by a migration on one side only fails here by name.
  auto report = copy_database(*db, *pg);
  ASSERT_TRUE(report) << report.error().what();
  std::set<std::string> copied;
  for (const auto& t : report->tables) copied.insert(t.table);
  std::set<std::string> sqlite_tables, pg_tables;
  for (const auto& [t, n] : counts(*db)) sqlite_tables.insert(t);
  for (const auto& [t, n] : counts(*pg)) pg_tables.insert(t);
  EXPECT_EQ(copied, sqlite_tables);
  EXPECT_EQ(copied, pg_tables);
  EXPECT_GE(copied.size(), 30u);
}

TEST_F(DatabaseCopyTest, CopiesEverythingAndTheStoresReadTheSameOnPostgres) {
  fill();
  std::vector<std::string> progress;
  CopyOptions options;
  options.batch_rows = 2;  // several batches per table
  options.on_table = [&](const std::string& t, std::int64_t) { progress.push_back(t); };
  auto report = copy_database(*db, *pg, options);
  ASSERT_TRUE(report) << report.error().what();

  const auto source = counts(*db);
  EXPECT_EQ(counts(*pg), source);
  std::int64_t rows = 0;
  for (const auto& t : report->tables) {
    EXPECT_EQ(t.source_rows, source.at(t.table)) << t.table;
    EXPECT_EQ(t.target_rows, t.source_rows) << t.table;
    rows += t.target_rows;
  }
  EXPECT_EQ(report->rows, rows);
  EXPECT_EQ(report->tables.size(), progress.size());
  for (const char* t : {"contacts", "contact_urns", "consent_events", "campaigns", "messages", "message_events", "cases",
                        "case_events", "audit_log", "suppressions"})
    EXPECT_GT(source.at(t), 0) << t << ": the sample should hold rows of it";

  // Parents before children: the order follows the foreign keys.
  auto pos = [&](const std::string& t) {
    for (std::size_t i = 0; i < report->tables.size(); ++i)
      if (report->tables[i].table == t) return i;
    return report->tables.size();
  };
  EXPECT_LT(pos("regions"), pos("municipalities"));
  EXPECT_LT(pos("municipalities"), pos("contacts"));
  EXPECT_LT(pos("contacts"), pos("messages"));
  EXPECT_LT(pos("messages"), pos("message_events"));

  // Read back through the stores on PostgreSQL: the same as on SQLite.
  auto z = ContactStore(*pg).get(zoe).take();
  EXPECT_EQ(z.name, "Zoë Ağaoğlu");
  ASSERT_EQ(z.addresses.size(), 2u);
  auto z_sqlite = ContactStore(*db).get(zoe).take();
  for (std::size_t i = 0; i < z.addresses.size(); ++i) EXPECT_EQ(z.addresses[i].urn, z_sqlite.addresses[i].urn);
  EXPECT_TRUE(ContactStore(*pg).get(erased).take().erased);
  EXPECT_EQ(ConsentLedger(*pg).history(zoe).size(), 1u);
  EXPECT_TRUE(ConsentLedger(*pg).has_consent(bram, "outreach", "sms"));
  EXPECT_EQ(CampaignStore(*pg).find("herstel").take().name, "Herstel Rijnmond — “zorg”");
  auto on_pg = Outbox(*pg).list(std::nullopt, campaign, 100);
  auto on_sqlite = Outbox(*db).list(std::nullopt, campaign, 100);
  ASSERT_EQ(on_pg.size(), on_sqlite.size());
  for (std::size_t i = 0; i < on_pg.size(); ++i) {
    EXPECT_EQ(on_pg[i].id, on_sqlite[i].id);
    EXPECT_EQ(on_pg[i].status, on_sqlite[i].status);
    EXPECT_EQ(on_pg[i].provider_id, on_sqlite[i].provider_id);
    EXPECT_EQ(on_pg[i].due_at, on_sqlite[i].due_at);
  }
  auto c = CaseStore(*pg).get(case_id).take();
  EXPECT_EQ(c.handler_name, "Sanne Öztürk");
  EXPECT_EQ(c.sla_due_at, CaseStore(*db).get(case_id).take().sla_due_at);
  SuppressionList suppressions(*pg, std::string(32, 'k'));
  EXPECT_TRUE(suppressions.contains_any({core::Urn::parse("tel:+31612340003").take()}).take());

  // The audit chain verifies on PostgreSQL and ends where it ended on SQLite.
  EXPECT_EQ(report->audit_records, 3);
  EXPECT_TRUE(AuditLog(*pg).verify());
  EXPECT_EQ(AuditLog(*pg).head().hash, AuditLog(*db).head().hash);
}

// No table of today's schema holds a blob or a real; a future one may. Every kind of value, and
// text that looks like the array syntax the copy sends it in, arrives as it was.
TEST_F(DatabaseCopyTest, ValuesOfEveryTypeArriveAsTheyWere) {
  db->exec("CREATE TABLE attachments(id INTEGER PRIMARY KEY, body BLOB, note TEXT, score REAL, size INTEGER)");
  pg->exec("CREATE TABLE attachments(id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, body BYTEA, note TEXT, "
           "score DOUBLE PRECISION, size BIGINT)");
  const std::string bytes("\x00\x01\"\\{},\xff\xfeNULL", 12);
  const std::vector<std::string> notes = {"", "NULL", "a \"quoted\", {braced} \\ back\\slash", "line\nbreak\ttab",
                                          "Zoë Ağaoğlu — 東京 🙂"};
  for (std::size_t i = 0; i < notes.size(); ++i) {
    Statement st(*db, "INSERT INTO attachments(id, body, note, score, size) VALUES (?, ?, ?, ?, ?)");
    st.bind(1, static_cast<std::int64_t>(10 * (i + 1)));
    st.bindBlob(2, bytes.data(), bytes.size() - i);
    st.bind(3, notes[i]);
    st.bind(4, i == 0 ? 0.1 : -1.5e300 * static_cast<double>(i));
    st.bind(5, i % 2 ? INT64_MAX : INT64_MIN + static_cast<std::int64_t>(i));
    st.exec();
  }
  db->exec("INSERT INTO attachments(id) VALUES (99)");  // NULLs everywhere else

  auto report = copy_database(*db, *pg, CopyOptions{.batch_rows = 4});
  ASSERT_TRUE(report) << report.error().what();
  const char* query = "SELECT id, body, note, score, size, body IS NULL, note IS NULL FROM attachments ORDER BY id";
  Statement a(*db, query), b(*pg, query);
  int rows = 0;
  while (a.executeStep()) {
    ASSERT_TRUE(b.executeStep());
    ++rows;
    EXPECT_EQ(b.getColumn(0).getInt64(), a.getColumn(0).getInt64());
    EXPECT_EQ(b.getColumn(1).getBlob(), a.getColumn(1).getBlob()) << "row " << a.getColumn(0).getInt64();
    EXPECT_EQ(b.getColumn(2).getString(), a.getColumn(2).getString());
    EXPECT_EQ(b.getColumn(3).getDouble(), a.getColumn(3).getDouble());
    EXPECT_EQ(b.getColumn(4).getInt64(), a.getColumn(4).getInt64());
    EXPECT_EQ(b.getColumn(5).getInt64(), a.getColumn(5).getInt64());
    EXPECT_EQ(b.getColumn(6).getInt64(), a.getColumn(6).getInt64()) << "NULL stays NULL, '' stays ''";
  }
  EXPECT_FALSE(b.executeStep());
  EXPECT_EQ(rows, 6);
  // The identity continues after the highest id copied.
  Statement next(*pg, "INSERT INTO attachments(note) VALUES ('next') RETURNING id");
  ASSERT_TRUE(next.executeStep());
  EXPECT_EQ(next.getColumn(0).getInt64(), 100);
}

// A value PostgreSQL's column cannot take is named before anything is sent.
TEST_F(DatabaseCopyTest, AValueOfTheWrongTypeIsNamed) {
  add_contact("Anna", "GM0599");
  db->exec("UPDATE contacts SET created_at = 'gisteren' WHERE name = 'Anna'");
  auto report = copy_database(*db, *pg);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().what().find("contacts.created_at of row id 1 holds a text value, but the PostgreSQL column is bigint"),
            std::string::npos)
      << report.error().what();
  EXPECT_EQ(total(*pg), 0);
}

TEST_F(DatabaseCopyTest, RowsAddedAfterTheCopyGetFreshIds) {
  fill();
  ASSERT_TRUE(copy_database(*db, *pg));
  const std::int64_t highest = pg->query_int64("SELECT max(id) FROM contacts");
  Contact c;
  c.name = "Nieuw na de verhuizing";
  c.municipality = "GM0599";
  auto id = ContactStore(*pg).add(c, now());
  ASSERT_TRUE(id) << id.error().what();
  EXPECT_EQ(*id, highest + 1);
  ConsentEvent e;
  e.contact_id = *id;
  e.purpose = "outreach";
  e.source = "paper";
  e.collector = "amira";
  e.at = now();
  auto event = ConsentLedger(*pg).record(e);
  ASSERT_TRUE(event) << event.error().what();
  EXPECT_GT(*event, db->query_int64("SELECT max(id) FROM consent_events"));
  auto kase = CaseStore(*pg).open(*id, "GM0599", std::nullopt, now(), now() + hours(72), "engine");
  ASSERT_TRUE(kase) << kase.error().what();
  EXPECT_GT(*kase, case_id);
  AuditRecord r{};
  r.at = now();
  r.actor = "amira";
  r.action = "contacts.add";
  r.subject = "contact:" + std::to_string(*id);
  r.purpose = "outreach";
  ASSERT_TRUE(AuditLog(*pg).append(r));
  EXPECT_TRUE(AuditLog(*pg).verify());
}

TEST_F(DatabaseCopyTest, RefusesATargetWithRowsAndLeavesItUntouched) {
  fill();
  MunicipalityStore(*pg).upsert_region({"Elders", "Elders region", "GM0363"}).take();
  auto report = copy_database(*db, *pg);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, core::ErrorCode::conflict);
  EXPECT_NE(report.error().what().find("table regions has rows"), std::string::npos) << report.error().what();
  EXPECT_EQ(total(*pg), 1) << "only the row that was there";
  EXPECT_EQ(pg->query_int64("SELECT count(*) FROM regions WHERE code = 'Elders'"), 1);
}

TEST_F(DatabaseCopyTest, InvalidUtf8MidwayLeavesTheTargetEmpty) {
  fill();
  // An old version wrote a Latin-1 name (0xEB for ë) straight into the text column.
  const std::int64_t bad = add_contact("placeholder", "GM0599");
  db->exec("UPDATE contacts SET name = CAST(X'5A6FEB' AS TEXT) WHERE id = " + std::to_string(bad));
  ASSERT_EQ(db->query_int64("SELECT count(*) FROM contacts WHERE typeof(name) = 'text' AND id = " + std::to_string(bad)), 1);
  std::vector<std::string> copied;
  CopyOptions options;
  options.on_table = [&](const std::string& t, std::int64_t) { copied.push_back(t); };
  auto report = copy_database(*db, *pg, options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, core::ErrorCode::invalid_input);
  const std::string message = report.error().what();
  EXPECT_NE(message.find("contacts.name of row id " + std::to_string(bad) + " is not valid UTF-8"), std::string::npos)
      << message;
  EXPECT_EQ(message.find("Zo"), std::string::npos) << "the value itself stays out of the message: " << message;
  EXPECT_FALSE(copied.empty()) << "tables before contacts were copied before the failure";
  EXPECT_EQ(total(*pg), 0) << "nothing half-written";

  // Fixed, the same target takes the copy.
  db->exec("UPDATE contacts SET name = 'Zoë' WHERE id = " + std::to_string(bad));
  auto again = copy_database(*db, *pg);
  ASSERT_TRUE(again) << again.error().what();
  EXPECT_EQ(ContactStore(*pg).get(bad).take().name, "Zoë");
}

// An old database written with foreign keys off may hold an orphan; PostgreSQL refuses it.
TEST_F(DatabaseCopyTest, AnOrphanRowFailsTheCopyNamingItsTable) {
  fill();
  db->exec("PRAGMA foreign_keys = OFF");
  db->exec("INSERT INTO contact_urns(contact_id, urn, scheme) VALUES (999, 'tel:+31699999999', 'tel')");
  auto report = copy_database(*db, *pg);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, core::ErrorCode::invalid_input) << report.error().what();
  EXPECT_NE(report.error().what().find("copying table contact_urns"), std::string::npos) << report.error().what();
  EXPECT_NE(report.error().what().find("foreign key"), std::string::npos) << report.error().what();
  EXPECT_EQ(total(*pg), 0);
}

TEST_F(DatabaseCopyTest, TablesOrColumnsOnOneSideOnlyFailByName) {
  db->exec("CREATE TABLE visit_notes(id INTEGER PRIMARY KEY, note TEXT)");
  auto report = copy_database(*db, *pg);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().what().find("table visit_notes is in the SQLite database but not in the PostgreSQL schema"),
            std::string::npos)
      << report.error().what();
  db->exec("DROP TABLE visit_notes");
  db->exec("ALTER TABLE contacts ADD COLUMN nickname TEXT");
  report = copy_database(*db, *pg);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().what().find("column contacts.nickname"), std::string::npos) << report.error().what();
  EXPECT_EQ(total(*pg), 0);
}

TEST_F(DatabaseCopyTest, RefusesASourceBehindTheLatestSchema) {
  db->exec("PRAGMA user_version = 3");
  auto report = copy_database(*db, *pg);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().what().find("run `outreach init`"), std::string::npos) << report.error().what();
}

TEST_F(DatabaseCopyTest, AHundredThousandRowsCopyInSeconds) {
  add_municipality("GM0599");
  auto filled = db->transaction([&]() -> core::Status {
    db->exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) "
        "INSERT INTO contacts(name, language, municipality_code, created_at) "
        "SELECT 'Inwoner ' || i || ' Ağaoğlu', 'nl', 'GM0599', 1764000000000 + i FROM n");
    db->exec(
        "INSERT INTO contact_urns(contact_id, urn, scheme) SELECT id, 'tel:+3161' || printf('%07d', id), 'tel' FROM contacts");
    return {};
  });
  ASSERT_TRUE(filled) << filled.error().what();
  ASSERT_EQ(db->query_int64("SELECT (SELECT count(*) FROM contacts) + (SELECT count(*) FROM contact_urns)"), 100000);
  const auto start = std::chrono::steady_clock::now();
  auto report = copy_database(*db, *pg);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_EQ(report->rows, 100001);
  std::printf("copied %lld rows in %.2f s\n", static_cast<long long>(report->rows), seconds);
  EXPECT_LT(seconds, 60.0) << "generous for a loaded CI machine; about 2 s on an idle one";
  EXPECT_EQ(pg->query_int64("SELECT count(*) FROM contact_urns"), 50000);
}

}  // namespace
}  // namespace outreach::storage
