// /metrics as an operator reads it: the series the engine and the api keep, with values that follow
// what happened (inbound messages by channel, cases and outbox rows by status, request counts).
#include "tests/integration/api/api_fixture.h"

#include <regex>

#include "channels/form_encoding.h"
#include "storage/outbox.h"

namespace outreach::test {
namespace {

class MetricsTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    inbound_->set_metrics(&metrics_);
  }

  Reply sms(const std::string& sid, const std::string& from, const std::string& text) {
    channels::FormFields fields = {{"MessageSid", sid}, {"From", from}, {"To", "+3197010203040"}, {"Body", text}};
    const std::string signature =
        channels::twilio_signature(kTwilioToken, std::string(kPublicBase) + "/v1/webhooks/sms", fields);
    return request("POST", "/v1/webhooks/sms", {}, channels::form_encode(fields),
                   {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + signature});
  }

  // The value of one series ("name{labels}") in the exposition text; -1 when absent.
  static double value(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
  }
};

TEST_F(MetricsTest, SeriesFollowInboundMessagesCasesAndRequests) {
  ASSERT_EQ(sms("SM100", "+31612340001", "Dank u").status, 200);
  ASSERT_EQ(sms("SM101", "+31612340002", "Wie bent u?").status, 200);
  ASSERT_EQ(sms("SM101", "+31612340002", "Wie bent u?").status, 200);  // redelivered: recorded once
  open_case(alice_, "GM0599");
  const auto second = open_case(bob_, "GM0599");
  ASSERT_TRUE(storage::CaseStore(*db_).set_status(second, "acknowledged", "gm0599", clock_.now(), "").ok());

  Reply r = get("/metrics", "ops");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(value(r.body, "outreach_inbound_messages_total{channel=\"sms\"}"), 2) << r.body;
  EXPECT_EQ(value(r.body, "outreach_cases{status=\"open\"}"), 1) << r.body;
  EXPECT_EQ(value(r.body, "outreach_cases{status=\"acknowledged\"}"), 1) << r.body;
  EXPECT_EQ(value(r.body, "outreach_cases{status=\"closed\"}"), 0) << r.body;
  // No campaign was launched: every outbox status is there, at zero.
  EXPECT_EQ(value(r.body, "outreach_outbox_messages{status=\"queued\"}"), 0) << r.body;
  EXPECT_EQ(value(r.body, "outreach_outbox_messages{status=\"unknown\"}"), 0) << r.body;
  EXPECT_EQ(value(r.body, "outreach_sqlite_busy_errors_total"), 0) << r.body;
  EXPECT_EQ(value(r.body, "outreach_http_requests_total{route=\"POST /v1/webhooks/{channel}\",status=\"200\"}"), 3)
      << r.body;
  EXPECT_NE(r.body.find("# TYPE outreach_inbound_messages_total counter"), std::string::npos);
  EXPECT_NE(r.body.find("# TYPE outreach_cases gauge"), std::string::npos);
}

TEST_F(MetricsTest, AnAuditedReadCarriesTheClientsRequestIdIntoTheAuditLog) {
  add_shared_response(alice_, "GM0599", "JA", "SM200");
  Reply r = request("GET", "/v1/municipalities/GM0599/responses", token("gm0599"), {}, {"X-Request-Id: client-req-0042"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["x-request-id"], "client-req-0042");
  SQLite::Statement st(db_->sqlite(), "SELECT request_id, detail FROM audit_log WHERE action = 'responses.read'");
  ASSERT_TRUE(st.executeStep());
  EXPECT_EQ(st.getColumn(0).getString(), "client-req-0042");
  EXPECT_EQ(st.getColumn(1).getString(), "format=json via=api");

  // An id that is not sane (spaces, markup, too long) is replaced by a fresh one.
  for (const std::string& bad : {std::string("a b"), std::string("<x>"), std::string(65, 'a')}) {
    Reply other = request("GET", "/healthz", {}, {}, {"X-Request-Id: " + bad});
    EXPECT_TRUE(std::regex_match(other.headers["x-request-id"], std::regex("[0-9a-f]{32}"))) << bad;
  }
}

}  // namespace
}  // namespace outreach::test
