// At most once, whatever crashes: the real `outreach serve` sends a one-step SMS campaign to a
// few thousand people through the Twilio connector to a recording loopback server, and is killed
// with SIGKILL at random moments, then restarted. At the end no (campaign, step, contact) reached
// the server twice, every outbox row is in a named final state, and the rows the server may or may
// not have seen are exactly the `unknown` ones.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/spawn.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kContacts = 3000;
constexpr int kKills = 6;

using outreach::test::slurp;
using outreach::test::spawn;
using outreach::test::wait_exit;

class Crash : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("outreach-crash-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "crash.db").string();
    log_ = dir_ / "server.log";
    int fd = -1;
    server_ = spawn({"python3", std::string(OUTREACH_SOURCE_DIR) + "/tests/support/recording_server.py", log_.string()},
                    {}, dir_ / "server.err", &fd);
    ASSERT_GT(server_, 0);
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
    close(fd);
    ASSERT_EQ(line.rfind("PORT ", 0), 0u) << line << slurp(dir_ / "server.err");
    port_ = std::stoi(line.substr(5));
  }
  void TearDown() override {
    if (server_ > 0) {
      kill(server_, SIGKILL);
      wait_exit(server_);
    }
    if (!HasFailure()) fs::remove_all(dir_);
    else std::fprintf(stderr, "kept %s for inspection\n", dir_.c_str());
  }

  std::string write(const std::string& name, const std::string& text) {
    auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::vector<std::string> cli(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {OUTREACH_BINARY, "--config", config_, "--db", db_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  // Runs a CLI command to completion; returns its exit code (stdout in last_out_).
  int run(const std::vector<std::string>& args) {
    fs::remove(dir_ / "cli.out");
    pid_t pid = spawn(cli(args), dir_ / "cli.out", dir_ / "cli.err");
    int code = wait_exit(pid);
    last_out_ = slurp(dir_ / "cli.out");
    return code;
  }
  std::map<std::string, std::int64_t> by_status() {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    db.exec("PRAGMA busy_timeout = 5000");
    SQLite::Statement st(db, "SELECT status, count(*) FROM messages GROUP BY status");
    std::map<std::string, std::int64_t> out;
    while (st.executeStep()) out[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
    return out;
  }
  // phone number (E.164 path of the URN) -> status, for every row.
  std::map<std::string, std::string> status_by_phone() {
    SQLite::Database db(db_, SQLite::OPEN_READONLY);
    SQLite::Statement st(db,
                         "SELECT u.urn, m.status FROM messages m JOIN contact_urns u ON u.contact_id = m.contact_id "
                         "WHERE u.urn LIKE 'tel:%'");
    std::map<std::string, std::string> out;
    while (st.executeStep()) out[st.getColumn(0).getString().substr(4)] = st.getColumn(1).getString();
    return out;
  }

  fs::path dir_;
  fs::path log_;
  std::string db_;
  std::string config_;
  std::string last_out_;
  pid_t server_ = -1;
  int port_ = 0;
};

TEST_F(Crash, KilledAtRandomTheEngineNeverSendsAMessageTwiceAndLosesNothingSilently) {
  const auto started = Clock::now();
  config_ = write("outreach.yaml",
                  "database: " + db_ + "\n"
                  "public_base_url: http://127.0.0.1:8080\n"
                  "engine:\n"
                  "  claim_batch: 200\n"
                  "  lease: 5s\n"
                  "  frequency_cap: {messages: 10, per: 24h}\n"
                  "  retry: {base: 1s, cap: 2s, max_attempts: 3}\n"
                  "  circuit: {failures: 1000, cool_down: 1s}\n"
                  "channels:\n"
                  "  sms:          {scheme: tel,          provider: twilio,  rate: 5000}\n"
                  "  email:        {scheme: mailto,       provider: sandbox, rate: 50}\n"
                  "  whatsapp:     {scheme: whatsapp,     provider: sandbox, rate: 80}\n"
                  "  intermediary: {scheme: intermediary, provider: sandbox, rate: 10}\n"
                  "providers:\n"
                  "  twilio:\n"
                  "    base_url: http://127.0.0.1:" + std::to_string(port_) + "\n"
                  "    account_sid: AC0123456789abcdef0123456789abcdef\n"
                  "    auth_token: test-token\n"
                  "    from: \"+3197010203040\"\n");
  std::ostringstream csv;
  csv << "name,phone,language,municipality,tags,consent\n";
  for (int i = 0; i < kContacts; ++i) csv << "Persoon " << i << ",06" << (20000000 + i) << ",nl,GM0599,herstel,outreach@sms\n";
  const auto csv_file = write("contacts.csv", csv.str());
  const auto campaign = write("crash.yaml",
                              "campaign: crash\n"
                              "name: Crash test\n"
                              "sender: Herstelteam\n"
                              "reply_number: \"+3197010203040\"\n"
                              "consent_purpose: outreach\n"
                              "audience: {municipalities: [GM0599]}\n"
                              "send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", timezone: Europe/Amsterdam}\n"
                              "steps:\n"
                              "  - id: one\n    after: 0d\n    channels: [sms]\n    template: hello\n"
                              "templates:\n"
                              "  hello:\n"
                              "    nl: \"Beste {{name}}, Herstelteam. Stuur STOP om af te melden.\"\n");
  ASSERT_EQ(run({"municipalities", "load"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"principals", "add", "amira", "--kind", "coordinator"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"principals", "add", "joost", "--kind", "approver"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"contacts", "import", csv_file, "--as", "amira"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"campaign", "save", campaign, "--as", "amira"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"campaign", "submit", "crash", "--as", "amira"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"campaign", "approve", "crash", "--as", "joost"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(run({"campaign", "launch", "crash", "--as", "amira"}), 0) << slurp(dir_ / "cli.err");
  ASSERT_EQ(by_status()["queued"], kContacts);

  const std::vector<std::string> serve = {"serve", "--listen", "127.0.0.1:0"};
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> delay_ms(200, 800);
  int kills = 0;
  for (int k = 0; k < kKills; ++k) {
    pid_t pid = spawn(cli(serve), dir_ / "serve.out", dir_ / "serve.err");
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    EXPECT_EQ(wait_exit(pid), -SIGKILL) << slurp(dir_ / "serve.err");
    ++kills;
    auto s = by_status();
    if (s["queued"] == 0 && s["sending"] == 0) break;  // nothing left to interrupt
  }

  // The last run finishes the work: queued rows go out, the leases of killed runs run out.
  std::filesystem::remove(dir_ / "serve.out");
  pid_t pid = spawn(cli(serve), dir_ / "serve.out", dir_ / "serve.err");
  ASSERT_GT(pid, 0);
  std::map<std::string, std::int64_t> final_counts;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  // SIGTERM means a clean stop only once serve has set up its handler (it says so when it has).
  while (Clock::now() < deadline && slurp(dir_ / "serve.out").find("engine running") == std::string::npos)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  while (Clock::now() < deadline) {
    final_counts = by_status();
    if (final_counts["queued"] == 0 && final_counts["sending"] == 0 && final_counts["waiting"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid, SIGTERM);
  EXPECT_EQ(wait_exit(pid), 0) << slurp(dir_ / "serve.err");
  final_counts = by_status();

  // Every row in a named final state.
  std::int64_t total = 0;
  for (const auto& [status, n] : final_counts) {
    EXPECT_TRUE(status == "sent" || status == "unknown" || status == "failed") << status << " " << n;
    total += n;
  }
  EXPECT_EQ(total, kContacts);
  EXPECT_GT(final_counts["sent"], 0) << "the last run must get the remaining work out";

  // What the server saw: nobody twice.
  std::map<std::string, int> seen;
  std::istringstream log(slurp(log_));
  for (std::string to; std::getline(log, to);) ++seen[to];
  int duplicates = 0;
  for (const auto& [to, n] : seen) {
    if (n > 1) {
      ++duplicates;
      ADD_FAILURE() << to << " reached the provider " << n << " times";
    }
  }

  // sent rows were all seen; unseen rows are never `sent`; seen rows are `sent` or `unknown`.
  auto rows = status_by_phone();
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kContacts));
  int unknown_seen = 0, unknown_unseen = 0;
  for (const auto& [phone, status] : rows) {
    const bool was_seen = seen.count(phone) > 0;
    if (status == "sent") {
      EXPECT_TRUE(was_seen) << phone << " is sent but the provider never saw it";
    }
    if (status == "unknown") (was_seen ? unknown_seen : unknown_unseen)++;
    if (was_seen) {
      EXPECT_TRUE(status == "sent" || status == "unknown") << phone << " seen but " << status;
    }
  }
  for (const auto& [to, n] : seen) EXPECT_TRUE(rows.count(to)) << to << " is no contact of the campaign";

  // The operator's view of the uncertain rows is exactly the unknown rows.
  ASSERT_EQ(run({"messages", "list", "--status", "unknown", "--limit", "100000"}), 0);
  {
    std::istringstream lines(last_out_);
    std::int64_t listed = 0;
    std::string last;
    for (std::string line; std::getline(lines, line); last = line) listed += line.find("  unknown  ") != std::string::npos;
    EXPECT_EQ(listed, final_counts["unknown"]);
    EXPECT_EQ(last, std::to_string(final_counts["unknown"]) + " message(s)");
  }

  // Redrive says how many rows were in doubt and why (here: leases of killed runs).
  if (final_counts["unknown"] > 0) {
    ASSERT_EQ(run({"messages", "redrive", "--campaign", "crash", "--as", "amira"}), 0) << slurp(dir_ / "cli.err");
    const std::string n = std::to_string(final_counts["unknown"]);
    EXPECT_EQ(last_out_, n + " unknown message(s) queued again by amira\n  " + n +
                             " unknown because: lease expired while sending\n");
  }

  const auto seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("crash test: %d kills, %d rows, %zu reached the server, %lld sent, %lld unknown (%d seen by the "
              "server, %d not), %lld failed, %d duplicates, %.1f s\n",
              kills, kContacts, seen.size(), static_cast<long long>(final_counts["sent"]),
              static_cast<long long>(final_counts["unknown"]), unknown_seen, unknown_unseen,
              static_cast<long long>(final_counts["failed"]), duplicates, seconds);
  EXPECT_LT(seconds, 60.0);
}

}  // namespace
