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

// SQLite's own settings; the transaction tests run on both backends (transaction_test.cpp).
class DatabaseTest : public StorageTest {};

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
