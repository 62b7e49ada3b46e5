// Text that is not UTF-8, through every HTTP input and out of every list: no route answers 500 and
// the server keeps answering. Inputs: API JSON bodies (refused, naming the member), provider
// webhooks (repaired with U+FFFD: a reply is never lost), intermediary reports (refused, naming the
// member). Outputs: a stored name with bad bytes (written with SQL, as an old import could have) in
// the assignment list and the municipality's JSON and CSV lists. The CSV list neutralises formulas
// exactly as core::CsvWriter does for the CLI's `responses export`.

#include "channels/form_encoding.h"
#include "channels/signature.h"
#include "core/text_encoding.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// The classic bad sequences: lone continuation, lead without continuation, overlong '/', a CESU-8
// surrogate, and "Café" in Windows-1252.
const std::vector<std::string> kBad = {"\x80", "\xC3\x28", "\xC0\xAF", "\xED\xA0\x80", "Caf\xE9"};

class Utf8Test : public ApiTest {
 protected:
  std::string bad_name(std::int64_t contact, const std::string& name) {
    SQLite::Statement st(db_->sqlite(), "UPDATE contacts SET name = ?1 WHERE id = ?2");
    st.bind(1, name);
    st.bind(2, static_cast<int64_t>(contact));
    EXPECT_EQ(st.exec(), 1);
    return name;
  }
  void expect_alive() {
    Reply r = get("/healthz");
    EXPECT_EQ(r.status, 200) << "the server stopped answering";
  }
  Reply whatsapp(const std::string& body) {
    const std::string sig = "sha256=" + channels::hex_encode(channels::hmac_sha256("wa-app-secret", body));
    return request("POST", "/v1/webhooks/whatsapp", {}, body, {"X-Hub-Signature-256: " + sig});
  }
  Reply twilio(const std::string& sid, const std::string& text) {
    channels::FormFields fields = {{"MessageSid", sid}, {"SmsSid", sid},   {"AccountSid", "AC123"},
                                   {"From", "+31612340001"}, {"To", "+3197010203040"}, {"Body", text},
                                   {"NumMedia", "0"}};
    auto sig = channels::twilio_signature(kTwilioToken, std::string(kPublicBase) + "/v1/webhooks/sms", fields);
    return request("POST", "/v1/webhooks/sms", {}, channels::form_encode(fields),
                   {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + sig});
  }
  std::vector<std::string> stored_texts() {
    std::vector<std::string> out;
    SQLite::Statement st(db_->sqlite(), "SELECT text FROM responses ORDER BY id");
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  }
};

TEST_F(Utf8Test, JsonBodiesWithBadBytesAre400NamingTheMember) {
  for (const auto& bad : kBad) {
    const std::string body = R"({"contact_id":)" + std::to_string(alice_) +
                             R"(,"mode":"phone","outcome":"reached_wants_help","note":"a)" + bad + R"("})";
    Reply r = request("POST", "/v1/contact-logs", token("vol1"), body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.j()["error"]["field"], "note") << r.body;
    EXPECT_TRUE(core::is_valid_utf8(r.body));
    Reply in_key = request("POST", "/v1/assignments", token("vol1"), "{\"co" + bad + "unt\":1}");
    EXPECT_EQ(in_key.status, 400) << in_key.body;
    const std::string field = in_key.j()["error"]["field"].get<std::string>();
    EXPECT_TRUE(field.starts_with("co") && field.ends_with("unt") && field.find(kFffd) != std::string::npos) << field;
    Reply outside = request("POST", "/v1/assignments", token("vol1"), "{\"count\":1}" + bad);
    EXPECT_EQ(outside.status, 400) << outside.body;
    EXPECT_EQ(outside.j()["error"]["field"], "body");
  }
  EXPECT_EQ(count("contact_logs"), 0);
  expect_alive();
}

TEST_F(Utf8Test, WebhookRepliesWithBadBytesAreRecordedRepaired) {
  int n = 0;
  for (const auto& bad : kBad) {
    const std::string id = "wamid." + std::to_string(++n);
    const std::string body =
        R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{)"
        R"("messages":[{"id":")" + id + R"(","from":"31612340001","timestamp":"1795000000","type":"text",)"
        R"("text":{"body":"hoi )" + bad + R"("}}]}}]}]})";
    Reply wa = whatsapp(body);
    EXPECT_EQ(wa.status, 200) << wa.body;
    EXPECT_EQ(wa.j()["recorded"], 1) << wa.body;
    Reply sms = twilio("SM" + std::to_string(n), "hallo " + bad);
    EXPECT_EQ(sms.status, 200) << sms.body;
    EXPECT_EQ(sms.j()["recorded"], 1) << sms.body;
  }
  auto texts = stored_texts();
  ASSERT_EQ(texts.size(), 2 * kBad.size());
  for (const auto& t : texts) EXPECT_TRUE(core::is_valid_utf8(t)) << t;
  EXPECT_EQ(texts[0], "hoi " + kFffd);
  EXPECT_EQ(texts.back(), "hallo Caf" + kFffd);
  expect_alive();
}

TEST_F(Utf8Test, StoredNameWithBadBytesDoesNot500TheListsThatShowIt) {
  add_shared_response(alice_, "GM0599", "=HYPERLINK(\"http://x\")", "p-1");
  open_case(alice_, "GM0599");
  for (std::size_t i = 0; i < kBad.size(); ++i) {
    bad_name(alice_, "Alice " + kBad[i]);
    bad_name(bob_, "Bob " + kBad[i]);

    Reply assigned = post("/v1/assignments", "vol1", {{"count", 1}, {"municipality", "GM0599"}});
    EXPECT_EQ(assigned.status, 201) << assigned.body;
    Reply mine = get("/v1/assignments", "vol1");
    EXPECT_EQ(mine.status, 200) << mine.body;
    EXPECT_TRUE(core::is_valid_utf8(mine.body));
    Reply list = get("/v1/municipalities/GM0599/responses", "gm0599");
    EXPECT_EQ(list.status, 200) << list.body;
    EXPECT_NE(list.body.find(kFffd), std::string::npos) << "the name is listed, repaired";
    Reply csv = get("/v1/municipalities/GM0599/responses?format=csv", "gm0599");
    EXPECT_EQ(csv.status, 200) << csv.body;
    EXPECT_TRUE(core::is_valid_utf8(csv.body));
    expect_alive();
  }
}

TEST_F(Utf8Test, CsvListNeutralisesAFormulaExactlyAsTheCliExport) {
  add_shared_response(alice_, "GM0599", "=HYPERLINK(\"http://x\")", "p-formula");
  Reply csv = get("/v1/municipalities/GM0599/responses?format=csv", "gm0599");
  ASSERT_EQ(csv.status, 200) << csv.body;
  // The same cell tests/e2e/app/cli_test.cpp expects from `responses export --format csv`.
  EXPECT_NE(csv.body.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find(",=HYPERLINK"), std::string::npos);
  EXPECT_TRUE(csv.body.ends_with("\r\n"));
}

}  // namespace
}  // namespace outreach::test
