#include "storage/group_commit.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace outreach::storage {
namespace {

// A database file (group commit is about the writer and readers of one file) with one table.
class GroupCommitTest : public ::testing::Test {
 protected:
  GroupCommitTest() {
    path = (std::filesystem::temp_directory_path() /
            ("group-commit-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
               .string();
    remove_files();
    db = Database::open(path).take();
    db->sqlite().exec("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, body BLOB)");
    reader = Database::open_reader(path).take();
  }
  ~GroupCommitTest() override {
    reader.reset();
    db.reset();
    remove_files();
  }
  void remove_files() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  // A write that inserts one row named `name`.
  GroupCommit::Work insert(const std::string& name) {
    return [this, name]() -> core::Status {
      SQLite::Statement st(db->sqlite(), "INSERT INTO items(name) VALUES(?)");
      st.bind(1, name);
      st.exec();
      return {};
    };
  }
  // What another connection sees: only committed rows.
  std::int64_t committed_rows(const std::string& name = {}) {
    SQLite::Statement st(reader->sqlite(), name.empty() ? "SELECT count(*) FROM items"
                                                     : "SELECT count(*) FROM items WHERE name = ?");
    if (!name.empty()) st.bind(1, name);
    st.executeStep();
    return st.getColumn(0).getInt64();
  }

  std::string path;
  std::unique_ptr<Database> db;
  std::unique_ptr<Database> reader;
};

TEST_F(GroupCommitTest, WritesOfOneBatchCommitTogetherAndAreReportedOnlyOnceCommitted) {
  GroupCommit writes;
  std::vector<std::int64_t> seen_when_done;
  for (const char* name : {"a", "b", "c"}) {
    writes.push(insert(name), [&](const core::Status& st) {
      EXPECT_TRUE(st) << st.error().what();
      seen_when_done.push_back(committed_rows());  // another connection already sees all three
    });
  }
  EXPECT_EQ(committed_rows(), 0);  // queued, not run
  auto drained = writes.drain(*db);
  EXPECT_EQ(drained.ran, 3u);
  EXPECT_FALSE(drained.more);
  EXPECT_EQ(seen_when_done, (std::vector<std::int64_t>{3, 3, 3}));
}

TEST_F(GroupCommitTest, AFailingWriteRollsBackOnlyItsOwnChanges) {
  GroupCommit writes;
  std::vector<std::string> outcomes;
  auto record = [&](const core::Status& st) { outcomes.push_back(st ? "ok" : st.error().message); };
  writes.push(insert("a"), record);
  writes.push([&]() -> core::Status {
                (void)insert("half")();  // written, then the write fails: undone
                return core::Error::conflict("refused");
              },
              record);
  writes.push([&]() -> core::Status {
                (void)insert("thrown")();
                throw std::runtime_error("boom");
              },
              record);
  writes.push(insert("c"), record);
  writes.drain(*db);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ok", "refused", "boom", "ok"}));
  EXPECT_EQ(committed_rows("a"), 1);
  EXPECT_EQ(committed_rows("c"), 1);
  EXPECT_EQ(committed_rows("half"), 0);
  EXPECT_EQ(committed_rows("thrown"), 0);
}

TEST_F(GroupCommitTest, WhenTheWholeBatchCannotCommitEveryWriteIsToldSoAndNothingIsKept) {
  ASSERT_TRUE(db->set_max_size(256 * 1024));
  GroupCommit writes;
  std::vector<bool> ok;
  auto record = [&](const core::Status& st) { ok.push_back(st.ok()); };
  writes.push(insert("small"), record);
  writes.push([&]() -> core::Status {  // more than the database may hold: SQLITE_FULL
                SQLite::Statement st(db->sqlite(), "INSERT INTO items(name, body) VALUES('big', zeroblob(1048576))");
                st.exec();
                return {};
              },
              record);
  writes.push(insert("after"), record);
  writes.drain(*db);
  EXPECT_EQ(ok, (std::vector<bool>{false, false, false}));
  EXPECT_EQ(committed_rows(), 0);
}

TEST_F(GroupCommitTest, ABatchHoldsAtMostMaxBatchWritesAndOneDrainIsAskedForPerRun) {
  GroupCommit writes(2);
  int done = 0;
  std::vector<bool> asked;
  for (int i = 0; i < 5; ++i) asked.push_back(writes.push(insert("x"), [&](const core::Status&) { ++done; }));
  EXPECT_EQ(asked, (std::vector<bool>{true, false, false, false, false}));
  auto first = writes.drain(*db);
  EXPECT_EQ(first.ran, 2u);
  EXPECT_TRUE(first.more);
  EXPECT_EQ(committed_rows(), 2);
  EXPECT_FALSE(writes.push(insert("x"), [&](const core::Status&) { ++done; }));  // a drain is still due
  while (writes.drain(*db).more) {
  }
  EXPECT_EQ(done, 6);
  EXPECT_EQ(committed_rows(), 6);
  EXPECT_TRUE(writes.push(insert("x"), [&](const core::Status&) { ++done; }));  // idle again: ask anew
}

// Many threads hand writes to one writer thread (as serve's HTTP and reader threads do); every
// write runs and is reported exactly once. Run under ThreadSanitizer by scripts/test-tsan.sh.
TEST_F(GroupCommitTest, ManyThreadsPushWhileTheWriterDrains) {
  GroupCommit writes(16);
  constexpr int kThreads = 4, kEach = 200;
  std::atomic<int> asked{0}, reported{0};
  std::atomic<bool> producing{true};
  std::thread writer([&] {
    while (producing.load() || writes.depth() > 0) {
      if (writes.depth() == 0) {
        std::this_thread::yield();
        continue;
      }
      writes.drain(*db);
    }
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (writes.push(insert("t" + std::to_string(t)), [&](const core::Status& st) {
              EXPECT_TRUE(st);
              reported.fetch_add(1);
            })) {
          asked.fetch_add(1);
        }
      }
    });
  }
  for (auto& p : producers) p.join();
  producing = false;
  writer.join();
  EXPECT_EQ(reported.load(), kThreads * kEach);
  EXPECT_EQ(committed_rows(), kThreads * kEach);
  EXPECT_GE(asked.load(), 1);
}

}  // namespace
}  // namespace outreach::storage
