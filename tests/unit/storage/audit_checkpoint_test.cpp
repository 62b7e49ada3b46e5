#include "storage/audit_checkpoint.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "storage/audit_log.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

namespace fs = std::filesystem;

class AuditCheckpointTest : public test::BackendStorageTest {
 protected:
  AuditCheckpointTest() {
    dir_ = fs::temp_directory_path() / ("outreach-checkpoints-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    path_ = (dir_ / "audit.checkpoints").string();
  }
  ~AuditCheckpointTest() override { fs::remove_all(dir_); }

  void append(int n) {
    for (int i = 0; i < n; ++i) {
      AuditRecord r;
      r.at = now();
      r.actor = "rotterdam";
      r.action = "responses.export";
      r.subject = "contact:" + std::to_string(40 + i);
      r.purpose = "brede-ondersteuning";
      r.request_id = "req";
      clock.advance(std::chrono::seconds(1));
      log.append(r).take();
    }
  }
  AuditCheckpoint checkpoint() {
    AuditCheckpoint cp = sign_checkpoint(log.head(), now(), key_);
    file().append(cp).take();
    return cp;
  }
  CheckpointFile file() const { return CheckpointFile(path_); }
  // Someone with the database file: drops the append-only triggers, then changes rows.
  void tamper(const std::string& sql) {
    db->exec(on_postgres() ? "ALTER TABLE audit_log DISABLE TRIGGER USER"
                           : "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete");
    db->exec(sql);
  }
  // Rewrites record `id` and recomputes every later hash, so the chain itself verifies again.
  void rewrite_and_rechain(std::int64_t id, const std::string& subject) {
    tamper("UPDATE audit_log SET subject = '" + subject + "' WHERE id = " + std::to_string(id));
    std::vector<AuditRecord> records;
    log.for_each([&](const AuditRecord& r) { records.push_back(r); });
    std::string prev = audit_genesis_hash();
    for (AuditRecord& r : records) {
      r.prev_hash = prev;
      r.hash = audit_record_hash(r);
      Statement st(*db, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?");
      st.bind(1, r.prev_hash);
      st.bind(2, r.hash);
      st.bind(3, static_cast<int64_t>(r.id));
      st.exec();
      prev = r.hash;
    }
  }
  std::string verify_error() {
    auto r = verify_checkpoints(log, path_, key_);
    return r ? "ok" : r.error().what();
  }
  void write_line(const std::string& line) { std::ofstream(path_, std::ios::app) << line << "\n"; }

  fs::path dir_;
  std::string path_;
  std::string key_ = std::string(32, 'k');
  AuditLog log{*db};
};

TEST_P(AuditCheckpointTest, LineRoundTripsAndItsSignatureVerifies) {
  append(3);
  AuditCheckpoint cp = sign_checkpoint(log.head(), now(), key_);
  const std::string line = to_json_line(cp);
  EXPECT_EQ(line.rfind("{\"v\":1,\"id\":3,\"hash\":\"" + cp.hash + "\",\"count\":3,\"at\":\"2026-11-02T09:00:03.000Z\"", 0), 0u)
      << line;
  auto parsed = parse_checkpoint_line(line);
  ASSERT_TRUE(parsed) << parsed.error().what();
  EXPECT_EQ(parsed->id, 3);
  EXPECT_EQ(parsed->hash, cp.hash);
  EXPECT_EQ(parsed->at, cp.at);
  EXPECT_TRUE(checkpoint_signature_valid(*parsed, key_));
  EXPECT_FALSE(checkpoint_signature_valid(*parsed, std::string(32, 'x')));
}

TEST_P(AuditCheckpointTest, BadLinesNameTheField) {
  EXPECT_EQ(parse_checkpoint_line("not json").error().what(), "not a JSON object");
  EXPECT_EQ(parse_checkpoint_line(R"({"v":1,"id":3,"hash":"abc"})").error().what(),
            "hash: expected 64 lowercase hex characters");
}

TEST_P(AuditCheckpointTest, IntactLogVerifiesAgainstEveryCheckpoint) {
  append(2);
  checkpoint();
  append(3);
  checkpoint();
  append(1);  // after the newest checkpoint: covered by the chain only
  auto r = verify_checkpoints(log, path_, key_);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->checkpoints, 2);
  EXPECT_EQ(r->newest->id, 5);
  auto last = file().last();
  ASSERT_TRUE(last && *last);
  EXPECT_EQ((*last)->id, 5);
}

TEST_P(AuditCheckpointTest, TruncatedNewestRowsAreDetectedThoughTheChainStillVerifies) {
  append(3);
  checkpoint();
  append(2);
  checkpoint();
  tamper("DELETE FROM audit_log WHERE id > 3");
  ASSERT_TRUE(log.verify()) << "the shortened chain is consistent by itself";
  EXPECT_EQ(verify_error(), path_ + ":2: checkpoint of record 5: record 5 is missing: the newest records were deleted "
                                     "(the log now ends at record 3)");
}

TEST_P(AuditCheckpointTest, RewrittenMiddleRowIsDetectedEvenWithTheChainRecomputed) {
  append(5);
  checkpoint();
  rewrite_and_rechain(3, "contact:99");
  ASSERT_TRUE(log.verify()) << "the recomputed chain is consistent by itself";
  EXPECT_EQ(verify_error(), path_ + ":1: checkpoint of record 5: record 5 does not have the checkpointed hash: the log "
                                     "was rewritten up to it");
}

TEST_P(AuditCheckpointTest, DeletedCheckpointedRowIsNamed) {
  append(2);
  checkpoint();
  append(2);
  tamper("DELETE FROM audit_log WHERE id = 2");
  EXPECT_EQ(verify_error(), path_ + ":1: checkpoint of record 2: record 2 is missing: it was deleted");
}

TEST_P(AuditCheckpointTest, ForgedCheckpointLineIsDetected) {
  append(3);
  checkpoint();
  append(2);
  // Truncate, then cover it up with a checkpoint of the shortened log signed with a guessed key.
  tamper("DELETE FROM audit_log WHERE id > 3");
  write_line(to_json_line(sign_checkpoint(log.head(), now(), std::string(32, 'g'))));
  EXPECT_EQ(verify_error(), path_ + ":2: the signature does not match: the checkpoint was forged or altered, or signed "
                                     "with another server secret");
}

TEST_P(AuditCheckpointTest, AlteredCheckpointLineIsDetected) {
  append(4);
  AuditCheckpoint cp = checkpoint();
  cp.count = 3;  // edited by hand, signature kept
  write_line(to_json_line(cp));
  EXPECT_EQ(verify_error(), path_ + ":2: the signature does not match: the checkpoint was forged or altered, or signed "
                                     "with another server secret");
}

TEST_P(AuditCheckpointTest, GarbageLineIsNamed) {
  append(1);
  checkpoint();
  write_line("{\"v\":1}");
  EXPECT_EQ(verify_error(), path_ + ":2: not a checkpoint: id: expected an integer");
}

TEST_P(AuditCheckpointTest, MissingOrEmptyFileIsAProblem) {
  EXPECT_EQ(verify_error().rfind(path_ + ": cannot read the checkpoint file", 0), 0u) << verify_error();
  write_line("");
  EXPECT_EQ(verify_error(), path_ + ": no checkpoints in the file");
  auto last = file().last();
  ASSERT_TRUE(last);
  EXPECT_FALSE(*last);
}

OUTREACH_ON_EACH_BACKEND(AuditCheckpointTest);

}  // namespace
}  // namespace outreach::storage
