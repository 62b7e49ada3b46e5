#include "storage/backup.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "storage/database.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

namespace fs = std::filesystem;

#ifndef OUTREACH_TEST_POSTGRES  // compiled again into integration_storage (the suite at the end runs there)
class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("outreach-backup-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = Database::open((dir_ / "source.db").string()).take();
    db_->sqlite().exec("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    insert(*db_, 2000);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  // Ten rows per transaction, so a consistent copy holds a multiple of ten.
  static void insert(Database& db, int rows) {
    for (int i = 0; i < rows; i += 10) {
      ASSERT_TRUE(db.transaction([&]() -> core::Status {
        SQLite::Statement ins(db.sqlite(), "INSERT INTO t(v) VALUES (?)");
        for (int k = 0; k < 10; ++k) {
          ins.bind(1, std::string(300, 'a' + static_cast<char>(k)));
          ins.exec();
          ins.reset();
        }
        return {};
      }));
    }
  }
  static std::int64_t rows(const std::string& path) {
    SQLite::Database d(path, SQLite::OPEN_READONLY);
    return d.execAndGet("SELECT count(*) FROM t").getInt64();
  }
  fs::path dir_;
  std::unique_ptr<Database> db_;
};

// Another connection keeps committing while the copy is made a page at a time: SQLite restarts the
// copy after each change, and after max_restarts it is finished in one step. The copy is a state
// the writer committed, and the writer was never refused.
TEST_F(BackupTest, ACopyMadeInStepsDuringWritesIsConsistent) {
  std::atomic<bool> done{false};
  std::atomic<int> refused{0};
  std::thread writer([&] {
    auto w = Database::open((dir_ / "source.db").string()).take();
    while (!done) {
      auto st = w->transaction([&]() -> core::Status {
        w->sqlite().exec("INSERT INTO t(v) SELECT v FROM t LIMIT 10");
        return {};
      });
      if (!st) ++refused;
    }
  });
  const std::string copy = (dir_ / "copy.db").string();
  auto report = backup_database(*db_, copy, {.pages_per_step = 1, .pause = std::chrono::milliseconds(1)});
  done = true;
  writer.join();
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_GT(report->steps, 1);
  EXPECT_EQ(refused, 0);
  const auto copied = rows(copy);
  EXPECT_EQ(copied % 10, 0) << copied;
  EXPECT_GE(copied, 2000);
  EXPECT_EQ(fs::status(copy).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  std::printf("backup: %d steps, %d restarts, %s, %lld rows copied\n", report->steps, report->restarts,
              report->finished_in_one_step ? "finished in one step" : "all in small steps", static_cast<long long>(copied));
}

TEST_F(BackupTest, AnExistingFileIsRefusedUnlessOverwriteAndNothingPartialIsLeft) {
  const std::string copy = (dir_ / "copy.db").string();
  ASSERT_TRUE(backup_database(*db_, copy));
  insert(*db_, 10);
  auto again = backup_database(*db_, copy);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().what(), "FILE: " + copy + " exists; give --force to overwrite it");
  EXPECT_EQ(rows(copy), 2000);
  ASSERT_TRUE(backup_database(*db_, copy, {.overwrite = true}));
  EXPECT_EQ(rows(copy), 2010);
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
}

#endif

// What the online backup cannot copy is refused before any file is made: a PostgreSQL database
// (pg_dump backs it up) and a SQLite database in memory.
class BackupRefusalTest : public test::BackendStorageTest {};

TEST_P(BackupRefusalTest, ADatabaseItCannotCopyIsRefusedAndNoFileIsMade) {
  const fs::path dest = fs::temp_directory_path() / ("outreach-backup-refused-" + std::to_string(::getpid()) + ".db");
  fs::remove(dest);
  auto report = backup_database(*db, dest.string());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(report.error().what(), on_postgres() ? "--db: backup copies a SQLite database; back up PostgreSQL with pg_dump"
                                                 : "--db: an in-memory database has nothing to back up");
  EXPECT_FALSE(fs::exists(dest));
}

OUTREACH_ON_EACH_BACKEND(BackupRefusalTest);

}  // namespace
}  // namespace outreach::storage
