#include "storage/audit_log.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/storage_fixture.h"

namespace outreach::storage {
namespace {

class AuditLogTest : public test::StorageTest {
 protected:
  std::int64_t append(const std::string& subject, const std::string& detail = "") {
    AuditRecord r;
    r.at = now();
    r.actor = "rotterdam";
    r.action = "responses.export";
    r.subject = subject;
    r.purpose = "brede-ondersteuning";
    r.request_id = "req-" + subject;
    r.detail = detail;
    clock.advance(std::chrono::seconds(1));
    return log.append(r).take();
  }
  void three() {
    append("municipality:GM0599", "12 rows");
    append("contact:42");
    append("contact:43");
  }
  // What someone with write access to the database file can do: drop the append-only triggers and
  // change rows directly.
  void tamper(const std::string& sql) {
    db->sqlite().exec("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete");
    db->sqlite().exec(sql);
  }
  std::string verify_error() {
    auto st = log.verify();
    return st ? "ok" : st.error().what();
  }

  AuditLog log{*db};
};

TEST_F(AuditLogTest, EmptyLogVerifies) { EXPECT_EQ(verify_error(), "ok"); }

TEST_F(AuditLogTest, AppendChainsRecords) {
  auto start = now();
  EXPECT_EQ(append("contact:1", "x"), 1);
  EXPECT_EQ(append("contact:2"), 2);
  std::vector<AuditRecord> records;
  log.for_each([&](const AuditRecord& r) { records.push_back(r); });
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].prev_hash, std::string(64, '0'));
  EXPECT_EQ(records[1].prev_hash, records[0].hash);
  EXPECT_EQ(records[0].at, start);
  EXPECT_EQ(records[0].actor, "rotterdam");
  EXPECT_EQ(records[0].subject, "contact:1");
  EXPECT_EQ(records[0].request_id, "req-contact:1");
  EXPECT_EQ(records[0].detail, "x");
  EXPECT_EQ(verify_error(), "ok");
}

TEST_F(AuditLogTest, RecordNeedsActorActionAndPurpose) {
  AuditRecord r;
  r.actor = "rotterdam";
  r.action = "responses.export";
  auto id = log.append(r);
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().what(), "audit: an audit record needs actor, action and purpose");
}

TEST_F(AuditLogTest, AppendJoinsTheCallersTransaction) {
  append("contact:1");
  auto st = db->transaction([&]() -> core::Status {
    append("contact:2");
    return core::Error::invalid("the change it describes failed");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log"), 1);
  EXPECT_EQ(append("contact:3"), 2);
  EXPECT_EQ(verify_error(), "ok");
}

TEST_F(AuditLogTest, RowsCannotBeUpdatedOrDeleted) {
  three();
  try {
    db->sqlite().exec("UPDATE audit_log SET subject = 'contact:44' WHERE id = 2");
    ADD_FAILURE() << "UPDATE went through";
  } catch (const SQLite::Exception& e) {
    EXPECT_EQ(std::string(e.what()), "the audit log is append-only");
  }
  EXPECT_THROW(db->sqlite().exec("DELETE FROM audit_log WHERE id = 3"), SQLite::Exception);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log"), 3);
  EXPECT_EQ(sql_text("SELECT subject FROM audit_log WHERE id = 2"), "contact:42");
  EXPECT_EQ(verify_error(), "ok");
}

TEST_F(AuditLogTest, HeadIsTheNewestRecordAndTheCount) {
  EXPECT_EQ(log.head().id, 0);
  EXPECT_EQ(log.head().hash, audit_genesis_hash());
  three();
  AuditHead head = log.head();
  EXPECT_EQ(head.id, 3);
  EXPECT_EQ(head.count, 3);
  EXPECT_EQ(head.hash, sql_text("SELECT hash FROM audit_log WHERE id = 3"));
}

TEST_F(AuditLogTest, VerifyDetectsEditedRecord) {
  three();
  tamper("UPDATE audit_log SET subject = 'contact:44' WHERE id = 2");
  EXPECT_EQ(verify_error(), "audit_log: record 2 was altered");
}

TEST_F(AuditLogTest, VerifyDetectsABrokenLink) {
  three();
  tamper("UPDATE audit_log SET prev_hash = (SELECT prev_hash FROM audit_log WHERE id = 2) WHERE id = 3");
  EXPECT_EQ(verify_error(), "audit_log: record 3 does not link to its predecessor");
}

TEST_F(AuditLogTest, VerifyDetectsDeletedRecord) {
  three();
  tamper("DELETE FROM audit_log WHERE id = 2");
  EXPECT_EQ(verify_error(), "audit_log: record 2 is missing");
}

TEST_F(AuditLogTest, VerifyDetectsDeletedFirstRecord) {
  three();
  tamper("DELETE FROM audit_log WHERE id = 1");
  EXPECT_EQ(verify_error(), "audit_log: record 1 is missing");
}

TEST_F(AuditLogTest, VerifyDetectsInsertedRecord) {
  three();
  // Squeezed in with the next free id and a copied link: its hash cannot match.
  tamper("INSERT INTO audit_log(id, at, actor, action, subject, purpose, request_id, detail, prev_hash, hash) "
                 "SELECT 4, at, actor, action, 'contact:99', purpose, request_id, detail, hash, hash "
                 "FROM audit_log WHERE id = 3");
  EXPECT_EQ(verify_error(), "audit_log: record 4 was altered");
}

TEST_F(AuditLogTest, VerifyDetectsRenumberedRecords) {
  three();
  // Moving a record to make room for an inserted one breaks the link of the next record.
  tamper("UPDATE audit_log SET id = 5 WHERE id = 3");
  tamper("INSERT INTO audit_log(id, at, actor, action, subject, purpose, request_id, detail, prev_hash, hash) "
                 "SELECT 3, at, actor, action, 'contact:99', purpose, request_id, detail, hash, hash "
                 "FROM audit_log WHERE id = 2");
  EXPECT_EQ(verify_error(), "audit_log: record 3 was altered");
}

}  // namespace
}  // namespace outreach::storage
