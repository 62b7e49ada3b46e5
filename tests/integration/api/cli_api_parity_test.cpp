// The CLI and the API are two clients of the same services: the same scenario driven through
// each, on two copies of one database, is refused at the same steps and leaves the same audit
// records (actor, action, subject, purpose).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <tuple>

#include "storage/audit_log.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {
namespace {

using AuditRow = std::tuple<std::string, std::string, std::string, std::string>;

std::vector<AuditRow> audit_rows(storage::Database& db) {
  std::vector<AuditRow> out;
  storage::AuditLog(db).for_each([&](const storage::AuditRecord& r) {
    out.emplace_back(r.actor, r.action, r.subject, r.purpose);
  });
  return out;
}

constexpr const char* kCampaign =
    "campaign: parity\n"
    "name: Parity\n"
    "sender: Herstelteam\n"
    "reply_number: \"+3197010203040\"\n"
    "consent_purpose: outreach\n"
    "asks_for: share\n"
    "audience: {municipalities: [GM0599]}\n"
    "send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", timezone: Europe/Amsterdam}\n"
    "steps:\n"
    "  - id: one\n    after: 0d\n    channels: [sms]\n    template: first\n"
    "templates:\n"
    "  first:\n"
    "    nl: {text: \"Beste {{name}}, wilt u hulp van {{municipality_name}}? Antwoord JA. Herstelteam. Stuur STOP.\"}\n";

class Parity : public ApiTest {
 protected:
  // Runs the CLI on `db` from the source directory; returns the exit code.
  int cli(const std::string& db, const std::string& args) {
    const std::string cmd = std::string("cd '") + OUTREACH_SOURCE_DIR + "' && '" + OUTREACH_BINARY + "' --db '" + db +
                            "' " + args + " >>'" + (dir_ / "cli.out").string() + "' 2>&1";
    int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string cli_output() {
    std::ifstream in(dir_ / "cli.out");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
};

TEST_F(Parity, TheSameScenarioThroughTheCliAndTheApiIsRefusedAlikeAndAuditedAlike) {
  add_shared_response(alice_, "GM0599", "JA", "in-1");
  open_case(alice_, "GM0599");
  // A second copy of the database for the CLI, taken before either client acted.
  db_->sqlite().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  const std::string cli_db = (dir_ / "cli.db").string();
  std::filesystem::copy_file(dir_ / "test.db", cli_db);
  const std::string file = (dir_ / "parity.yaml").string();
  std::ofstream(file) << kCampaign;

  // Through the API.
  std::vector<long> api;
  api.push_back(request("POST", "/v1/campaigns", token("coord"), kCampaign).status);
  api.push_back(post("/v1/campaigns/parity/submit", "coord", json::object()).status);
  api.push_back(post("/v1/campaigns/parity/approve", "coord", json::object()).status);
  api.push_back(post("/v1/campaigns/parity/reject", "approver", {{"reason", "too long"}}).status);
  api.push_back(post("/v1/campaigns/parity/submit", "coord", json::object()).status);
  api.push_back(post("/v1/campaigns/parity/approve", "approver", json::object()).status);
  api.push_back(post("/v1/campaigns/parity/launch", "coord", json::object()).status);
  api.push_back(get("/v1/municipalities/GM0599/responses?format=csv", "gm0599").status);
  api.push_back(get("/v1/municipalities/GM0599/responses?format=csv", "gm0363").status);
  EXPECT_EQ(api, (std::vector<long>{201, 200, 403, 200, 200, 200, 200, 200, 403}));

  // Through the CLI.
  std::vector<int> cli_codes;
  cli_codes.push_back(cli(cli_db, "campaign save '" + file + "' --as coord"));
  cli_codes.push_back(cli(cli_db, "campaign submit parity --as coord"));
  cli_codes.push_back(cli(cli_db, "campaign approve parity --as coord"));
  cli_codes.push_back(cli(cli_db, "campaign reject parity --as approver --reason 'too long'"));
  cli_codes.push_back(cli(cli_db, "campaign submit parity --as coord"));
  cli_codes.push_back(cli(cli_db, "campaign approve parity --as approver"));
  cli_codes.push_back(cli(cli_db, "campaign launch parity --as coord"));
  cli_codes.push_back(cli(cli_db, "responses export --municipality GM0599 --format csv --as gm0599"));
  cli_codes.push_back(cli(cli_db, "responses export --municipality GM0599 --format csv --as gm0363"));
  EXPECT_EQ(cli_codes, (std::vector<int>{0, 0, 1, 0, 0, 0, 0, 0, 1})) << cli_output();

  auto from_cli = storage::Database::open(cli_db).take();
  const auto api_audit = audit_rows(*db_);
  const auto cli_audit = audit_rows(*from_cli);
  EXPECT_EQ(api_audit, cli_audit);
  // And the records say what happened, refusals leaving none.
  EXPECT_EQ(api_audit, (std::vector<AuditRow>{
                           {"coord", "campaign.save", "campaign:parity", "outreach"},
                           {"coord", "campaign.in_review", "campaign:parity", "outreach"},
                           {"approver", "campaign.draft", "campaign:parity", "outreach"},
                           {"coord", "campaign.in_review", "campaign:parity", "outreach"},
                           {"approver", "campaign.approved", "campaign:parity", "outreach"},
                           {"coord", "campaign.running", "campaign:parity", "outreach"},
                           {"coord", "campaign.launch", "campaign:parity", "outreach"},
                           {"gm0599", "responses.export", "municipality:GM0599", "brede-ondersteuning"},
                       }));
}

}  // namespace
}  // namespace outreach::test
