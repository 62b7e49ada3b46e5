// AuditCheckpointer: a signed checkpoint when the audit log's head moved, on its schedule.
#include "engine/audit_checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "storage/audit_checkpoint.h"
#include "storage/audit_log.h"
#include "tests/support/storage_fixture.h"

namespace outreach::test {
namespace {

namespace fs = std::filesystem;

class AuditCheckpointerTest : public StorageTest {
 protected:
  AuditCheckpointerTest() {
    dir_ = fs::temp_directory_path() / ("outreach-checkpointer-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    options_.file = (dir_ / "audit.checkpoints").string();
    options_.every = std::chrono::minutes(1);
  }
  ~AuditCheckpointerTest() override { fs::remove_all(dir_); }

  void append() {
    storage::AuditRecord r;
    r.at = now();
    r.actor = "amira";
    r.action = "contacts.show";
    r.subject = "contact:1";
    r.purpose = "outreach";
    r.request_id = "cli";
    storage::AuditLog(*db).append(r).take();
  }
  std::size_t lines() {
    std::ifstream in(options_.file);
    std::size_t n = 0;
    for (std::string l; std::getline(in, l);) n += l.empty() ? 0 : 1;
    return n;
  }
  std::optional<std::int64_t> due(engine::AuditCheckpointer& c) {
    auto r = c.run_due(now());
    EXPECT_TRUE(r) << r.error().what();
    return r && *r ? std::optional<std::int64_t>((*r)->id) : std::nullopt;
  }

  fs::path dir_;
  engine::AuditCheckpointOptions options_;
  const std::string key_ = std::string(32, 'a');
};

TEST_F(AuditCheckpointerTest, WritesWhenTheHeadMovedAndOnlyWhenDue) {
  engine::AuditCheckpointer c(*db, clock, options_, key_);
  EXPECT_EQ(due(c), std::nullopt) << "an empty log has nothing to checkpoint";
  append();
  clock.advance(std::chrono::minutes(1));
  EXPECT_EQ(due(c), 1);
  append();
  clock.advance(std::chrono::seconds(20));
  EXPECT_EQ(due(c), std::nullopt) << "not due yet";
  clock.advance(std::chrono::seconds(40));
  EXPECT_EQ(due(c), 2);
  clock.advance(std::chrono::minutes(1));
  EXPECT_EQ(due(c), std::nullopt) << "the head did not move";
  EXPECT_EQ(lines(), 2u);
  auto report = storage::verify_checkpoints(storage::AuditLog(*db), options_.file, key_);
  ASSERT_TRUE(report) << report.error().what();
  EXPECT_EQ(report->checkpoints, 2);
}

TEST_F(AuditCheckpointerTest, ARestartedEngineDoesNotRepeatTheLastCheckpoint) {
  append();
  {
    engine::AuditCheckpointer first(*db, clock, options_, key_);
    ASSERT_TRUE(first.write_if_moved(now()));
  }
  engine::AuditCheckpointer second(*db, clock, options_, key_);
  EXPECT_EQ(due(second), std::nullopt);
  EXPECT_EQ(lines(), 1u);
  auto now_cp = second.write_now(now());
  ASSERT_TRUE(now_cp);
  EXPECT_EQ(lines(), 2u) << "write_now writes whatever the head did";
}

TEST_F(AuditCheckpointerTest, WithoutAFileNothingIsWritten) {
  append();
  engine::AuditCheckpointer off(*db, clock, engine::AuditCheckpointOptions{}, key_);
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(due(off), std::nullopt);
  EXPECT_EQ(off.write_now(now()).error().what(), "audit.checkpoint_file: no checkpoint file is configured");
}

}  // namespace
}  // namespace outreach::test
