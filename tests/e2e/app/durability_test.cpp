// What survives a crash, a full database and a backup, with the real `outreach` binary:
//   - kill -9 `serve` during a burst of signed webhooks: every webhook answered 2xx is recorded;
//   - a database at its size cap (database_max_size, SQLITE_FULL): writes answer 503 (the log, not
//     the client, names the database), nothing is half-written, reads still answer, serve does not crash;
//   - `outreach backup FILE` during writes gives a consistent copy that `outreach` opens, with its
//     secret and audit checkpoints beside it.
#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "channels/form_encoding.h"
#include "channels/twilio_connector.h"
#include "tests/support/http_client.h"
#include "tests/support/smtp_server.h"

namespace {

using namespace outreach::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kPublicBase = "http://127.0.0.1:8080";
constexpr const char* kSid = "AC0123456789abcdef0123456789abcdef";
constexpr const char* kToken = "test-token";

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class Durability : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("outreach-durable");
    db_ = dir_ + "/outreach.db";
    config(std::string());
  }
  void TearDown() override {
    if (!HasFailure()) remove_tree(dir_);
    else std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
  }

  void config(const std::string& extra) {
    config_ = write("outreach.yaml", "public_base_url: " + std::string(kPublicBase) + "\n" + extra +
                                         "channels:\n"
                                         "  sms: {scheme: tel, provider: twilio, rate: 50}\n"
                                         "providers:\n"
                                         "  twilio:\n"
                                         "    base_url: http://127.0.0.1:9\n"
                                         "    account_sid: " + kSid + "\n"
                                         "    auth_token: " + kToken + "\n"
                                         "    from: \"+3197010203040\"\n");
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  CommandResult cli(std::vector<std::string> args, const std::string& db = {}) {
    std::vector<std::string> argv = {OUTREACH_BINARY, "--db", db.empty() ? db_ : db, "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  // Starts `outreach serve` on a free port; returns its base URL, empty when it did not come up.
  std::string serve(ChildProcess& p) {
    const int port = free_loopback_port();
    if (!p.start({OUTREACH_BINARY, "--db", db_, "--config", config_, "serve", "--listen",
                  "127.0.0.1:" + std::to_string(port)},
                 dir_ + "/serve.err"))
      return {};
    std::string line;
    while (p.read_line(line, std::chrono::seconds(20))) {
      if (line.find("engine running") != std::string::npos) return "http://127.0.0.1:" + std::to_string(port);
    }
    return {};
  }
  // A signed Twilio inbound SMS webhook with message id `sid`.
  HttpReply webhook(const std::string& base, const std::string& sid, long timeout_ms = 10000) {
    outreach::channels::FormFields f = {{"MessageSid", sid}, {"SmsSid", sid}, {"AccountSid", kSid},
                                        {"From", "+31612345678"}, {"To", "+3197010203040"},
                                        {"Body", "Hallo " + sid}, {"NumMedia", "0"}};
    const std::string signature =
        outreach::channels::twilio_signature(kToken, std::string(kPublicBase) + "/v1/webhooks/sms", f);
    return http("POST", base + "/v1/webhooks/sms", outreach::channels::form_encode(f),
                {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + signature}, timeout_ms);
  }
  std::set<std::string> recorded_ids(const std::string& db) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    d.exec("PRAGMA busy_timeout = 5000");
    SQLite::Statement st(d, "SELECT provider_message_id FROM responses");
    std::set<std::string> out;
    while (st.executeStep()) out.insert(st.getColumn(0).getString());
    return out;
  }
  std::int64_t count(const std::string& db, const std::string& table) {
    SQLite::Database d(db, SQLite::OPEN_READONLY);
    d.exec("PRAGMA busy_timeout = 5000");
    return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
  }

  std::string dir_, db_, config_;
};

TEST_F(Durability, KillNineDuringABurstOfSignedWebhooksLosesNoWebhookThatWasAnswered2xx) {
  ASSERT_EQ(cli({"init"}).exit_code, 0);
  constexpr int kRounds = 3, kSenders = 4;
  std::mt19937 rng(std::random_device{}());
  std::set<std::string> acked;
  int unanswered = 0;
  for (int round = 0; round < kRounds; ++round) {
    ChildProcess p;
    const std::string base = serve(p);
    ASSERT_FALSE(base.empty()) << slurp(dir_ + "/serve.err");
    ASSERT_EQ(http("GET", base + "/healthz").status, 200);  // also initialises libcurl before the threads
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> senders;
    for (int t = 0; t < kSenders; ++t) {
      senders.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          const std::string sid = "SM" + std::to_string(round) + "x" + std::to_string(t) + "x" + std::to_string(i);
          HttpReply r = webhook(base, sid, 3000);
          std::lock_guard<std::mutex> lock(mu);
          if (r.status >= 200 && r.status < 300) acked.insert(sid);
          else ++unanswered;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(300, 700)(rng)));
    ASSERT_EQ(kill(p.pid(), SIGKILL), 0);
    stop = true;
    for (auto& s : senders) s.join();
    const int status = p.stop();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }
  // The restarted database: recovers its WAL, its audit chain is intact.
  auto verify = cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  const auto recorded = recorded_ids(db_);
  int lost = 0;
  for (const auto& sid : acked) {
    if (!recorded.count(sid)) {
      ++lost;
      ADD_FAILURE() << sid << " was answered 2xx but is not recorded";
    }
  }
  EXPECT_GT(acked.size(), 50u) << "the burst must have been answered before the kill";
  std::printf("webhook crash: %d kills, %zu answered 2xx, %zu recorded, %d lost, %d without an answer\n", kRounds,
              acked.size(), recorded.size(), lost, unanswered);
}

TEST_F(Durability, AFullDatabaseRefusesWritesWith503NamingItAndKeepsServingReads) {
  ASSERT_EQ(cli({"init"}).exit_code, 0);
  auto principal = cli({"principals", "add", "amira", "--kind", "coordinator"});
  ASSERT_EQ(principal.exit_code, 0) << principal.output;
  // The token is printed once; a read route checks it.
  const std::string marker = "token (shown once, store it now): ";
  const auto at = principal.output.find(marker);
  ASSERT_NE(at, std::string::npos) << principal.output;
  std::string token = principal.output.substr(at + marker.size());
  token = token.substr(0, token.find('\n'));
  ASSERT_FALSE(token.empty()) << principal.output;
  std::int64_t bytes = 0;
  {
    SQLite::Database d(db_, SQLite::OPEN_READWRITE);
    d.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    bytes = d.execAndGet("PRAGMA page_count").getInt64() * d.execAndGet("PRAGMA page_size").getInt64();
  }
  config("database_max_size: " + std::to_string(bytes + 48 * 1024) + "\n");

  ChildProcess p;
  const std::string base = serve(p);
  ASSERT_FALSE(base.empty()) << slurp(dir_ + "/serve.err");
  std::set<std::string> acked;
  HttpReply refused;
  for (int i = 0; i < 5000 && refused.status == 0; ++i) {
    const std::string sid = "SMfull" + std::to_string(i);
    HttpReply r = webhook(base, sid);
    if (r.status == 200) acked.insert(sid);
    else refused = r;
  }
  ASSERT_EQ(refused.status, 503) << refused.body;
  EXPECT_NE(refused.body.find("database full"), std::string::npos) << refused.body;
  EXPECT_EQ(refused.body.find(db_), std::string::npos) << "the client does not learn the path: " << refused.body;
  EXPECT_GT(acked.size(), 10u);
  std::string log, line;  // serve logs on stdout
  while (log.find("database or disk is full") == std::string::npos && p.read_line(line, std::chrono::seconds(5))) {
    log += line + "\n";
  }
  EXPECT_NE(log.find(db_ + ": database or disk is full"), std::string::npos) << "the operator's log names the file: " << log;

  // Still serving: health, an authenticated read; and the next write is refused the same way.
  EXPECT_EQ(http("GET", base + "/healthz").status, 200);
  auto read = http("GET", base + "/v1/campaigns/none", {}, {"Authorization: Bearer " + token});
  EXPECT_EQ(read.status, 404) << "an answer from the database, not an error: " << read.body;
  EXPECT_EQ(webhook(base, "SMfull-again").status, 503);
  EXPECT_TRUE(p.running()) << slurp(dir_ + "/serve.err");
  const int status = p.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << slurp(dir_ + "/serve.err");

  // Nothing half-written: exactly the answered webhooks are recorded, each with its audit record.
  config(std::string());
  EXPECT_EQ(recorded_ids(db_), acked);
  auto verify = cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  std::printf("full database: %zu webhooks recorded before the cap, then 503: %s\n", acked.size(), refused.body.c_str());
}

TEST_F(Durability, BackupDuringWritesIsAConsistentCopyThatOutreachOpens) {
  ASSERT_EQ(cli({"init"}).exit_code, 0);
  const std::string src = OUTREACH_SOURCE_DIR;
  ASSERT_EQ(cli({"municipalities", "load", "--file", src + "/config/data/municipalities.csv", "--regions",
                 src + "/config/data/regions.csv"}).exit_code, 0);
  ASSERT_EQ(cli({"principals", "add", "amira", "--kind", "coordinator"}).exit_code, 0);
  constexpr int kFiles = 6, kPerFile = 400;
  std::vector<std::string> files;
  for (int f = 0; f < kFiles; ++f) {
    std::string csv = "name,phone,language,municipality,tags,consent\n";
    for (int i = 0; i < kPerFile; ++i)
      csv += "Persoon " + std::to_string(f) + "-" + std::to_string(i) + ",06" + std::to_string(30000000 + f * 1000 + i) +
             ",nl,GM0599,herstel,outreach@sms\n";
    files.push_back(write("people" + std::to_string(f) + ".csv", csv));
  }
  ASSERT_EQ(cli({"contacts", "import", files[0], "--as", "amira"}).exit_code, 0);
  auto cp = cli({"audit", "checkpoint"});
  ASSERT_EQ(cp.exit_code, 0) << cp.output;

  // The writer: imports one file after another (one transaction each), in its own processes.
  std::atomic<int> imported{1};
  std::thread writer([&] {
    for (int f = 1; f < kFiles; ++f) {
      if (cli({"contacts", "import", files[f], "--as", "amira"}).exit_code == 0) ++imported;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const std::string copy = dir_ + "/backup/outreach-copy.db";
  fs::create_directories(dir_ + "/backup");
  const auto started = Clock::now();
  auto backup = cli({"backup", copy});
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  writer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.output;
  EXPECT_NE(backup.output.find("written to " + copy), std::string::npos) << backup.output;
  EXPECT_NE(backup.output.find("server secret copied to " + copy + ".secret"), std::string::npos) << backup.output;
  EXPECT_EQ(imported, kFiles) << "the writer was never refused";
  EXPECT_FALSE(fs::exists(copy + "-wal")) << "the copy is one file";

  // The secret beside it, private and identical; the checkpoints too.
  struct stat st {};
  ASSERT_EQ(stat((copy + ".secret").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(copy + ".secret"), slurp(db_ + ".secret"));
  ASSERT_TRUE(fs::exists(copy + ".checkpoints"));

  // Restored: outreach opens the copy; the audit chain and the checkpoints verify with its secret.
  auto verify = cli({"audit", "verify", "--checkpoint", copy + ".checkpoints"}, copy);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("1 signed checkpoint(s) verified"), std::string::npos) << verify.output;
  const auto contacts = count(copy, "contacts");
  EXPECT_EQ(contacts % kPerFile, 0) << "whole imports only: " << contacts;
  EXPECT_GE(contacts, kPerFile);
  EXPECT_LE(contacts, count(db_, "contacts"));
  auto shown = cli({"contacts", "show", "1", "--as", "amira"}, copy);
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("Persoon 0-0"), std::string::npos) << shown.output;

  // Never over an existing file, unless --force.
  auto again = cli({"backup", copy});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find(copy + " exists; give --force to overwrite it"), std::string::npos) << again.output;
  auto forced = cli({"backup", copy, "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.output;
  EXPECT_EQ(count(copy, "contacts"), count(db_, "contacts"));
  std::printf("backup during writes: %lld contacts in the copy of %lld, %.2f s; %s", static_cast<long long>(contacts),
              static_cast<long long>(count(db_, "contacts")), seconds, backup.output.c_str());
}

}  // namespace
