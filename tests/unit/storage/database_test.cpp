#include "storage/database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/engine_lock.h"
#include "tests/support/storage_fixture.h"

namespace outreach::storage {
namespace {

using test::StorageTest;

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("outreach-db-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

TEST(Database, MigratesOnOpenAndRecordsSchemaVersion) {
  TempDir dir;
  const std::string path = dir.file("outreach.db");
  {
    auto db = Database::open(path).take();
    EXPECT_EQ(db->schema_version(), Database::latest_schema_version());
    db->sqlite().exec("INSERT INTO regions(code, name, hub_code) VALUES('rijnmond', 'Rijnmond', 'GM0599')");
  }
  auto db = Database::open(path).take();
  EXPECT_EQ(db->schema_version(), Database::latest_schema_version());
  EXPECT_EQ(db->sqlite().execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(db->sqlite().execAndGet("PRAGMA foreign_keys").getInt(), 1);
  EXPECT_EQ(db->sqlite().execAndGet("SELECT count(*) FROM regions").getInt(), 1);
}


TEST(Database, RefusesASchemaNewerThanTheProgram) {
  TempDir dir;
  const std::string path = dir.file("outreach.db");
  {
    auto db = Database::open(path).take();
    db->sqlite().exec("PRAGMA user_version = 99");
  }
  auto db = Database::open(path);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(db.error().what(), path + ": database schema version 99 is newer than this program (" +
                                   std::to_string(Database::latest_schema_version()) + ")");
}

// On PostgreSQL engines share the database (SKIP LOCKED claims, an advisory lock for the
// singletons): no lock file is made beside the URL, and the lock says it is shared, so start-up
// leaves other engines' rows alone. On SQLite a second engine is refused.
TEST(EngineLockTest, EnginesShareAPostgresDatabaseButNotASqliteFile) {
  auto pg = EngineLock::acquire("postgresql://outreach:s3cret-pw@127.0.0.1:1/outreach");
  ASSERT_TRUE(pg) << pg.error().what();
  EXPECT_TRUE(pg.value()->shared());
  auto again = EngineLock::acquire("postgresql://outreach:s3cret-pw@127.0.0.1:1/outreach");
  ASSERT_TRUE(again);

  const auto dir = std::filesystem::temp_directory_path() / ("engine-lock-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "outreach.db").string();
  {
    auto first = EngineLock::acquire(file);
    ASSERT_TRUE(first) << first.error().what();
    EXPECT_FALSE(first.value()->shared());
    auto second = EngineLock::acquire(file);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, core::ErrorCode::conflict);
  }
  EXPECT_TRUE(EngineLock::acquire(file));  // released with the first
  std::filesystem::remove_all(dir);
}

TEST(Database, UnopenablePathNamesTheFile) {
  auto db = Database::open("/nonexistent-dir/outreach.db");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().what(), "/nonexistent-dir/outreach.db: cannot open database: unable to open database file");
}

class DatabaseTest : public StorageTest {
 protected:
  void add_region_raw(const std::string& code) {
    db->sqlite().exec("INSERT INTO regions(code, name, hub_code) VALUES('" + code + "', 'x', 'GM0599')");
  }
  std::int64_t regions() { return sql_int("SELECT count(*) FROM regions"); }
};

TEST_F(DatabaseTest, InMemoryDatabaseIsMigrated) {
  EXPECT_EQ(db->schema_version(), Database::latest_schema_version());
  EXPECT_EQ(db->path(), ":memory:");
}

TEST_F(DatabaseTest, SecureDeleteIsOnSoErasedDataIsOverwritten) {
  EXPECT_EQ(sql_int("PRAGMA secure_delete"), 1);
}

TEST(Database, SecureDeleteIsOnForAFileDatabaseToo) {
  TempDir dir;
  auto db = Database::open(dir.file("outreach.db")).take();
  EXPECT_EQ(db->sqlite().execAndGet("PRAGMA secure_delete").getInt(), 1);
}

TEST_F(DatabaseTest, TransactionCommitsOnSuccess) {
  ASSERT_TRUE(db->transaction([&]() -> core::Status {
    add_region_raw("a");
    add_region_raw("b");
    return {};
  }));
  EXPECT_EQ(regions(), 2);
}

TEST_F(DatabaseTest, TransactionRollsBackOnError) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    return core::Error::invalid("row 2 is wrong", "import.csv:2");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().what(), "import.csv:2: row 2 is wrong");
  EXPECT_EQ(regions(), 0);
}

TEST_F(DatabaseTest, TransactionRollsBackOnException) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    add_region_raw("a");  // primary key violation throws
    return {};
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(st.error().what(), "transaction: UNIQUE constraint failed: regions.code");
  EXPECT_EQ(regions(), 0);
  // The connection is usable afterwards: no transaction was left open.
  ASSERT_TRUE(db->transaction([&]() -> core::Status {
    add_region_raw("b");
    return {};
  }));
  EXPECT_EQ(regions(), 1);
}

TEST_F(DatabaseTest, ErrorExceptionKeepsItsError) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    throw core::ErrorException(core::Error::not_found("no such thing", "here"));
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(st.error().what(), "here: no such thing");
  EXPECT_EQ(regions(), 0);
}

TEST_F(DatabaseTest, NestedTransactionJoinsTheOuterOne) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    EXPECT_TRUE(db->transaction([&]() -> core::Status {
      add_region_raw("b");
      return {};
    }));
    return core::Error::invalid("outer fails");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(regions(), 0);  // the inner work went with the outer rollback
}

TEST_F(DatabaseTest, FailedNestedTransactionUndoesOnlyItsOwnWrites) {
  auto st = db->transaction([&]() -> core::Status {
    add_region_raw("a");
    auto inner = db->transaction([&]() -> core::Status {
      add_region_raw("b");
      return core::Error::invalid("inner fails");
    });
    EXPECT_EQ(inner.error().what(), "inner fails");
    auto thrown = db->transaction([&]() -> core::Status {
      add_region_raw("c");
      add_region_raw("a");  // throws inside the nested call: reported, not propagated
      return {};
    });
    EXPECT_EQ(thrown.error().what(), "transaction: UNIQUE constraint failed: regions.code");
    add_region_raw("d");
    return {};
  });
  ASSERT_TRUE(st);
  EXPECT_EQ(sql_text("SELECT group_concat(code, ',') FROM (SELECT code FROM regions ORDER BY code)"), "a,d");
}

// SQLITE_FULL, simulated with max_page_count (database_max_size): the whole transaction is refused,
// also when the caller handled the failing nested step (as CSV import does per row) and went on;
// the error names the file and what was written; reads go on, and so do writes that fit.
TEST(Database, AFullDatabaseRefusesTheWholeTransactionNamingTheFileAndReadsGoOn) {
  TempDir dir;
  const std::string path = dir.file("outreach.db");
  auto db = Database::open(path).take();
  db->sqlite().exec("CREATE TABLE filler(id INTEGER PRIMARY KEY, blob TEXT NOT NULL)");
  db->sqlite().exec("INSERT INTO regions(code, name, hub_code) VALUES('rijnmond', 'Rijnmond', 'GM0599')");
  const auto pages = db->sqlite().execAndGet("PRAGMA page_count").getInt64();
  const auto page_size = db->sqlite().execAndGet("PRAGMA page_size").getInt64();
  ASSERT_TRUE(db->set_max_size((pages + 8) * page_size));

  int nested_failures = 0;
  auto st = db->transaction("the filler rows", [&]() -> core::Status {
    for (int i = 0; i < 200; ++i) {
      auto row = db->transaction([&]() -> core::Status {
        SQLite::Statement ins(db->sqlite(), "INSERT INTO filler(blob) VALUES (?)");
        ins.bind(1, std::string(2000, 'x'));
        ins.exec();
        return {};
      });
      if (!row) ++nested_failures;  // a caller that counts a bad row and goes on
    }
    return {};
  });
  ASSERT_FALSE(st);
  EXPECT_GT(nested_failures, 0);
  EXPECT_EQ(st.error().code, core::ErrorCode::transient);
  EXPECT_EQ(st.error().message, "database full: cannot write the filler rows to " + path +
                                    ": database or disk is full; nothing of it was written, reads still work (free "
                                    "disk space or raise database_max_size)");
  EXPECT_EQ(db->sqlite().execAndGet("SELECT count(*) FROM filler").getInt(), 0) << "nothing half-written";
  EXPECT_EQ(db->sqlite().execAndGet("SELECT count(*) FROM regions").getInt(), 1) << "reads go on";
  EXPECT_TRUE(db->transaction([&]() -> core::Status {
    db->sqlite().exec("INSERT INTO filler(blob) VALUES ('small')");
    return {};
  })) << "a write that fits still goes in";
}

}  // namespace
}  // namespace outreach::storage
