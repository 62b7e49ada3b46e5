// What an operator reads from a real `outreach serve`: JSON log lines carrying the request id the
// client sent, the same id in the audit record of the read it made (served by a reader thread, its
// audit record appended by the writer), and /metrics agreeing with the database.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/smtp_server.h"

namespace {

using namespace outreach::test;
using nlohmann::json;

HttpReply get(const std::string& url, const std::vector<std::string>& headers) {
  return http("GET", url, {}, headers);
}

double series(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  }
  return -1;
}

class Observability : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("outreach-observe");
    db_ = dir_ + "/test.db";
    config_ = std::string(OUTREACH_SOURCE_DIR) + "/config/outreach.yaml";
  }
  void TearDown() override { remove_tree(dir_); }

  CommandResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {OUTREACH_BINARY, "--db", db_, "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  std::string add_principal(const std::string& name, const std::string& kind, const std::string& scope = {}) {
    std::vector<std::string> args = {"principals", "add", name, "--kind", kind};
    if (!scope.empty()) args.insert(args.end(), {"--scope", scope});
    auto r = cli(args);
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.output, m, std::regex("token \\(shown once, store it now\\): (\\S+)"))) << r.output;
    return m.size() > 1 ? m[1].str() : std::string();
  }

  std::string dir_, db_, config_;
};

TEST_F(Observability, TheClientsRequestIdIsInTheAnswerTheAuditRowAndTheJsonLogLines) {
  // The demo leaves a realistic database: a launched campaign, replies, cases in Rotterdam.
  auto demo = cli({"demo", "--data", std::string(OUTREACH_SOURCE_DIR) + "/config/data"});
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  const std::string rotterdam = add_principal("rotterdam-clerk", "municipality", "GM0599");
  const std::string ops = add_principal("ops", "operator");

  const int port = free_loopback_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ChildProcess serve;
  ASSERT_TRUE(serve.start({OUTREACH_BINARY, "--db", db_, "--config", config_, "--log-format", "json", "--log-level",
                           "debug", "serve", "--listen", "127.0.0.1:" + std::to_string(port), "--readers", "2"},
                          dir_ + "/serve.err"));
  std::string line;
  bool running = false;
  while (!running && serve.read_line(line, std::chrono::seconds(10))) running = line.find("engine running") != std::string::npos;
  ASSERT_TRUE(running) << read_file(dir_ + "/serve.err");

  auto list = get(base + "/v1/municipalities/GM0599/responses?limit=100",
                  {"Authorization: Bearer " + rotterdam, "X-Request-Id: clerk-7f3a-0001"});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.headers["x-request-id"], "clerk-7f3a-0001");
  EXPECT_FALSE(json::parse(list.body)["items"].empty()) << list.body;
  auto metrics = get(base + "/metrics", {"Authorization: Bearer " + ops});
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  auto fresh = get(base + "/healthz", {});
  EXPECT_TRUE(std::regex_match(fresh.headers["x-request-id"], std::regex("[0-9a-f]{32}")));
  EXPECT_EQ(serve.stop(), 0) << read_file(dir_ + "/serve.err");

  // The audit record of the read (appended by the writer for the reader) carries the client's id.
  SQLite::Database db(db_, SQLite::OPEN_READONLY);
  SQLite::Statement audit(db, "SELECT actor, subject, request_id FROM audit_log WHERE action = 'responses.read' "
                              "AND actor = 'rotterdam-clerk'");
  ASSERT_TRUE(audit.executeStep());
  EXPECT_EQ(audit.getColumn(0).getString(), "rotterdam-clerk");
  EXPECT_EQ(audit.getColumn(1).getString(), "municipality:GM0599");
  EXPECT_EQ(audit.getColumn(2).getString(), "clerk-7f3a-0001");
  EXPECT_FALSE(audit.executeStep()) << "one record per request";

  // /metrics agrees with the database: cases by state, outbox rows by status.
  SQLite::Statement cases(db, "SELECT status, count(*) FROM cases GROUP BY status");
  int case_states = 0;
  while (cases.executeStep()) {
    ++case_states;
    EXPECT_EQ(series(metrics.body, "outreach_cases{status=\"" + cases.getColumn(0).getString() + "\"}"),
              cases.getColumn(1).getInt64())
        << metrics.body;
  }
  EXPECT_GT(case_states, 0);
  SQLite::Statement rows(db, "SELECT status, count(*) FROM messages GROUP BY status");
  while (rows.executeStep()) {
    EXPECT_EQ(series(metrics.body, "outreach_outbox_messages{status=\"" + rows.getColumn(0).getString() + "\"}"),
              rows.getColumn(1).getInt64())
        << metrics.body;
  }
  EXPECT_EQ(series(metrics.body, "outreach_http_requests_total{route=\"GET /v1/municipalities/{code}/responses\","
                                 "status=\"200\"}"),
            1)
      << metrics.body;

  // Every log line is a JSON object; the request's lines carry its id; no token reaches the log.
  const std::string log = read_file(dir_ + "/serve.err");
  EXPECT_EQ(log.find(rotterdam), std::string::npos);
  std::istringstream in(log);
  int lines = 0, with_id = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ++lines;
    json j = json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    EXPECT_TRUE(std::regex_match(j.value("ts", ""), std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))) << line;
    EXPECT_TRUE(j.contains("level") && j.contains("component") && j.contains("message")) << line;
    if (j.value("request_id", "") == "clerk-7f3a-0001") {
      ++with_id;
      EXPECT_EQ(j["component"], "api") << line;
      EXPECT_EQ(j["message"], "http GET /v1/municipalities/{code}/responses -> 200") << line;
    }
  }
  EXPECT_GT(lines, 0);
  EXPECT_EQ(with_id, 1) << log;
}

}  // namespace
