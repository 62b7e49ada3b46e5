#include "storage/sql.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/sql_util.h"
#include "tests/support/storage_fixture.h"

namespace outreach::storage {
namespace {

using test::StorageTest;

class SqlTest : public StorageTest {
 protected:
  void SetUp() override {
    StorageTest::SetUp();
    db->exec("CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, n INTEGER, x REAL, b BLOB)");
  }
};

TEST_F(SqlTest, BindsEachTypeAndReadsItBack) {
  Statement ins(*db, "INSERT INTO t(k, n, x, b) VALUES(?, ?, ?, ?)");
  ins.bind(1, std::string("a"));
  ins.bind(2, std::int64_t{1} << 40);
  ins.bind(3, 2.5);
  const char bytes[] = {'x', '\0', 'y'};
  ins.bindBlob(4, bytes, sizeof bytes);
  EXPECT_EQ(ins.exec(), 1);
  ins.reset();
  ins.bind(1, "b");
  ins.bind(2);  // NULL
  ins.bind(3);
  ins.bind(4);
  EXPECT_EQ(ins.exec(), 1);

  Statement sel(*db, "SELECT k, n, x, b FROM t ORDER BY id");
  ASSERT_TRUE(sel.executeStep());
  EXPECT_EQ(sel.getColumnCount(), 4);
  EXPECT_EQ(sel.getColumn(0).getString(), "a");
  EXPECT_EQ(sel.getColumn(1).getInt64(), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(sel.getColumn(2).getDouble(), 2.5);
  EXPECT_EQ(sel.getColumn(3).getBlob(), std::string(bytes, sizeof bytes));
  ASSERT_TRUE(sel.step());
  EXPECT_TRUE(sel.getColumn(1).isNull());
  EXPECT_EQ(sel.getColumn(1).getString(), "");
  EXPECT_FALSE(sel.executeStep());
}

TEST_F(SqlTest, NumberedPlaceholdersRepeatAndCountTheHighest) {
  Statement st(*db, "SELECT ?1 + ?1, ?2");
  EXPECT_EQ(st.getBindParameterCount(), 2);
  st.bind(1, 20);
  st.bind(2, "x");
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getInt(), 40);
}

TEST_F(SqlTest, ExecCountsTheRowsChanged) {
  db->exec("INSERT INTO t(k) VALUES('a'), ('b'), ('c')");
  Statement up(*db, "UPDATE t SET n = 1 WHERE k <> ?");
  up.bind(1, "b");
  EXPECT_EQ(up.exec(), 2);
}

TEST_F(SqlTest, ReturningIdGivesTheNewRowAndNothingWhenTheConflictIsSkipped) {
  Statement ins(*db, "INSERT INTO t(k) VALUES(?) ON CONFLICT DO NOTHING RETURNING id");
  ins.bind(1, "a");
  const std::int64_t first = returning_id(ins);
  ins.reset();
  ins.bind(1, "b");
  EXPECT_EQ(returning_id(ins), first + 1);
  ins.reset();
  ins.bind(1, "a");
  EXPECT_EQ(inserted_id(ins), std::nullopt) << "a duplicate inserts nothing";
  EXPECT_EQ(sql_int("SELECT count(*) FROM t"), 2);
}

TEST_F(SqlTest, ErrorsCarryABackendNeutralKind) {
  db->exec("INSERT INTO t(k) VALUES('a')");
  try {
    db->exec("INSERT INTO t(k) VALUES('a')");
    FAIL() << "a duplicate key must throw";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.kind(), SqlErrorKind::unique);
    EXPECT_EQ(storage_error(e, "insert").code, core::ErrorCode::conflict);
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed: t.k"), std::string::npos) << e.what();
  }
  try {
    db->exec("INSERT INTO contacts(name, municipality_code, created_at) VALUES('x', 'GM9999', 0)");
    FAIL() << "an unknown municipality must throw";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.kind(), SqlErrorKind::foreign_key);
    EXPECT_EQ(storage_error(e, "insert").code, core::ErrorCode::invalid_input);
  }
  try {
    db->exec("UPDATE audit_log SET actor = 'x'");  // no rows: the trigger does not fire
    db->exec("INSERT INTO audit_log(at, actor, action, subject, purpose, request_id, prev_hash, hash) "
             "VALUES(0, 'a', 'b', 'c', 'd', 'e', '', '')");
    db->exec("DELETE FROM audit_log");
    FAIL() << "the audit log is append-only";
  } catch (const SqlError& e) {
    EXPECT_EQ(e.kind(), SqlErrorKind::constraint);
    EXPECT_NE(std::string(e.what()).find("the audit log is append-only"), std::string::npos) << e.what();
  }
  Statement sel(*db, "SELECT k FROM t");
  EXPECT_THROW(sel.getColumn(0).getString(), SqlError) << "no row yet";
  EXPECT_THROW(Statement(*db, "SELECT nothing FROM nowhere"), SqlError);
}

TEST_F(SqlTest, DialectPicksItsTextOfAPair) {
  EXPECT_EQ(db->dialect(), Dialect::sqlite);
  static constexpr Sql kPair{"SELECT 'sqlite'", "SELECT 'postgres'"};
  Statement st(*db, kPair);
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getString(), "sqlite");
  auto cached = db->cached(kPair);
  ASSERT_TRUE(cached->executeStep());
  EXPECT_EQ(cached->getColumn(0).getString(), "sqlite");
}

TEST(SqlBackends, APostgresUrlIsRefusedUntilThatBackendIsBuiltIn) {
  auto db = Database::open("postgresql://outreach@localhost/outreach");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("no PostgreSQL backend"), std::string::npos) << db.error().message;
}

// Migration N makes the same schema on both backends: a migration added to one list only, or
// SQLite syntax copied into the PostgreSQL list, fails here before it fails on a server.
TEST(SqlBackends, PostgresMigrationsAreNumberedLikeSqlitesAndSpeakPostgres) {
  ASSERT_EQ(postgres_migrations().size(), migrations().size());
  for (std::size_t i = 0; i < postgres_migrations().size(); ++i) {
    const std::string& sql = postgres_migrations()[i];
    for (const char* sqlite_only : {"INTEGER", "GLOB", "WITHOUT ROWID", "RAISE(", "AUTOINCREMENT", "PRAGMA"}) {
      EXPECT_EQ(sql.find(sqlite_only), std::string::npos) << "migration " << i + 1 << " has " << sqlite_only;
    }
  }
}

}  // namespace
}  // namespace outreach::storage
