// E-mail through a real SMTP server on loopback: the connector's requests are executed with curl
// (tests/support/blocking_transport) against tests/support/smtp_sink.py (aiosmtpd), and each stored
// message is read back with Python's email package (email.policy.default), an independent parser.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/email_connector.h"
#include "tests/support/blocking_transport.h"
#include "tests/support/require_tool.h"
#include "tests/support/smtp_server.h"

namespace outreach::channels {
namespace {

using test::SmtpSink;

constexpr char kReadBack[] = R"PY(
import email, json, sys
from email import policy
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_binary_file(f, policy=policy.default)
out = {k: (str(msg[k]) if msg[k] is not None else None)
       for k in ['To', 'Subject', 'Message-ID', 'Reply-To', 'Date', 'List-Unsubscribe',
                 'List-Unsubscribe-Post', 'MIME-Version']}
out['from_name'] = msg['From'].addresses[0].display_name
out['from_addr'] = msg['From'].addresses[0].addr_spec
out['content_type'] = msg.get_content_type()
plain = msg.get_body(('plain',))
html = msg.get_body(('html',))
out['plain'] = plain.get_content() if plain is not None else None
out['html'] = html.get_content() if html is not None and html.get_content_type() == 'text/html' else None
out['plain_cte'] = plain['Content-Transfer-Encoding'] if plain is not None else None
out['defects'] = [repr(d) for part in msg.walk() for d in part.defects]
with open(sys.argv[1], 'rb') as f:
    raw = f.read()
out['max_line'] = max(len(l) for l in raw.split(b'\r\n'))
out['bare_lf'] = raw.replace(b'\r\n', b'').count(b'\n')
print(json.dumps(out))
)PY";

std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

class SmtpIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    sink_ = std::make_unique<SmtpSink>(test::SmtpSinkOptions{"outreach", "s3cret", {"onbekend@example.org"}});
    OUTREACH_REQUIRE_TOOL(sink_->ok(), "SMTP sink unavailable: " << sink_->error());
    python_ = test::find_python_with("email.policy");
    OUTREACH_REQUIRE_TOOL(!python_.empty(), "no python3 to read messages back");
  }

  EmailSettings settings(std::string password = "s3cret") const {
    EmailSettings s;
    s.smtp_url = sink_->url();
    s.starttls = false;  // loopback sink without TLS
    s.username = "outreach";
    s.password = std::move(password);
    s.from_address = "outreach@gemeente.example.org";
    s.from_name = "Gemeente Rotterdam";
    s.bounce_address = "bounces@gemeente.example.org";
    s.unsubscribe_mailto = "afmelden@gemeente.example.org";
    s.message_id_secret = "integration";
    s.timeout = std::chrono::seconds(10);
    return *validate_email_settings(s);
  }

  static OutboundMessage message(std::string ref, std::string to, std::string sender, std::string subject,
                                 std::string text, std::string html) {
    OutboundMessage m{.client_ref = std::move(ref), .to = core::Urn::email(to).take()};
    m.sender_name = std::move(sender);
    m.subject = std::move(subject);
    m.text = std::move(text);
    m.html = std::move(html);
    core::parse_utc("2026-11-22T20:41:39Z", m.now);
    m.unsubscribe_url = "https://outreach.example.org/u/" + m.client_ref;
    return m;
  }

  nlohmann::json read_back(const std::string& path) {
    auto r = test::run_command({python_, "-c", kReadBack, path});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.output;
    return j;
  }

  std::unique_ptr<SmtpSink> sink_;
  std::string python_;
};

TEST_F(SmtpIntegration, ThreeMessagesArriveAndParseBackWithPythonEmail) {
  EmailConnector c(settings());
  std::vector<OutboundMessage> msgs = {
      message("c1:s1:k1", "ouder1@example.org", "Herstelteam Rijnmond – Gemeente",
              "Wij willen u graag helpen – herstel kinderopvangtoeslag",
              "Beste ouder,\nWij willen u graag helpen. Antwoord op deze e-mail = een gesprek.\n"
              "Een heel lange regel die zeker langer is dan zesenzeventig tekens, zodat quoted-printable "
              "hem moet afbreken met zachte regeleinden.",
              "<p>Beste ouder,</p><p>Wij willen u graag <b>helpen</b>.</p>"),
      message("c1:s1:k2", "ouder2@example.org", "Rotterdam Belediyesi",
              "Çocuk yardımı mağdurları için ücretsiz destek: şimdi başvurun",
              "Sayın veli,\nSize yardım etmek istiyoruz.", "<p dir=\"ltr\">Sayın veli,</p>"),
      message("c1:s1:k3", "ouder3@example.org", "", "مساعدة مجانية للآباء المتضررين من قضية إعانة رعاية الأطفال",
              "عزيزي الوالد،\nنريد مساعدتك.", ""),
  };
  for (const auto& m : msgs) {
    auto req = c.build_send(m);
    ASSERT_TRUE(req.ok()) << req.error().what();
    auto response = test::execute_blocking(*req);
    auto outcome = c.parse_send(response);
    ASSERT_EQ(outcome.verdict, SendVerdict::sent) << outcome.reason << " / " << response.transport_error;
  }
  ASSERT_TRUE(sink_->wait_for(3, std::chrono::seconds(10)));
  auto files = sink_->messages();
  ASSERT_EQ(files.size(), 3u);

  for (std::size_t i = 0; i < msgs.size(); ++i) {
    SCOPED_TRACE(files[i]);
    const OutboundMessage& m = msgs[i];
    nlohmann::json j = read_back(files[i]);
    EXPECT_EQ(j["defects"], nlohmann::json::array());
    EXPECT_EQ(j["bare_lf"], 0);
    EXPECT_LE(j["max_line"].get<int>(), 78);
    EXPECT_EQ(j["from_addr"], "outreach@gemeente.example.org");
    EXPECT_EQ(j["from_name"], m.sender_name.empty() ? "Gemeente Rotterdam" : m.sender_name);
    EXPECT_EQ(j["To"], m.to.path());
    EXPECT_EQ(j["Subject"], m.subject);
    EXPECT_EQ(j["Message-ID"], "<" + c.message_id(m.client_ref) + ">");
    EXPECT_EQ(j["Reply-To"], c.reply_address(m.client_ref));
    EXPECT_EQ(j["Date"], "Sun, 22 Nov 2026 20:41:39 +0000");
    EXPECT_EQ(j["MIME-Version"], "1.0");
    EXPECT_EQ(j["List-Unsubscribe"],
              "<https://outreach.example.org/u/" + m.client_ref + ">, <mailto:afmelden@gemeente.example.org>");
    EXPECT_EQ(j["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
    EXPECT_EQ(j["plain_cte"], "quoted-printable");
    EXPECT_EQ(rstrip(j["plain"].get<std::string>()), rstrip(m.text));
    if (m.html.empty()) {
      EXPECT_EQ(j["content_type"], "text/plain");
      EXPECT_TRUE(j["html"].is_null());
    } else {
      EXPECT_EQ(j["content_type"], "multipart/alternative");
      EXPECT_EQ(rstrip(j["html"].get<std::string>()), m.html);
    }
    // The envelope: bounces go to the bounce address.
    auto envelope = nlohmann::json::parse(test::read_file(files[i].substr(0, files[i].size() - 4) + ".json"));
    EXPECT_EQ(envelope["mail_from"], "bounces@gemeente.example.org");
    EXPECT_EQ(envelope["rcpt_tos"], nlohmann::json::array({m.to.path()}));
  }
}

TEST_F(SmtpIntegration, UnknownRecipientIsPermanent) {
  EmailConnector c(settings());
  auto req = c.build_send(message("c1:s1:k9", "onbekend@example.org", "", "Hallo", "Hallo", ""));
  ASSERT_TRUE(req.ok());
  auto response = test::execute_blocking(*req);
  auto outcome = c.parse_send(response);
  EXPECT_EQ(response.status, 550);
  EXPECT_EQ(outcome.verdict, SendVerdict::permanent) << outcome.reason;
  EXPECT_TRUE(outcome.reason.starts_with("smtp 550")) << outcome.reason;
  EXPECT_TRUE(sink_->messages().empty());
}

TEST_F(SmtpIntegration, WrongPasswordIsTransientAndNamesTheSetting) {
  EmailConnector c(settings("wrong"));
  auto req = c.build_send(message("c1:s1:k8", "ouder1@example.org", "", "Hallo", "Hallo", ""));
  ASSERT_TRUE(req.ok());
  auto outcome = c.parse_send(test::execute_blocking(*req));
  EXPECT_EQ(outcome.verdict, SendVerdict::transient) << outcome.reason;
  EXPECT_NE(outcome.reason.find("smtp.username/password"), std::string::npos) << outcome.reason;
}

TEST_F(SmtpIntegration, NoServerIsTransient) {
  EmailSettings s = settings();
  s.smtp_url = "smtp://127.0.0.1:" + std::to_string(test::free_loopback_port());
  EmailConnector c(s);
  auto req = c.build_send(message("c1:s1:k7", "ouder1@example.org", "", "Hallo", "Hallo", ""));
  ASSERT_TRUE(req.ok());
  auto outcome = c.parse_send(test::execute_blocking(*req));
  EXPECT_EQ(outcome.verdict, SendVerdict::transient);
  EXPECT_TRUE(outcome.reason.starts_with("smtp: no answer before the message was sent: ")) << outcome.reason;
}

}  // namespace
}  // namespace outreach::channels
