// Provider webhooks through the Twilio connector: signatures, duplicates, nothing recorded from
// refused requests.

#include "channels/form_encoding.h"
#include "tests/integration/api/api_fixture.h"

namespace outreach::test {

namespace {
channels::FormFields inbound_sms(const std::string& sid, const std::string& from, const std::string& body) {
  return {{"MessageSid", sid}, {"SmsSid", sid}, {"AccountSid", "AC123"}, {"From", from},
          {"To", "+3197010203040"}, {"Body", body}, {"NumMedia", "0"}};
}
}  // namespace

class WebhookTest : public ApiTest {
 protected:
  Reply send(const channels::FormFields& fields, std::optional<std::string> signature) {
    std::vector<std::string> headers = {"Content-Type: application/x-www-form-urlencoded"};
    if (signature) headers.push_back("X-Twilio-Signature: " + *signature);
    return request("POST", "/v1/webhooks/sms", {}, channels::form_encode(fields), headers);
  }
  std::string sign(const channels::FormFields& fields) {
    return channels::twilio_signature(kTwilioToken, std::string(kPublicBase) + "/v1/webhooks/sms", fields);
  }
};

TEST_F(WebhookTest, ValidSignatureRecordsOnceAndDuplicateIsIgnored) {
  auto fields = inbound_sms("SM0001", "+31612340001", "Hallo");
  std::int64_t before = count("responses");
  Reply first = send(fields, sign(fields));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.j()["recorded"], 1);
  Reply again = send(fields, sign(fields));
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.j()["duplicates"], 1);
  EXPECT_EQ(count("responses"), before + 1);
  EXPECT_TRUE(storage::AuditLog(*db_).verify().ok());
}

TEST_F(WebhookTest, ForgedSignatureIsRefusedAndNothingRecorded) {
  auto fields = inbound_sms("SM0002", "+31612340001", "STOP");
  std::int64_t responses = count("responses"), consents = count("consent_events"), audit = count("audit_log");
  auto forged = sign(inbound_sms("SM0002", "+31612340001", "Hallo"));
  EXPECT_EQ(send(fields, forged).status, 403);
  EXPECT_EQ(send(fields, std::nullopt).status, 403);
  EXPECT_EQ(send(fields, std::string("")).status, 403);
  EXPECT_EQ(count("responses"), responses);
  EXPECT_EQ(count("consent_events"), consents);
  EXPECT_EQ(count("audit_log"), audit);
}

TEST_F(WebhookTest, UnknownChannelIs404) {
  auto fields = inbound_sms("SM0003", "+31612340001", "Hallo");
  Reply r = request("POST", "/v1/webhooks/fax", {}, channels::form_encode(fields),
                    {"Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: " + sign(fields)});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(count("responses"), 0);
}

TEST_F(WebhookTest, StatusCallbackForUnknownMessageIsAcceptedAndCounted) {
  channels::FormFields fields = {{"MessageSid", "SM-unknown"}, {"MessageStatus", "delivered"}, {"AccountSid", "AC123"}};
  Reply r = send(fields, sign(fields));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["unknown_statuses"], 1);
  EXPECT_EQ(count("responses"), 0);
}

TEST_F(WebhookTest, WhatsAppHandshakeAnswersTheChallengeOnlyWithTheRightToken) {
  std::int64_t audit = count("audit_log");
  Reply ok = get("/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wa-verify&hub.challenge=8675309");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "8675309");
  Reply bad = get("/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=8675309");
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.body.find("8675309"), std::string::npos);
  EXPECT_EQ(count("audit_log"), audit);
}

TEST_F(WebhookTest, WhatsAppPostWithoutSignatureIsRefused) {
  std::int64_t audit = count("audit_log");
  Reply r = request("POST", "/v1/webhooks/whatsapp", {}, R"({"object":"whatsapp_business_account","entry":[]})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(count("audit_log"), audit);
}

}  // namespace outreach::test
