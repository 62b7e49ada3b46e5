// Contract tests: the connectors' requests, executed against Prism mocks of the providers' own
// OpenAPI specs (../shared/specs). Prism answers 422 with the validation reasons when a request does
// not conform; otherwise it answers with the spec's example, which parse_send must accept.
// One Prism per spec, started once per suite.

#include <gtest/gtest.h>

#include <memory>

#include "channels/telegram_connector.h"
#include "channels/twilio_connector.h"
#include "channels/whatsapp_connector.h"
#include "tests/support/blocking_transport.h"
#include "tests/support/prism_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/utc_time.h"

namespace outreach::channels {
namespace {

using test::PrismServer;

constexpr auto at = &test::utc_time;

// Everything a failure message needs: status, Prism's violations header and body.
std::string describe(const TransportResponse& r) {
  std::string out = "status " + std::to_string(r.status);
  if (!r.transport_error.empty()) out += " transport error: " + r.transport_error;
  if (const std::string* v = find_header(r.headers, "sl-violations")) out += "\nsl-violations: " + *v;
  out += "\nbody: " + r.body.substr(0, 4000);
  return out;
}

class PrismSuite : public ::testing::Test {
 protected:
  static void start(std::unique_ptr<PrismServer>& server, std::string& skip, const char* spec_file) {
    if (!PrismServer::find_executable()) {
      skip = PrismServer::kInstallHint;
      return;
    }
    auto started = PrismServer::start(PrismServer::spec_path(spec_file), std::chrono::seconds(90));
    if (!started) {
      skip.clear();
      server.reset();
      failure_ = started.error().what();
      return;
    }
    server = std::move(*started);
  }
  static inline std::string failure_;
};

#define REQUIRE_PRISM(server, skip)                              \
  do {                                                           \
    OUTREACH_REQUIRE_TOOL((skip).empty(), (skip));               \
    ASSERT_TRUE((server) != nullptr) << "prism: " << failure_;   \
  } while (0)

// ---- Twilio (twilio_api_v2010.json) --------------------------------------------------------------

class TwilioContract : public PrismSuite {
 protected:
  static void SetUpTestSuite() { start(server_, skip_, "twilio_api_v2010.json"); }
  static void TearDownTestSuite() { server_.reset(); }

  TwilioConnector connector() const {
    TwilioConfig c;
    c.base_url = server_->base_url();
    c.account_sid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    c.auth_token = "secret";
    c.from = "+3197010000000";
    c.status_callback = "https://outreach.example.org/webhooks/twilio/status";
    return TwilioConnector(c);
  }
  static OutboundMessage message() {
    return OutboundMessage{
        .client_ref = "c1-s1-k1", .to = core::Urn::phone("+31612345678").take(), .text = "Hallo, dit is een test"};
  }

  static inline std::unique_ptr<PrismServer> server_;
  static inline std::string skip_;
};

TEST_F(TwilioContract, SendConformsAndParsesAsSent) {
  REQUIRE_PRISM(server_, skip_);
  auto req = connector().build_send(message());
  ASSERT_TRUE(req.ok()) << req.error().what();
  TransportResponse res = test::execute_blocking(*req);
  ASSERT_NE(res.status, 422) << describe(res);
  ASSERT_EQ(res.status, 201) << describe(res);
  SendOutcome out = connector().parse_send(res);
  EXPECT_EQ(out.verdict, SendVerdict::sent) << out.reason;
  EXPECT_FALSE(out.provider_id.empty());
}

TEST_F(TwilioContract, MessagingServiceSidInsteadOfFromConforms) {
  REQUIRE_PRISM(server_, skip_);
  TwilioConfig c;
  c.base_url = server_->base_url();
  c.account_sid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  c.auth_token = "secret";
  c.messaging_service_sid = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  auto req = TwilioConnector(c).build_send(message());
  ASSERT_TRUE(req.ok());
  TransportResponse res = test::execute_blocking(*req);
  EXPECT_EQ(res.status, 201) << describe(res);
}

TEST_F(TwilioContract, NegativeControlRequestWithoutToIsRefused) {
  REQUIRE_PRISM(server_, skip_);
  auto req = connector().build_send(message());
  ASSERT_TRUE(req.ok());
  // Drop the To field: the fixture must catch a request that breaks the spec.
  auto fields = form_decode(req->body).take();
  std::erase_if(fields, [](const auto& f) { return f.first == "To"; });
  req->body = form_encode(fields);
  TransportResponse res = test::execute_blocking(*req);
  EXPECT_EQ(res.status, 422) << describe(res);
  EXPECT_NE(res.body.find("'To'"), std::string::npos) << describe(res);
}

// ---- WhatsApp Cloud API (meta_business-messaging-api_v23.0.yaml) ---------------------------------

class WhatsAppContract : public PrismSuite {
 protected:
  static void SetUpTestSuite() { start(server_, skip_, "meta_business-messaging-api_v23.0.yaml"); }
  static void TearDownTestSuite() { server_.reset(); }

  WhatsAppConnector connector() const {
    WhatsAppConfig c;
    c.base_url = server_->base_url();
    c.phone_number_id = "106540352242922";
    c.access_token = "token";
    c.app_secret = "app-secret";
    c.verify_token = "verify";
    return WhatsAppConnector(c);
  }
  static OutboundMessage message() {
    return OutboundMessage{.client_ref = "c1-s1-k1",
                           .to = core::Urn::whatsapp("31612345678").take(),
                           .language = "nl",
                           .text = "Hallo Anna, fijn dat je reageert.",
                           .template_name = "herstel_uitnodiging",
                           .template_params = {"Anna", "Rotterdam"},
                           .now = at("2026-11-22T12:00:00Z")};
  }

  static inline std::unique_ptr<PrismServer> server_;
  static inline std::string skip_;
};

TEST_F(WhatsAppContract, FreeTextInsideWindowConformsAndParsesAsSent) {
  REQUIRE_PRISM(server_, skip_);
  OutboundMessage m = message();
  m.last_inbound_at = at("2026-11-22T09:00:00Z");
  auto req = connector().build_send(m);
  ASSERT_TRUE(req.ok()) << req.error().what();
  ASSERT_NE(req->body.find("\"type\":\"text\""), std::string::npos);
  TransportResponse res = test::execute_blocking(*req);
  ASSERT_NE(res.status, 422) << describe(res);
  ASSERT_EQ(res.status, 200) << describe(res);
  SendOutcome out = connector().parse_send(res);
  EXPECT_EQ(out.verdict, SendVerdict::sent) << out.reason;
  EXPECT_EQ(out.provider_id.rfind("wamid.", 0), 0u) << out.provider_id;
}

TEST_F(WhatsAppContract, TemplateOutsideWindowConformsAndParsesAsSent) {
  REQUIRE_PRISM(server_, skip_);
  OutboundMessage m = message();
  m.last_inbound_at = at("2026-11-20T09:00:00Z");
  auto req = connector().build_send(m);
  ASSERT_TRUE(req.ok()) << req.error().what();
  ASSERT_NE(req->body.find("\"type\":\"template\""), std::string::npos);
  TransportResponse res = test::execute_blocking(*req);
  ASSERT_NE(res.status, 422) << describe(res);
  ASSERT_EQ(res.status, 200) << describe(res);
  SendOutcome out = connector().parse_send(res);
  EXPECT_EQ(out.verdict, SendVerdict::sent) << out.reason;
  EXPECT_FALSE(out.provider_id.empty());
}

TEST_F(WhatsAppContract, NegativeControlTemplateWithoutLanguageIsRefused) {
  REQUIRE_PRISM(server_, skip_);
  auto req = connector().build_send(message());
  ASSERT_TRUE(req.ok());
  auto pos = req->body.find("\"language\":");
  ASSERT_NE(pos, std::string::npos);
  req->body.replace(pos, std::string("\"language\"").size(), "\"langauge\"");
  TransportResponse res = test::execute_blocking(*req);
  EXPECT_EQ(res.status, 422) << describe(res);
}

// ---- Telegram Bot API (telegram_bot_api_ark0f_openapi.yml) ---------------------------------------
// The spec's server is https://api.telegram.org/bot{token}; Prism serves the spec's paths without
// that server prefix, so the test strips "/bot<token>" from the URL before sending. Prism validates
// the request but cannot generate sendMessage's answer ("schema too complex", 500), so only the
// request side is checked here; parse_send is covered by unit tests with recorded answers.

class TelegramContract : public PrismSuite {
 protected:
  static void SetUpTestSuite() { start(server_, skip_, "telegram_bot_api_ark0f_openapi.yml"); }
  static void TearDownTestSuite() { server_.reset(); }

  TransportRequest build(const std::string& chat) const {
    TelegramConfig c;
    c.base_url = server_->base_url();
    c.bot_token = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
    c.secret_token = "s";
    OutboundMessage m{.to = core::Urn::parse("telegram:" + chat).take(), .text = "Hallo"};
    auto req = TelegramConnector(c).build_send(m).take();
    std::string prefix = "/bot" + c.bot_token;
    auto pos = req.url.find(prefix);
    EXPECT_NE(pos, std::string::npos);
    req.url.erase(pos, prefix.size());
    return req;
  }

  static inline std::unique_ptr<PrismServer> server_;
  static inline std::string skip_;
};

TEST_F(TelegramContract, SendMessageRequestConforms) {
  REQUIRE_PRISM(server_, skip_);
  TransportResponse res = test::execute_blocking(build("987654321"));
  EXPECT_NE(res.status, 422) << describe(res);
  EXPECT_NE(res.status, 404) << describe(res);
  EXPECT_EQ(find_header(res.headers, "sl-violations"), nullptr) << describe(res);
}

TEST_F(TelegramContract, NegativeControlWithoutChatIdIsRefused) {
  REQUIRE_PRISM(server_, skip_);
  TransportRequest req = build("987654321");
  req.body = R"({"text":"Hallo"})";
  TransportResponse res = test::execute_blocking(req);
  EXPECT_EQ(res.status, 422) << describe(res);
}

}  // namespace
}  // namespace outreach::channels
