// RFC 8058 one-click unsubscribe end to end: a campaign e-mail goes through the real SMTP path
// (`outreach run` -> aiosmtpd), the token is taken from the received message's List-Unsubscribe
// header and POSTed to a real `outreach serve`; the consent is then withdrawn and the person's next
// step is not sent.
#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/require_tool.h"
#include "tests/support/smtp_server.h"

namespace {

using namespace outreach::test;
namespace fs = std::filesystem;

class Unsubscribe : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("outreach-unsub");
    db_ = dir_ + "/test.db";
  }
  void TearDown() override { remove_tree(dir_); }

  CommandResult cli(std::vector<std::string> args) {
    std::vector<std::string> argv = {OUTREACH_BINARY, "--db", db_, "--config", config_};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string dir_, db_, config_;
};

TEST_F(Unsubscribe, OneClickFromARealEmailWithdrawsConsentAndStopsTheNextStep) {
  SmtpSink sink;
  OUTREACH_REQUIRE_TOOL(sink.ok(), "SMTP sink unavailable: " << sink.error());
  const int port = free_loopback_port();
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  config_ = write("outreach.yaml",
                  "public_base_url: " + base + "\n"
                  "channels:\n"
                  "  email: {scheme: mailto, provider: smtp, rate: 50}\n"
                  "providers:\n"
                  "  smtp:\n"
                  "    url: " + sink.url() + "\n"
                  "    starttls: \"false\"\n"
                  "    from_address: herstel@gemeente.example.org\n"
                  "    unsubscribe_mailto: afmelden@gemeente.example.org\n");
  const std::string src = OUTREACH_SOURCE_DIR;
  auto ok = [](const CommandResult& r) { return r.exit_code == 0; };
  ASSERT_TRUE(ok(cli({"municipalities", "load", "--file", src + "/config/data/municipalities.csv", "--regions",
                      src + "/config/data/regions.csv"})));
  ASSERT_TRUE(ok(cli({"principals", "add", "amira", "--kind", "coordinator"})));
  ASSERT_TRUE(ok(cli({"principals", "add", "joost", "--kind", "approver"})));
  auto imported = cli({"contacts", "import",
                       write("people.csv", "name,email,language,municipality,tags,consent\n"
                                           "Sanne de Vries,sanne@example.nl,nl,GM0599,herstel,outreach\n"),
                       "--as", "amira"});
  ASSERT_TRUE(ok(imported)) << imported.output;
  const std::string campaign = write(
      "mail.yaml",
      "campaign: mail\nname: Hulp per e-mail\nsender: Herstelteam\nconsent_purpose: outreach\n"
      "audience: {municipalities: [GM0599]}\n"
      "send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", timezone: Europe/Amsterdam}\n"
      "steps:\n"
      "  - {id: first, after: 0d, channels: [email], template: first}\n"
      "  - {id: reminder, after: 1d, channels: [email], template: reminder}\n"
      "templates:\n"
      "  first:\n    nl: {subject: Hulp, text: \"Beste {{name}}, uw gemeente helpt. Herstelteam. Afmelden: {{unsubscribe_url}}\"}\n"
      "  reminder:\n    nl: {subject: Herinnering, text: \"Beste {{name}}, nog een keer. Herstelteam. Afmelden: {{unsubscribe_url}}\"}\n");
  for (std::vector<std::string> step : {std::vector<std::string>{"campaign", "save", campaign, "--as", "amira"},
                                        {"campaign", "submit", "mail", "--as", "amira"},
                                        {"campaign", "approve", "mail", "--as", "joost"},
                                        {"campaign", "launch", "mail", "--as", "amira"}}) {
    auto r = cli(step);
    ASSERT_TRUE(ok(r)) << step[1] << ": " << r.output;
  }

  // The first step over real SMTP.
  auto run = cli({"run"});
  ASSERT_TRUE(ok(run)) << run.output;
  EXPECT_NE(run.output.find("1 sent"), std::string::npos) << run.output;
  ASSERT_TRUE(sink.wait_for(1, std::chrono::seconds(10)));
  const std::string eml = read_file(sink.messages().at(0));
  EXPECT_NE(eml.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), std::string::npos) << eml;
  std::smatch m;
  const std::regex header("List-Unsubscribe:\\s*<" + base + "/u/([A-Za-z0-9_-]{32})>,\\s*<mailto:afmelden@gemeente\\.example\\.org>");
  ASSERT_TRUE(std::regex_search(eml, m, header)) << eml;
  const std::string token = m[1];

  // A real `outreach serve` answers the link.
  ChildProcess serve;
  ASSERT_TRUE(serve.start({OUTREACH_BINARY, "--db", db_, "--config", config_, "serve", "--listen",
                           "127.0.0.1:" + std::to_string(port)},
                          dir_ + "/serve.err"));
  std::string line;
  bool running = false;
  while (!running && serve.read_line(line, std::chrono::seconds(10))) running = line.find("engine running") != std::string::npos;
  ASSERT_TRUE(running) << read_file(dir_ + "/serve.err");

  auto page = http("GET", base + "/u/" + token);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<html lang=\"nl\">"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"" + token + "\">"), std::string::npos) << page.body;
  auto one_click = http("POST", base + "/u/" + token, "List-Unsubscribe=One-Click",
                        {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(one_click.status, 200);
  EXPECT_EQ(one_click.body, "unsubscribed\n");
  auto again = http("POST", base + "/u/" + token, "List-Unsubscribe=One-Click",
                    {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(again.body, "already unsubscribed\n");
  // A person who clicked by mistake undoes it from the page, and can unsubscribe again from there.
  auto undo = http("POST", base + "/u/" + token + "/undo", "List-Unsubscribe=One-Click", {"Accept: text/html"});
  EXPECT_EQ(undo.status, 200);
  EXPECT_NE(undo.body.find("U krijgt weer e-mails van ons."), std::string::npos) << undo.body;
  EXPECT_NE(undo.body.find("action=\"../" + token + "\""), std::string::npos) << undo.body;
  auto browser = http("POST", base + "/u/" + token, "List-Unsubscribe=One-Click", {"Accept: text/html"});
  EXPECT_NE(browser.body.find("U bent afgemeld."), std::string::npos) << browser.body;
  EXPECT_NE(browser.body.find("action=\"" + token + "/undo\""), std::string::npos) << browser.body;
  std::string forged = token;
  forged[5] = forged[5] == 'x' ? 'y' : 'x';
  auto bad = http("POST", base + "/u/" + forged, "List-Unsubscribe=One-Click");
  EXPECT_EQ(bad.status, 404);
  EXPECT_EQ(bad.body, R"({"error":{"code":"not_found","message":"no such route","field":null}})");
  EXPECT_EQ(serve.stop(), 0) << read_file(dir_ + "/serve.err");

  auto consent = cli({"consent", "show", "1", "--as", "amira"});
  EXPECT_NE(consent.output.find("withdraw outreach @email  source=one_click_unsubscribe"), std::string::npos)
      << consent.output;
  EXPECT_NE(consent.output.find("grant    outreach @email  source=one_click_undo"), std::string::npos) << consent.output;
  EXPECT_EQ(consent.output.rfind("withdraw outreach @email  source=one_click_unsubscribe"),
            consent.output.find("withdraw outreach @email  source=one_click_unsubscribe", consent.output.find("one_click_undo")))
      << "the last word is the second click: " << consent.output;

  // A day later the reminder falls due: it is not sent.
  {
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec("UPDATE messages SET due_at = due_at - 2 * 86400000 WHERE step = 1");
  }
  auto later = cli({"run"});
  ASSERT_TRUE(ok(later)) << later.output;
  EXPECT_NE(later.output.find("0 sent"), std::string::npos) << later.output;
  EXPECT_NE(later.output.find("1 suppressed"), std::string::npos) << later.output;
  EXPECT_EQ(sink.messages().size(), 1u);
  auto verify = cli({"audit", "verify", "--checkpoint", db_ + ".checkpoints"});
  EXPECT_TRUE(ok(verify)) << verify.output;
}

}  // namespace
