// The response list as a file (services/response_files.h): the .xlsx workbook read back the way
// Excel would (the zip's sheet XML, cell by cell), and the CSV. A phone number must be a text cell with exactly
// "+31612345678", and a reply beginning with "=" text, never a formula.

#include "services/response_files.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "storage/audit_log.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"
#include "tests/support/require_tool.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

// One file of a zip archive, through the system's unzip; empty when it cannot be read.
std::string unzip_member(const std::string& bytes, const std::string& member) {
  auto path = std::filesystem::temp_directory_path() / ("outreach-xlsx-test-" + std::to_string(::getpid()) + ".xlsx");
  std::ofstream(path, std::ios::binary) << bytes;
  std::string out;
  if (FILE* p = ::popen(("unzip -p '" + path.string() + "' '" + member + "' 2>/dev/null").c_str(), "r")) {
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  std::filesystem::remove(path);
  return out;
}

bool have_unzip() { return std::system("unzip -v >/dev/null 2>&1") == 0; }

// The XML element of cell `ref` ("G2") in a sheet, or "" when there is none.
// Plain searching, not std::regex: libstdc++'s regex recurses per character and overflows the
// stack (under ASan) on a 32,767-character cell.
std::string cell(const std::string& sheet, const std::string& ref) {
  const auto b = sheet.find("<c r=\"" + ref + "\"");
  if (b == std::string::npos) return {};
  const auto gt = sheet.find('>', b);
  if (gt == std::string::npos) return {};
  if (sheet[gt - 1] == '/') return sheet.substr(b, gt + 1 - b);
  const auto e = sheet.find("</c>", gt);
  return e == std::string::npos ? std::string() : sheet.substr(b, e + 4 - b);
}

class ResponseXlsxTest : public EngineTest {
 protected:
  void SetUp() override { OUTREACH_REQUIRE_TOOL(have_unzip(), "unzip is not installed (scripts/install-deps.sh)"); }

  std::int64_t shared_reply(int n, const std::string& text) {
    std::int64_t id = person(n);
    grant(id, "*", "share:GM0599");
    storage::Response r;
    r.contact_id = id;
    r.channel = "sms";
    r.urn = phone_of(n);
    r.provider_message_id = "in-" + std::to_string(n);
    r.text = text;
    r.keyword = "yes";
    r.received_at = clock.now();
    return storage::ResponseStore(*db).record(r).take().value_or(0);
  }
  services::Actor clerk() { return actor_as("rotterdam", PrincipalKind::municipality, "GM0599"); }
  std::string workbook(std::int64_t max_rows = 0) {
    services::ResponseLists lists(*db, clock, config);
    storage::ResponseQuery q;
    q.municipality = "GM0599";
    auto bytes = services::response_list_xlsx(lists, clerk(), q, max_rows);
    EXPECT_TRUE(bytes) << bytes.error().what();
    return bytes ? *bytes : std::string();
  }
};

TEST_F(ResponseXlsxTest, PhoneNumbersAreTextCellsAndFormulasStayText) {
  shared_reply(5678, "=HYPERLINK(\"http://x\")");
  shared_reply(2, "+31 6 wil hulp");
  const std::string bytes = workbook();
  ASSERT_EQ(bytes.substr(0, 2), "PK") << "an .xlsx is a zip";
  const std::string sheet = unzip_member(bytes, "xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty());
  // Column G is "phone" (services/response_export.h): a string cell with the exact number.
  EXPECT_EQ(cell(sheet, "G2"), "<c r=\"G2\" t=\"inlineStr\"><is><t>+31612345678</t></is></c>");
  EXPECT_EQ(cell(sheet, "I2"),
            "<c r=\"I2\" t=\"inlineStr\"><is><t>=HYPERLINK(\"http://x\")</t></is></c>");
  EXPECT_EQ(cell(sheet, "I3"), "<c r=\"I3\" t=\"inlineStr\"><is><t>+31 6 wil hulp</t></is></c>");
  EXPECT_EQ(sheet.find("<f>"), std::string::npos) << "no formula anywhere";
  // The ids are numbers; the header is the CSV's.
  EXPECT_EQ(cell(sheet, "D2").find("t=\""), std::string::npos) << cell(sheet, "D2");
  EXPECT_EQ(cell(sheet, "A1"), "<c r=\"A1\" s=\"1\" t=\"inlineStr\"><is><t>id</t></is></c>");
  EXPECT_EQ(cell(sheet, "L1"), "<c r=\"L1\" s=\"1\" t=\"inlineStr\"><is><t>case_status</t></is></c>");
}

TEST_F(ResponseXlsxTest, TheHeaderIsBoldFrozenAndFiltered) {
  shared_reply(1, "JA");
  shared_reply(2, "JA");
  const std::string bytes = workbook();
  const std::string sheet = unzip_member(bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"),
            std::string::npos);
  EXPECT_NE(sheet.find("<autoFilter ref=\"A1:L3\"/>"), std::string::npos);
  EXPECT_NE(sheet.find("<col min=\"7\" max=\"7\" width=\"16.7109375\" customWidth=\"1\"/>"), std::string::npos)
      << "the phone column fits a number";
  const std::string styles = unzip_member(bytes, "xl/styles.xml");
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << "style 1 (the header's) is bold";
}

TEST_F(ResponseXlsxTest, ControlCharactersAndHugeTextsDoNotBreakTheWorkbook) {
  shared_reply(1, std::string("ja\x01nee"));
  shared_reply(2, std::string(40000, 'a'));
  const std::string sheet = unzip_member(workbook(), "xl/worksheets/sheet1.xml");
  EXPECT_EQ(cell(sheet, "I2"), "<c r=\"I2\" t=\"inlineStr\"><is><t>ja\xEF\xBF\xBDnee</t></is></c>");
  EXPECT_TRUE(cell(sheet, "I3") == "<c r=\"I3\" t=\"inlineStr\"><is><t>" + std::string(32767, 'a') + "</t></is></c>")
      << cell(sheet, "I3").size() << " bytes";
}

TEST_F(ResponseXlsxTest, OnlyPeopleThePolicyAllowsAndTheExportIsAudited) {
  shared_reply(1, "JA");
  const auto stopped = person(2);
  grant(stopped, "*", "share:GM0599");
  withdraw(stopped, "sms");
  shared_reply(3, "JA");
  const std::string sheet = unzip_member(workbook(), "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("+31612340001"), std::string::npos);
  EXPECT_EQ(sheet.find("+31612340002"), std::string::npos);
  EXPECT_NE(sheet.find("+31612340003"), std::string::npos);
  EXPECT_EQ(unzip_member(workbook(1), "xl/worksheets/sheet1.xml").find("+31612340003"), std::string::npos)
      << "max_rows";
  int exports = 0;
  storage::AuditLog(*db).for_each([&](const storage::AuditRecord& r) {
    exports += r.action == "responses.export" && r.detail.rfind("format=xlsx", 0) == 0 && r.subject == "municipality:GM0599";
  });
  EXPECT_EQ(exports, 2);
}

TEST_F(ResponseXlsxTest, TheCsvHasTheSameColumnsAndGuardsFormulas) {
  shared_reply(1, "=1+1");
  services::ResponseLists lists(*db, clock, config);
  storage::ResponseQuery q;
  q.municipality = "GM0599";
  auto csv = services::response_list_csv(lists, clerk(), q);
  ASSERT_TRUE(csv) << csv.error().what();
  EXPECT_EQ(csv->substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_EQ(csv->substr(3, csv->find("\r\n") - 3),
            "id,received_at,channel,contact_id,name,language,phone,email,text,keyword,case_id,case_status");
  EXPECT_NE(csv->find(",Persoon 1,nl,'+31612340001,p1@example.nl,'=1+1,yes,,\r\n"), std::string::npos) << *csv;
}

// The list shows the addresses we hold, a bounced number included (the clerk may know a newer
// one), taken from the contact row the policy decided on; a stopped person's row is left out.
TEST_F(ResponseXlsxTest, TheListShowsEachPersonsFirstPhoneAndEmailEvenWhenBounced) {
  shared_reply(1, "JA");
  shared_reply(2, "JA");
  shared_reply(3, "JA");
  ASSERT_TRUE(storage::ContactStore(*db).mark_address_bad(phone_of(2), "30003 unreachable").ok());
  withdraw(storage::ContactStore(*db).find_by_urn(core::Urn::parse(phone_of(3)).take()).take().id, "sms");
  services::ResponseLists lists(*db, clock, config);
  storage::ResponseQuery q;
  q.municipality = "GM0599";
  auto page = lists.page(clerk(), q);
  ASSERT_TRUE(page) << page.error().what();
  ASSERT_EQ(page->rows.size(), 2u);
  EXPECT_EQ(page->rows[0].phone, "+31612340001");
  EXPECT_EQ(page->rows[0].email, "p1@example.nl");
  EXPECT_EQ(page->rows[1].phone, "+31612340002");
  EXPECT_EQ(page->rows[1].email, "p2@example.nl");
}

TEST_F(ResponseXlsxTest, OutsideTheScopeNothingIsWritten) {
  services::ResponseLists lists(*db, clock, config);
  storage::ResponseQuery q;
  q.municipality = "GM0606";
  auto bytes = services::response_list_xlsx(lists, clerk(), q);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().what(), "municipality: this response list is outside your scope");
}

}  // namespace
}  // namespace outreach::test
