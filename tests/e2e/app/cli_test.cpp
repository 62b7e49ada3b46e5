// Drives the real `outreach` binary on temporary databases, as a user would.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include "tests/support/http_recorder.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace {

namespace fs = std::filesystem;

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("outreach-e2e-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    db_ = (dir_ / "test.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `outreach --db <tmp> ARGS` from the source directory (where config/ lives).
  CliResult run(const std::string& args) {
    const std::string out_file = (dir_ / "stdout").string(), err_file = (dir_ / "stderr").string();
    const std::string cmd = std::string("cd '") + OUTREACH_SOURCE_DIR + "' && '" + OUTREACH_BINARY + "' --db '" + db_ +
                            "' " + args + " >'" + out_file + "' 2>'" + err_file + "'";
    CliResult r;
    int status = std::system(cmd.c_str());
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_file);
    r.err = slurp(err_file);
    return r;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string write(const std::string& name, const std::string& text) {
    auto p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  void setup_reference() {
    ASSERT_EQ(run("municipalities load").code, 0);
    ASSERT_EQ(run("principals add amira --kind coordinator").code, 0);
    ASSERT_EQ(run("principals add joost --kind approver").code, 0);
  }

  fs::path dir_;
  std::string db_;
};

// The server secret and the audit checkpoints sit beside a SQLite file; beside a URL (which may
// hold a password) they cannot, so the configuration must name them.
TEST_F(Cli, APostgresDatabaseNeedsItsSecretAndCheckpointFilesNamed) {
  db_ = "postgresql://outreach:s3cret-pw@127.0.0.1:1/outreach";
  auto r = run("municipalities load");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("secret_file"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("s3cret-pw"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(fs::path(OUTREACH_SOURCE_DIR) / "postgresql:")) << "no directory named after the URL";
}

// A mistyped --config is an error, not the sandbox defaults on another database.
TEST_F(Cli, AConfigurationFileThatDoesNotExistIsRefusedByName) {
  const std::string missing = (dir_ / "outreach.yml").string();
  auto r = run("--config '" + missing + "' init");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "outreach: " + missing + ": no such configuration file\n");
  EXPECT_FALSE(fs::exists(db_)) << "nothing is created";
}

TEST_F(Cli, DemoRunsTheWholeJourneyAndItsFunnelAddsUp) {
  auto r = run("demo");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 320 contacts, rejected 2"), std::string::npos);
  EXPECT_NE(r.out.find("contacts.csv:42: phone: '06-12' is not a valid phone number"), std::string::npos);
  EXPECT_NE(r.out.find("refused: 'amira.coordinator' (coordinator) may not approve campaigns"), std::string::npos);
  EXPECT_NE(r.out.find("774 outbox rows added"), std::string::npos);
  EXPECT_NE(r.out.find("; 0 outbox rows added"), std::string::npos) << "second launch must add nothing";
  EXPECT_NE(r.out.find("total outbox rows: 774 ="), std::string::npos);
  EXPECT_NE(r.out.find("(adds up)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("response(s) from residents who consented to sharing with GM0599"), std::string::npos);
  // The story post goes to the (sandbox) Facebook Page once, with no personal data in it.
  EXPECT_NE(r.out.find("774 outbox rows added, 1 page post(s) queued"), std::string::npos);
  EXPECT_NE(r.out.find("1 page post(s) published, 0 failed"), std::string::npos);
  EXPECT_NE(r.out.find("story_contact_us     facebook_page published  post id sandbox-c1-pstory_contact_us"),
            std::string::npos) << r.out;
  // The demo database stays inspectable afterwards.
  auto status = run("campaign status herstel-rijnmond --json");
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("\"state\":\"completed\""), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("\"messages\":774"), std::string::npos);
  EXPECT_EQ(run("audit verify").code, 0);
  auto posts = run("posts list --campaign herstel-rijnmond");
  ASSERT_EQ(posts.code, 0) << posts.err;
  EXPECT_NE(posts.out.find("story_contact_us  facebook_page [nl]  published"), std::string::npos) << posts.out;
  EXPECT_NE(posts.out.find("post id sandbox-c1-pstory_contact_us"), std::string::npos);
  EXPECT_NE(posts.out.find("1 post(s)"), std::string::npos);
}

TEST_F(Cli, ImportReportsEachBadRowWithItsLineAndKeepsNothingOfIt) {
  setup_reference();
  auto csv = write("people.csv",
                   "Name;Phone;Email;Language;Municipality;Tags\n"
                   "Sanne de Vries;06-12340001;;nl;GM0599;herstel\n"
                   "Kapot Nummer;06-12;;nl;GM0599;herstel\n"
                   "Geen Gemeente;06-12340003;;nl;GM9999;herstel\n"
                   "Fatma Yilmaz;;fatma@example.org;tr;GM0606;\"herstel;peer\"\n"
                   "Slecht Adres;;niet-een-adres;nl;GM0599;\n");
  auto r = run("contacts import '" + csv + "' --as amira");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 2 contacts, rejected 3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("people.csv:3: phone: '06-12' is not a valid phone number"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("people.csv:4: municipality: unknown CBS code 'GM9999'"), std::string::npos);
  EXPECT_NE(r.out.find("people.csv:6: email: 'niet-een-adres' is not an e-mail address"), std::string::npos);
  EXPECT_EQ(run("contacts show tel:+31612340001 --as amira").code, 0);
  auto missing = run("contacts show tel:+31612340003 --as amira");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no contact with address tel:+31612340003"), std::string::npos) << missing.err;
}

TEST_F(Cli, UnknownColumnIsNamedAndNothingIsImported) {
  setup_reference();
  auto csv = write("people.csv", "name,phone,nationality\nSanne,0612340001,NL\n");
  auto r = run("contacts import '" + csv + "' --as amira");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("people.csv:1: unknown column 'nationality'"), std::string::npos) << r.err;
  EXPECT_EQ(run("contacts show 1 --as amira").code, 1);
}

TEST_F(Cli, BrokenCampaignYamlNamesFileLineAndColumn) {
  setup_reference();
  auto r = run("campaign validate tests/data/campaigns/syntax-error.yaml");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("tests/data/campaigns/syntax-error.yaml:"), std::string::npos) << r.out;
  auto refs = run("campaign validate tests/data/campaigns/unknown-references.yaml");
  EXPECT_EQ(refs.code, 1);
  EXPECT_NE(refs.out.find("unknown"), std::string::npos) << refs.out;
}

TEST_F(Cli, TemplateWithAMissingVariableIsRefusedWithItsField) {
  setup_reference();
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/config/campaigns/herstel-rijnmond.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto pos = text.find("{{name}}");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 8, "{{naam}}");
  auto file = write("broken.yaml", text);
  auto r = run("campaign validate '" + file + "'");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("unknown variable 'naam'"), std::string::npos) << r.out;
  auto save = run("campaign save '" + file + "' --as amira");
  EXPECT_EQ(save.code, 1);
  EXPECT_EQ(run("campaign status herstel-rijnmond").code, 1) << "a refused campaign leaves nothing stored";
}

TEST_F(Cli, AuthorCannotApproveTheirOwnCampaign) {
  setup_reference();
  ASSERT_EQ(run("campaign save config/campaigns/herstel-rijnmond.yaml --as amira").code, 0);
  ASSERT_EQ(run("campaign submit herstel-rijnmond --as amira").code, 0);
  auto self = run("campaign approve herstel-rijnmond --as amira");
  EXPECT_EQ(self.code, 1);
  EXPECT_NE(self.err.find("'amira' (coordinator) may not approve campaigns"), std::string::npos) << self.err;
  EXPECT_EQ(run("campaign launch herstel-rijnmond --as amira").code, 1) << "not approved yet";
  // A rejection needs a reason, goes back to draft, and the author submits again.
  EXPECT_EQ(run("campaign reject herstel-rijnmond --as joost --reason ' '").code, 1);
  EXPECT_EQ(run("campaign reject herstel-rijnmond --as joost --reason 'te lang'").code, 0);
  EXPECT_EQ(run("campaign approve herstel-rijnmond --as joost").code, 1) << "a draft is not in review";
  ASSERT_EQ(run("campaign submit herstel-rijnmond --as amira").code, 0);
  EXPECT_EQ(run("campaign approve herstel-rijnmond --as joost").code, 0);
}

TEST_F(Cli, StopReplyWithdrawsConsentAndIsConfirmedOnce) {
  setup_reference();
  auto csv = write("p.csv", "name,phone,language,municipality,tags,consent\nSanne,0612340001,nl,GM0599,herstel,outreach\n"
                            "Kees,0612340002,nl,GM0599,herstel,outreach\n");
  ASSERT_EQ(run("contacts import '" + csv + "' --as amira").code, 0);
  ASSERT_EQ(run("campaign save config/campaigns/herstel-rijnmond.yaml --as amira").code, 0);
  ASSERT_EQ(run("campaign submit herstel-rijnmond --as amira").code, 0);
  ASSERT_EQ(run("campaign approve herstel-rijnmond --as joost").code, 0);
  auto launch = run("campaign launch herstel-rijnmond --as amira");
  ASSERT_EQ(launch.code, 0) << launch.err;
  EXPECT_NE(launch.out.find("2 people"), std::string::npos) << launch.out;
  auto stop = run("simulate reply --from tel:0612340001 --text ' Stop '");
  ASSERT_EQ(stop.code, 0) << stop.err;
  EXPECT_NE(stop.out.find("keyword stop, withdrew outreach"), std::string::npos) << stop.out;
  EXPECT_NE(stop.out.find("replied: U bent afgemeld"), std::string::npos);
  auto consent = run("consent show 1 --as amira");
  EXPECT_NE(consent.out.find("withdraw outreach @*  source=sms_keyword"), std::string::npos) << consent.out;
}

// Issue 9: erasing a person who opted out, then importing the municipality's list again, must not
// make them contactable again.
TEST_F(Cli, AnErasedPersonWhoOptedOutStaysOutWhenTheSameListIsImportedAgain) {
  setup_reference();
  auto csv = write("gemeente.csv", "name,phone,language,municipality,tags,consent\n"
                                   "Sanne,0612340001,nl,GM0599,herstel,outreach\n"
                                   "Kees,0612340002,nl,GM0599,herstel,outreach\n");
  ASSERT_EQ(run("contacts import '" + csv + "' --as amira").code, 0);
  auto stop = run("simulate reply --from tel:0612340001 --text STOP");
  ASSERT_EQ(stop.code, 0) << stop.err;
  EXPECT_NE(stop.out.find("withdrew outreach"), std::string::npos) << stop.out;
  auto erase = run("contacts erase 1 --as amira");
  ASSERT_EQ(erase.code, 0) << erase.err;

  auto again = run("contacts import '" + csv + "' --as amira");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("imported 0 contacts, rejected 1, suppressed 1"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("  line 2: suppressed: the address of a person who opted out or was erased\n"),
            std::string::npos) << again.out;
  EXPECT_EQ(again.out.find("12340001"), std::string::npos) << "the report never shows the suppressed address";
  EXPECT_EQ(run("contacts show tel:0612340001 --as amira").code, 1) << "no contact was made for her";

  // She writes again: not linked to anyone, and her STOP is still confirmed.
  auto later = run("simulate reply --from tel:0612340001 --text STOP");
  ASSERT_EQ(later.code, 0) << later.err;
  EXPECT_NE(later.out.find("(unknown sender)"), std::string::npos) << later.out;
  EXPECT_NE(later.out.find("replied: U bent afgemeld"), std::string::npos) << later.out;

  ASSERT_EQ(run("campaign save config/campaigns/herstel-rijnmond.yaml --as amira").code, 0);
  ASSERT_EQ(run("campaign submit herstel-rijnmond --as amira").code, 0);
  ASSERT_EQ(run("campaign approve herstel-rijnmond --as joost").code, 0);
  auto launch = run("campaign launch herstel-rijnmond --as amira");
  ASSERT_EQ(launch.code, 0) << launch.err;
  EXPECT_NE(launch.out.find(": 1 people"), std::string::npos) << "only Kees: " << launch.out;
  auto list = run("messages list --campaign herstel-rijnmond");
  EXPECT_EQ(list.out.find("12340001"), std::string::npos) << list.out;
}

TEST_F(Cli, MunicipalityCannotExportAnotherMunicipalitysList) {
  setup_reference();
  ASSERT_EQ(run("principals add schiedam --kind municipality --scope GM0606").code, 0);
  auto r = run("responses export --municipality GM0599 --format csv --as schiedam");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("municipality: this response list is outside your scope"), std::string::npos) << r.err;
  auto own = run("responses export --municipality GM0606 --format csv --as schiedam");
  EXPECT_EQ(own.code, 0);
  EXPECT_EQ(own.out.rfind("\xEF\xBB\xBFid,received_at,channel,contact_id,name,language,phone,email,text,keyword,case_id,case_status", 0), 0u)
      << "CSV starts with a BOM for Excel, with the API's columns";
}

TEST_F(Cli, AnErrorReportIsQueuedForCoordinatorsAndResolvedOnce) {
  setup_reference();
  auto csv = write("p.csv", "name,phone,language,municipality,tags,consent\nSanne,0612340001,nl,GM0599,herstel,outreach\n");
  ASSERT_EQ(run("contacts import '" + csv + "' --as amira").code, 0);
  auto opened = run("errors report 1 --kind wrong_person --description 'Niet de bedoelde persoon' --as amira");
  ASSERT_EQ(opened.code, 0) << opened.err;
  EXPECT_EQ(opened.out, "error report 1 opened: nothing is sent to contact 1 until a coordinator resolves it (due within 48 h)\n");
  auto queue = run("errors list --status open --as amira");
  ASSERT_EQ(queue.code, 0) << queue.err;
  EXPECT_NE(queue.out.find("wrong_person"), std::string::npos) << queue.out;
  EXPECT_NE(queue.out.find("1 error report(s), 0 overdue"), std::string::npos) << queue.out;
  EXPECT_EQ(run("errors list --as joost").err, "outreach: 'joost' (approver) may not read the error report queue\n");
  ASSERT_EQ(run("errors resolve 1 --resolution 'Nummer hoort bij iemand anders; adres verwijderd' --as amira").code, 0);
  auto again = run("errors resolve 1 --resolution again --as amira");
  EXPECT_EQ(again.code, 1);
  EXPECT_EQ(again.err, "outreach: id: error report 1 is resolved already\n");
  auto bad = run("errors report 1 --kind typo --as amira");
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.err, "outreach: kind: unknown kind 'typo' (expected wrong_person, wrong_letter, wrong_municipality or other)\n");
  // The person themselves: FOUT in a reply opens a report of their own and is confirmed.
  auto fout = run("simulate reply --from tel:+31612340001 --text ' Fout! '");
  ASSERT_EQ(fout.code, 0) << fout.err;
  EXPECT_NE(fout.out.find("(contact 1), keyword error, error report 2 open"), std::string::npos) << fout.out;
  EXPECT_NE(fout.out.find("replied: Dank u voor uw melding."), std::string::npos) << fout.out;
}

TEST_F(Cli, DemoShowsAnErrorReportStoppingMessagesUntilResolved) {
  auto r = run("demo");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string part = r.out.substr(r.out.find("== Errors in the process"));
  EXPECT_NE(part.find("rotterdam.wijkteam reported error 1 (wrong_letter)"), std::string::npos) << part;
  EXPECT_NE(part.find("error report 2 opened, confirmed with"), std::string::npos) << part;
  EXPECT_NE(part.find("2 error report(s), 0 overdue"), std::string::npos) << part;
  // Both people are refused while their reports are open; the first is contactable once resolved.
  const auto first_check = part.find(": error_report");
  ASSERT_NE(first_check, std::string::npos) << part;
  EXPECT_NE(part.find(": error_report", first_check + 1), std::string::npos) << part;
  EXPECT_NE(part.find("error report 1 resolved"), std::string::npos) << part;
  EXPECT_NE(part.rfind(": none\n"), std::string::npos) << part;
}

TEST_F(Cli, ABadKeywordFileIsRefusedWithFileLineAndField) {
  write("keywords.yaml", "languages:\n  nl:\n    stop: [STOP]\n    stopp: [STOPPEN]\n");
  auto config = write("outreach.yaml", "keywords: keywords.yaml\n");
  auto r = run("--config '" + config + "' municipalities load");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "outreach: " + (dir_ / "keywords.yaml").string() +
                       ":4: languages.nl.stopp: unknown keyword kind (expected stop, start, yes, no, help, error, replies)\n");
  auto missing = run("--config '" + write("outreach.yaml", "keywords: nowhere.yaml\n") + "' municipalities load");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("outreach.yaml:1: keywords: cannot read "), std::string::npos) << missing.err;
}

TEST_F(Cli, ImportDetectsWindows1252AndReportsTheEncoding) {
  setup_reference();
  // What Dutch Excel writes: Windows-1252, ';' separated.
  auto csv = write("excel.csv", "name;phone;municipality\nJos\xE9 M\xFCller;0612340001;GM0599\n");
  auto r = run("contacts import '" + csv + "' --as amira");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("imported 1 contacts, rejected 0, suppressed 0 (file encoding Windows-1252)"), std::string::npos) << r.out;
  auto show = run("contacts show tel:+31612340001 --as amira");
  EXPECT_NE(show.out.find("Jos\xC3\xA9 M\xC3\xBCller"), std::string::npos) << show.out;
}

TEST_F(Cli, UndecodableImportNamesLineAndColumnAndImportsNothing) {
  setup_reference();
  auto csv = write("bad.csv", "name,phone\nSanne,0612340001\nKe\x81s,0612340002\n");
  auto r = run("contacts import '" + csv + "' --as amira");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.csv: line 3, column 3: byte 0x81 is neither UTF-8 nor Windows-1252 text"), std::string::npos)
      << r.err;
  EXPECT_EQ(run("contacts show 1 --as amira").code, 1);
}

// The same cell tests/integration/api/utf8_test.cpp expects from the API's CSV list.
TEST_F(Cli, ResponsesExportNeutralisesAFormulaLikeTheApi) {
  setup_reference();
  ASSERT_EQ(run("principals add rotterdam --kind municipality --scope GM0599").code, 0);
  auto csv = write("p.csv", "name,phone,municipality,consent\nSanne,0612340001,GM0599,share:GM0599\n");
  ASSERT_EQ(run("contacts import '" + csv + "' --as amira").code, 0);
  auto reply = run("simulate reply --from tel:0612340001 --text '=HYPERLINK(\"http://x\")'");
  ASSERT_EQ(reply.code, 0) << reply.err;
  auto r = run("responses export --municipality GM0599 --format csv --as rotterdam");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(",=HYPERLINK"), std::string::npos);
  EXPECT_TRUE(r.out.ends_with("\r\n"));
}

// The same list as an Excel workbook: the phone number a text cell, the formula text.
TEST_F(Cli, ResponsesExportWritesAnXlsxWorkbookToAFile) {
  OUTREACH_REQUIRE_TOOL(std::system("unzip -v >/dev/null 2>&1") == 0, "unzip is not installed (scripts/install-deps.sh)");
  setup_reference();
  ASSERT_EQ(run("principals add rotterdam --kind municipality --scope GM0599").code, 0);
  auto csv = write("p.csv", "name,phone,municipality,consent\nSanne,0612345678,GM0599,share:GM0599\n");
  ASSERT_EQ(run("contacts import '" + csv + "' --as amira").code, 0);
  ASSERT_EQ(run("simulate reply --from tel:0612345678 --text '=1+1'").code, 0);
  auto to_stdout = run("responses export --municipality GM0599 --format xlsx --as rotterdam");
  EXPECT_EQ(to_stdout.code, 1);
  EXPECT_NE(to_stdout.err.find("--output: an .xlsx workbook goes to a file: add --output FILE"), std::string::npos)
      << to_stdout.err;
  const std::string file = (dir_ / "gm0599.xlsx").string();
  auto r = run("responses export --municipality GM0599 --format xlsx --output '" + file + "' --as rotterdam");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote " + file + "\n");
  const std::string sheet_file = (dir_ / "sheet1.xml").string();
  ASSERT_EQ(std::system(("unzip -p '" + file + "' xl/worksheets/sheet1.xml >'" + sheet_file + "'").c_str()), 0);
  const std::string sheet = slurp(sheet_file);
  EXPECT_NE(sheet.find("<c r=\"G2\" t=\"inlineStr\"><is><t>+31612345678</t></is></c>"), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("<c r=\"I2\" t=\"inlineStr\"><is><t>=1+1</t></is></c>"), std::string::npos) << sheet;
}

TEST_F(Cli, AuditVerifyWithCheckpointsCatchesTruncationAndForgedCheckpoints) {
  setup_reference();
  auto csv = write("p.csv", "name,phone,language,municipality\nSanne,0612340001,nl,GM0599\n");
  ASSERT_EQ(run("contacts import '" + csv + "' --as amira").code, 0);
  ASSERT_EQ(run("contacts show 1 --as amira").code, 0);
  auto cp = run("audit checkpoint");
  ASSERT_EQ(cp.code, 0) << cp.err;
  EXPECT_NE(cp.out.find("audit checkpoint: record 2 (2 records"), std::string::npos) << cp.out;
  const std::string file = db_ + ".checkpoints";
  ASSERT_EQ(run("contacts show 1 --as amira").code, 0);
  auto ok = run("audit verify --checkpoint '" + file + "'");
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("audit log intact: 3 records, hash chain verified; 1 signed checkpoint(s) verified, the newest "
                        "of record 2"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("(1 newer record(s) are covered by the chain only)"), std::string::npos) << ok.out;

  {  // Someone with the database file drops the triggers and deletes the newest records.
    SQLite::Database db(db_, SQLite::OPEN_READWRITE);
    db.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id >= 2");
  }
  EXPECT_EQ(run("audit verify").code, 0) << "the chain alone cannot see a lost tail";
  auto truncated = run("audit verify --checkpoint '" + file + "'");
  EXPECT_EQ(truncated.code, 1);
  EXPECT_EQ(truncated.err, "outreach: " + file + ":1: checkpoint of record 2: record 2 is missing: the newest records "
                                                 "were deleted (the log now ends at record 1)\n");

  // A checkpoint line written by hand to cover it up does not carry a valid signature.
  const std::string forged = "{\"v\":1,\"id\":1,\"hash\":\"" + std::string(64, 'a') +
                             "\",\"count\":1,\"at\":\"x\",\"at_ms\":1,\"sig\":\"" + std::string(64, 'b') + "\"}";
  write("forged.checkpoints", forged + "\n");
  auto bad = run("audit verify --checkpoint '" + (dir_ / "forged.checkpoints").string() + "'");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("forged.checkpoints:1: the signature does not match"), std::string::npos) << bad.err;
}

TEST_F(Cli, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(run("campaign frobnicate").code, 2);
  EXPECT_EQ(run("--help").code, 0);
  EXPECT_EQ(run("campaign --help").code, 0);
  EXPECT_EQ(run("contacts import").code, 2);
}

}  // namespace

TEST_F(Cli, ValidateRefusesAnUnkeepablePromiseAndReportsReadability) {
  setup_reference();
  std::ifstream in(std::string(OUTREACH_SOURCE_DIR) + "/config/campaigns/herstel-rijnmond.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto ok = run("campaign validate config/campaigns/herstel-rijnmond.yaml");
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("Readability per template and language:\n  first_contact ar:"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("first_contact nl: "), std::string::npos);
  EXPECT_NE(ok.out.find("Flesch-Douma"), std::string::npos) << ok.out;
  // The sample's Dutch reminder promises a call within 2 working days; the case SLA is 5.
  const std::string reminder = "  reminder:\n    nl:";
  auto pos = text.find(reminder);
  ASSERT_NE(pos, std::string::npos);
  pos = text.find(">-\n", pos);
  ASSERT_NE(pos, std::string::npos);
  text.insert(pos + 3, "        De gemeente belt u binnen 2 werkdagen.\n");
  auto r = run("campaign validate '" + write("promise.yaml", text) + "'");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("templates.reminder.nl.text: promises \"binnen 2 werkdagen\""), std::string::npos) << r.out;
}

namespace {

class CliConfig : public Cli {
 protected:
  // An outreach.yaml whose intermediary channel uses provider intermediary, with `rest` appended.
  std::string config(const std::string& rest) {
    return write("outreach.yaml",
                 "engine: {lease: 5m}\n"
                 "channels:\n"
                 "  sms: {scheme: tel, provider: sandbox}\n"
                 "  intermediary: {scheme: intermediary, provider: intermediary}\n" +
                     rest);
  }
  CliResult load(const std::string& file) { return run("--config '" + file + "' municipalities load"); }
};

TEST_F(CliConfig, EmailNeedsAnHttpsPublicBaseUrlExceptOnLoopback) {
  auto with_base = [&](const std::string& base) {
    return load(write("outreach.yaml",
                      "public_base_url: " + base + "\n"
                      "channels:\n  email: {scheme: mailto, provider: smtp}\n"
                      "providers:\n  smtp: {url: \"smtp://127.0.0.1:2525\", starttls: \"false\", "
                      "from_address: herstel@gemeente.example.org}\n"));
  };
  auto plain = with_base("http://outreach.example.org");
  EXPECT_EQ(plain.code, 1);
  EXPECT_NE(plain.err.find("outreach.yaml:1: public_base_url: must be an https:// URL when channel email sends e-mail "
                           "(RFC 8058 one-click unsubscribe links); http:// only on a loopback address, got "
                           "'http://outreach.example.org'"),
            std::string::npos) << plain.err;
  EXPECT_EQ(with_base("https://outreach.example.org").code, 0);
  EXPECT_EQ(with_base("http://127.0.0.1:8080").code, 0) << "loopback, for local tests";
}

// yaml-cpp reads a NUL or a Latin-1 byte without complaint; the configuration names where it is.
TEST_F(CliConfig, AConfigurationThatIsNotUtf8OrHasAControlCharacterIsRefusedWithLineAndColumn) {
  auto with = [&](const std::string& rest) {
    return load(write("outreach.yaml", "channels:\n  sms: {scheme: tel, provider: sandbox}\n" + rest));
  };
  const std::string file = "outreach: " + (dir_ / "outreach.yaml").string();
  auto latin1 = with("public_base_url: https://gemeente-s\xFA" "dwest.example.org\n");
  EXPECT_EQ(latin1.code, 1);
  EXPECT_EQ(latin1.err, file + ":3:36: not valid UTF-8 (byte 0xFA): save the file as UTF-8\n");
  auto nul = with(std::string("database_max_size: 512MB\0\n", 26));
  EXPECT_EQ(nul.code, 1);
  EXPECT_EQ(nul.err, file + ":3:25: control character U+0000 is not allowed in a configuration file (only tabs and line ends)\n");
  auto escaped = with("intermediaries:\n  buurt:\n    name: \"Buurtvrouwen\\e[2J\"\n");
  EXPECT_EQ(escaped.code, 1);
  EXPECT_EQ(escaped.err, file + ":5: intermediaries.buurt.name: control character U+001B is not allowed in a text (only "
                                "tabs and line breaks): remove the escape that writes it, such as \\a, \\e or \\u0007\n");
  auto tab_and_crlf = with("database_max_size:\t512MB\r\n");
  EXPECT_EQ(tab_and_crlf.code, 0) << tab_and_crlf.err;
}

TEST_F(CliConfig, TheEscalationCheckIntervalIsCheckedWhenTheConfigIsLoaded) {
  auto with = [&](const std::string& every) {
    return load(write("outreach.yaml", "channels:\n  sms: {scheme: tel, provider: sandbox}\n"
                                       "cases:\n  escalation_check_interval: " + every + "\n"));
  };
  for (const char* bad : {"50ms", "2h", "soon"}) {
    auto r = with(bad);
    EXPECT_EQ(r.code, 1) << bad;
    EXPECT_NE(r.err.find("outreach.yaml:4: cases.escalation_check_interval: "), std::string::npos) << r.err;
  }
  EXPECT_NE(with("50ms").err.find("expected a duration from 100ms to 1h, got '50ms'"), std::string::npos);
  EXPECT_NE(with("soon").err.find("expected a duration such as 250ms, 30s, 5m, 24h or 4d, got 'soon'"), std::string::npos);
  for (const char* good : {"300ms", "30s", "1h"}) EXPECT_EQ(with(good).code, 0) << good << ": " << with(good).err;
}

TEST_F(CliConfig, PlainLanguageRulesAreCheckedWhenTheConfigIsLoaded) {
  auto with = [&](const std::string& section) {
    return load(write("outreach.yaml", "channels:\n  sms: {scheme: tel, provider: sandbox}\nplain_language:\n" + section));
  };
  auto bad_share = with("  max_long_word_share: 2\n");
  EXPECT_EQ(bad_share.code, 1);
  EXPECT_NE(bad_share.err.find("outreach.yaml:4: plain_language.max_long_word_share: expected a share between 0 and 1"),
            std::string::npos) << bad_share.err;
  auto bad_words = with("  certainty_words: [altijd]\n");
  EXPECT_EQ(bad_words.code, 1);
  EXPECT_NE(bad_words.err.find("outreach.yaml:4: plain_language.certainty_words: expected language: [words]"),
            std::string::npos) << bad_words.err;
  auto good = with("  certainty_words: {nl: [beslist]}\n  min_flesch_douma: 55\n");
  EXPECT_EQ(good.code, 0) << good.err;
}

TEST_F(CliConfig, IntermediariesAreCheckedWhenTheConfigIsLoaded) {
  auto ok = load(config(
      "intermediaries:\n"
      "  buurt:\n"
      "    name: Buurtvrouwen\n"
      "    webhook_url: https://buurt.example.org/digest\n"
      "    secret: buurt-secret-0123456789\n"
      "    serves: {municipalities: [GM0599], languages: [nl, tr]}\n"));
  EXPECT_EQ(ok.code, 0) << ok.err;

  auto none = load(config(""));
  EXPECT_NE(none.code, 0);
  EXPECT_NE(none.err.find("outreach.yaml: intermediaries: provider intermediary needs at least one entry"),
            std::string::npos) << none.err;

  auto short_secret = load(config("intermediaries:\n  buurt:\n    webhook_url: https://buurt.example.org/d\n"
                                  "    secret: short\n"));
  EXPECT_NE(short_secret.code, 0);
  EXPECT_NE(short_secret.err.find("outreach.yaml:7: intermediaries.buurt: intermediary.secret: must be at least 16 bytes"),
            std::string::npos) << short_secret.err;

  auto plain_http = load(config("intermediaries:\n  buurt:\n    webhook_url: http://buurt.example.org/d\n"
                                "    secret: buurt-secret-0123456789\n"));
  EXPECT_NE(plain_http.code, 0);
  EXPECT_NE(plain_http.err.find("intermediary.webhook_url"), std::string::npos) << plain_http.err;

  auto email_without_smtp = load(config("intermediaries:\n  sleutel:\n    delivery: email\n"
                                        "    email: team@sleutel.example.org\n    secret: sleutel-secret-0123456789\n"));
  EXPECT_NE(email_without_smtp.code, 0);
  EXPECT_NE(email_without_smtp.err.find("need providers.smtp"), std::string::npos) << email_without_smtp.err;

  auto two_channels = load(config("  peers: {scheme: intermediary, provider: intermediary}\n"
                                  "intermediaries:\n  buurt:\n    webhook_url: https://buurt.example.org/d\n"
                                  "    secret: buurt-secret-0123456789\n"));
  EXPECT_NE(two_channels.code, 0);
  EXPECT_NE(two_channels.err.find("channels.peers.provider: only one channel can use provider intermediary"),
            std::string::npos) << two_channels.err;

  auto long_linger = load(write("outreach.yaml",
                                "engine: {lease: 5m, digest: {linger: 3m}}\n"
                                "channels:\n  intermediary: {scheme: intermediary, provider: intermediary}\n"
                                "intermediaries:\n  buurt:\n    webhook_url: https://buurt.example.org/d\n"
                                "    secret: buurt-secret-0123456789\n"));
  EXPECT_NE(long_linger.code, 0);
  EXPECT_NE(long_linger.err.find("engine.digest.linger: must be at most half of engine.lease"), std::string::npos)
      << long_linger.err;
}

}  // namespace

namespace {

// `outreach run` sends through the configured providers, not only the sandbox: here the
// intermediary channel delivers its digest to a real loopback HTTP server.
TEST_F(CliConfig, RunSendsAnIntermediaryDigestThroughTheConfiguredProvider) {
  auto recorder = outreach::test::HttpRecorder::start();
  OUTREACH_REQUIRE_TOOL(recorder, "loopback HTTP server unavailable: " << recorder.error().what());
  setup_reference();
  const std::string cfg = "--config '" +
                          config("intermediaries:\n  buurt:\n    name: Buurtvrouwen Rotterdam\n"
                                 "    webhook_url: " + (*recorder)->url("/status/202") + "\n"
                                 "    secret: buurt-secret-0123456789\n    serves: {municipalities: [GM0599]}\n") +
                          "' ";
  const std::string csv = write("people.csv",
                                "name;phone;email;whatsapp;language;municipality;tags;consent\n"
                                "Anna Jansen;0612340001;;;nl;GM0599;herstel;peer-contact@*\n"
                                "Bram Bakker;0612340002;;;nl;GM0599;herstel;\n");
  ASSERT_EQ(run(cfg + "contacts import '" + csv + "' --as amira").code, 0);
  const std::string campaign = write("handover.yaml",
      "campaign: handover\nname: Persoonlijk contact\nsender: Herstelteam\nconsent_purpose: outreach\n"
      "audience: {municipalities: [GM0599]}\n"
      "send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", timezone: Europe/Amsterdam}\n"
      "steps:\n  - {id: handover, after: 0d, channels: [intermediary], template: handover}\n"
      "templates:\n  handover:\n    nl: {text: \"Beste {{intermediary_name}}, wilt u {{name}} benaderen?\"}\n");
  ASSERT_EQ(run(cfg + "campaign save '" + campaign + "' --as amira").code, 0);
  ASSERT_EQ(run(cfg + "campaign submit handover --as amira").code, 0);
  ASSERT_EQ(run(cfg + "campaign approve handover --as joost").code, 0);
  ASSERT_EQ(run(cfg + "campaign launch handover --as amira").code, 0);

  auto r = run(cfg + "run");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("1 sent"), std::string::npos) << r.out;

  auto requests = nlohmann::json::parse((*recorder)->requests_json());
  ASSERT_EQ(requests.size(), 1u);
  auto digest = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  ASSERT_EQ(digest["people"].size(), 1u) << "Bram gave no peer-contact consent";
  EXPECT_EQ(digest["people"][0]["name"], "Anna Jansen");
  EXPECT_EQ(digest["people"][0]["message"], "Beste Buurtvrouwen Rotterdam, wilt u Anna Jansen benaderen?");
  EXPECT_TRUE(requests[0]["headers"].contains("X-Outreach-Signature")) << requests[0]["headers"].dump();

  auto list = run(cfg + "messages list");
  EXPECT_NE(list.out.find("intermediary:buurt"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(digest["batch_id"].get<std::string>()), std::string::npos) << list.out;
}


// Issue 12 parts 2 and 3: the demo's scorecard and safety-net flag, the CLI's scope and formats.
TEST_F(Cli, DemoShowsTheRijnmondScorecardAndASafetyNetFlag) {
  auto r = run("demo");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("GM0599 Rotterdam                    111       97       49       31       31       12       16        8       14        9"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("= Rijnmond                          300      258      116       66       66       12       51       26       14        9"),
            std::string::npos);
  EXPECT_NE(r.out.find("rotterdam.wijkteam asks for Schiedam's scorecard: municipality: this scorecard is outside your scope"),
            std::string::npos);
  // The follow-up step before it let Rotterdam's cases age: its flag, and two neighbours' (route to the hub).
  EXPECT_NE(r.out.find("flag 2: GM0599 unacknowledged_past_sla -> route_fallback"), std::string::npos);
  EXPECT_NE(r.out.find("new cases of GM0556 go to GM0599 (hub)"), std::string::npos);
  EXPECT_NE(r.out.find("takes its cases back: new cases no longer go to national, 8 unacknowledged case(s) back"),
            std::string::npos);
  EXPECT_EQ(run("audit verify").code, 0);
}

TEST_F(Cli, ScorecardIsScopedAndSpeaksCsvAndJson) {
  setup_reference();
  ASSERT_EQ(run("principals add schiedam --kind municipality --scope GM0606").code, 0);
  auto own = run("scorecard --municipality GM0606 --from 2026-01-01 --to 2026-12-31 --format json --as schiedam");
  ASSERT_EQ(own.code, 0) << own.err;
  EXPECT_NE(own.out.find("\"code\":\"GM0606\""), std::string::npos) << own.out;
  auto other = run("scorecard --municipality GM0599 --as schiedam");
  EXPECT_EQ(other.code, 1);
  EXPECT_EQ(other.err, "outreach: municipality: this scorecard is outside your scope\n");
  auto csv = run("scorecard --all --format csv --as amira");
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_NE(csv.out.find("\r\nregion,rijnmond,"), std::string::npos);
  EXPECT_EQ(run("scorecard --as amira").code, 2);  // a scope is required
  EXPECT_EQ(run("scorecard --municipality GM0599 --from 2026-13-01 --as amira").err,
            "outreach: from: expected an ISO date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)\n");
  auto bad = write("bad.yaml", "safety_net:\n  defaults:\n    unacknowledged_past_sla: {min_share: 2}\n");
  auto refused = run("--config '" + bad + "' safety-net check");
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("bad.yaml:3: safety_net.defaults.unacknowledged_past_sla.min_share: expected a share in (0, 1]"),
            std::string::npos) << refused.err;
  auto check = run("safety-net check");
  ASSERT_EQ(check.code, 0) << check.err;
  EXPECT_NE(check.out.find("safety net: 0 flag(s) raised"), std::string::npos) << check.out;
}

// `outreach migrate --to postgresql://...` moves the SQLite database into a real PostgreSQL
// (tests/support/postgres_server.h), keeping its audit chain and checkpoints; the CLI then runs on
// it, and the URL's password never shows.
class CliMigrate : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    auto* pg = outreach::test::PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
    // The test server trusts its local socket; the password is there to be kept out of the output.
    url_ = pg->create_database().take() + "&password=" + kPassword;
  }
  // `run` on another database than the test's SQLite file.
  CliResult run_on(const std::string& db, const std::string& args) {
    const std::string own = db_;
    db_ = db;
    auto r = run(args);
    db_ = own;
    return r;
  }
  void no_password(const CliResult& r) {
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
  }

  static constexpr const char* kPassword = "s3cret-pw";
  std::string url_;
};

TEST_F(CliMigrate, MovesTheDatabaseAndTheCliRunsOnPostgresAfterwards) {
  ASSERT_EQ(run("municipalities load").code, 0);
  ASSERT_EQ(run("principals add amira --kind coordinator").code, 0);
  auto csv = write("people.csv", "name,phone,language,municipality,tags,consent\n"
                                 "Zoë Ağaoğlu,0612340001,nl,GM0599,herstel,outreach\n"
                                 "Bram de Vries,0612340002,nl,GM0599,herstel,outreach\n");
  auto imported = run("contacts import '" + csv + "' --as amira");
  ASSERT_EQ(imported.code, 0) << imported.err;
  ASSERT_EQ(run("contacts show 1 --as amira").code, 0);
  ASSERT_EQ(run("audit checkpoint").code, 0);

  auto r = run("migrate --to '" + url_ + "'");
  ASSERT_EQ(r.code, 0) << r.err << r.out;
  no_password(r);
  EXPECT_NE(r.out.find("password=***"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("row counts equal in SQLite and PostgreSQL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hash chain verified on PostgreSQL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 signed checkpoint(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\ncontacts "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("secret_file: " + fs::absolute(db_ + ".secret").string()), std::string::npos) << r.out;

  // The CLI on PostgreSQL, with the files the migration named.
  const std::string secret = db_ + ".secret", checkpoints = db_ + ".checkpoints";
  auto config = write("pg.yaml", "secret_file: " + secret + "\naudit:\n  checkpoint_file: " + checkpoints + "\n");
  auto shown = run_on(url_, "--config '" + config + "' contacts show 1 --as amira");
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Zoë Ağaoğlu"), std::string::npos) << shown.out;
  auto verified = run_on(url_, "--config '" + config + "' audit verify --checkpoint '" + checkpoints + "'");
  ASSERT_EQ(verified.code, 0) << verified.err;
  EXPECT_NE(verified.out.find("hash chain verified; 1 signed checkpoint(s) verified"), std::string::npos) << verified.out;

  // A second migrate into the same, now filled, database is refused by name.
  auto again = run("migrate --to '" + url_ + "'");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.err.find("is not empty: table "), std::string::npos) << again.err;
  no_password(again);
}

TEST_F(CliMigrate, RefusesWhatIsNotSqliteToPostgres) {
  ASSERT_EQ(run("init").code, 0);
  auto to_file = run("migrate --to '" + (dir_ / "other.db").string() + "'");
  EXPECT_EQ(to_file.code, 1);
  EXPECT_NE(to_file.err.find("--to takes the PostgreSQL database"), std::string::npos) << to_file.err;

  auto from_pg = run_on(url_, "migrate --to '" + url_ + "'");
  EXPECT_EQ(from_pg.code, 1);
  EXPECT_NE(from_pg.err.find("is PostgreSQL already"), std::string::npos) << from_pg.err;
  no_password(from_pg);

  auto missing = run_on((dir_ / "nothing.db").string(), "migrate --to '" + url_ + "'");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no SQLite database at"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "nothing.db")) << "migrate does not create its source";

  auto unreachable = run("migrate --to 'postgresql://outreach:" + std::string(kPassword) + "@127.0.0.1:1/outreach'");
  EXPECT_EQ(unreachable.code, 1);
  EXPECT_NE(unreachable.err.find("cannot connect"), std::string::npos) << unreachable.err;
  no_password(unreachable);
}

}  // namespace

// Engines on several machines, each with its own copy of the secret file: a machine without one,
// or with another, is refused before it could miss the suppression list; `init` never prints the
// URL's password.
TEST_F(CliMigrate, EveryMachineOnOnePostgresMustHoldTheSameServerSecret) {
  auto first = write("first.yaml", "secret_file: " + (dir_ / "first.secret").string() +
                                       "\naudit:\n  checkpoint_file: " + (dir_ / "first.checkpoints").string() + "\n");
  auto init = run_on(url_, "--config '" + first + "' init");
  ASSERT_EQ(init.code, 0) << init.err;
  no_password(init);
  EXPECT_NE(init.out.find("password=***"), std::string::npos) << init.out;

  auto missing = write("missing.yaml", "secret_file: " + (dir_ / "none.secret").string() +
                                           "\naudit:\n  checkpoint_file: " + (dir_ / "b.checkpoints").string() + "\n");
  auto refused = run_on(url_, "--config '" + missing + "' init");
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("no server secret here, and this database was used with one"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(dir_ / "none.secret")) << "no new secret is made";

  std::ofstream(dir_ / "other.secret", std::ios::binary) << std::string(32, 'x');
  fs::permissions(dir_ / "other.secret", fs::perms::owner_read | fs::perms::owner_write);
  auto other = write("other.yaml", "secret_file: " + (dir_ / "other.secret").string() +
                                       "\naudit:\n  checkpoint_file: " + (dir_ / "c.checkpoints").string() + "\n");
  auto wrong = run_on(url_, "--config '" + other + "' init");
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("not the server secret the database was used with"), std::string::npos) << wrong.err;

  fs::copy_file(dir_ / "first.secret", dir_ / "copy.secret");
  auto copied = write("copy.yaml", "secret_file: " + (dir_ / "copy.secret").string() +
                                       "\naudit:\n  checkpoint_file: " + (dir_ / "d.checkpoints").string() + "\n");
  EXPECT_EQ(run_on(url_, "--config '" + copied + "' init").code, 0);
}
