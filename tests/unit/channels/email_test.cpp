#include "channels/email_connector.h"

#include "channels/connector_factory.h"

#include <gtest/gtest.h>

namespace outreach::channels {
namespace {

EmailSettings settings() {
  EmailSettings s;
  s.smtp_url = "smtp://mail.example.org:587";
  s.username = "outreach";
  s.password = "pw";
  s.from_address = "outreach@gemeente.example.org";
  s.from_name = "Gemeente Rotterdam";
  s.bounce_address = "bounces@gemeente.example.org";
  s.unsubscribe_mailto = "afmelden@gemeente.example.org";
  s.message_id_secret = "k";
  auto v = validate_email_settings(s);
  EXPECT_TRUE(v.ok()) << v.error().what();
  return *v;
}

OutboundMessage message() {
  OutboundMessage m{.client_ref = "c7:s2:k42", .to = core::Urn::email("ouder@example.org").take()};
  m.language = "nl";
  m.sender_name = "Herstelteam Rijnmond – Gemeente";
  m.subject = "Wij willen u helpen";
  m.text = "Beste ouder,\nBel ons gerust.";
  m.html = "<p>Beste ouder,</p>";
  core::parse_utc("2026-11-22T20:41:39Z", m.now);
  m.unsubscribe_url = "https://outreach.example.org/u/tok";
  return m;
}

TransportResponse smtp(int status, std::string error = {}) {
  TransportResponse r;
  r.status = status;
  r.transport_error = std::move(error);
  return r;
}

TEST(EmailSettings, ErrorsNameTheSetting) {
  EmailSettings s = settings();
  s.smtp_url = "http://x";
  EXPECT_EQ(validate_email_settings(s).error().what(), "smtp.url: must start with smtp:// or smtps://, got 'http://x'");
  s = settings();
  s.from_address = "nobody";
  EXPECT_EQ(validate_email_settings(s).error().what(), "smtp.from_address: not an e-mail address: 'nobody'");
  s = settings();
  s.reply_local_part = "re+ply";
  EXPECT_EQ(validate_email_settings(s).error().what(),
            "smtp.reply_local_part: must be a plain local part without '+', got 're+ply'");
}

TEST(EmailSettings, DefaultsComeFromTheFromAddress) {
  EmailSettings s;
  s.smtp_url = "smtps://mail.example.org:465";
  s.from_address = "outreach@gemeente.example.org";
  auto v = validate_email_settings(s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->bounce_address, "outreach@gemeente.example.org");
  EXPECT_EQ(v->reply_domain, "gemeente.example.org");
  EXPECT_EQ(v->message_id_domain, "gemeente.example.org");
}

TEST(EmailConnector, BuildsAnSmtpSubmission) {
  EmailConnector c(settings());
  auto req = c.build_send(message());
  ASSERT_TRUE(req.ok()) << req.error().what();
  EXPECT_EQ(req->kind, TransportRequest::Kind::smtp);
  EXPECT_EQ(req->url, "smtp://mail.example.org:587");
  EXPECT_TRUE(req->starttls);
  EXPECT_EQ(req->username, "outreach");
  EXPECT_EQ(req->password, "pw");
  EXPECT_EQ(req->mail_from, "bounces@gemeente.example.org");
  EXPECT_EQ(req->mail_rcpt, std::vector<std::string>{"ouder@example.org"});
  const std::string id = c.message_id("c7:s2:k42");
  EXPECT_EQ(*find_header(req->headers, "Message-ID"), id);
  EXPECT_NE(req->body.find("Message-ID: <" + id + ">\r\n"), std::string::npos);
  EXPECT_NE(req->body.find("Reply-To: reply+c7=3As2=3Ak42@gemeente.example.org\r\n"), std::string::npos);
  EXPECT_NE(req->body.find("Content-Language: nl\r\n"), std::string::npos);
  EXPECT_NE(req->body.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"), std::string::npos);
}

TEST(EmailConnector, MessageIdIsStablePerClientRefAndDiffersBetweenRefs) {
  EmailConnector c(settings());
  EXPECT_EQ(c.message_id("c7:s2:k42"), c.message_id("c7:s2:k42"));
  EXPECT_NE(c.message_id("c7:s2:k42"), c.message_id("c7:s2:k43"));
  EXPECT_TRUE(c.message_id("c7:s2:k42").starts_with("c7=3As2=3Ak42."));
  EXPECT_TRUE(c.message_id("c7:s2:k42").ends_with("@gemeente.example.org"));
  // A retry builds byte-identical messages.
  EXPECT_EQ(c.build_send(message())->body, c.build_send(message())->body);
}

TEST(EmailConnector, RefEncodingRoundTrips) {
  for (std::string ref : {"abc", "c7:s2:k42", "a.b+c@d", "x=y", "ünïcode"}) {
    EXPECT_EQ(decode_ref(encode_ref(ref)), ref);
  }
  EXPECT_EQ(encode_ref("a.b"), "a=2Eb");
}

TEST(EmailConnector, LoopbackHttpUnsubscribeLinkKeepsTheOneClickHeaders) {
  EmailConnector c(settings());
  OutboundMessage m = message();
  m.unsubscribe_url = "http://127.0.0.1:8080/u/tok";
  auto mail = c.build_mail(m);
  ASSERT_TRUE(mail) << mail.error().what();
  const std::string text = mime::build_message(*mail);
  EXPECT_NE(text.find("List-Unsubscribe: <http://127.0.0.1:8080/u/tok>,\r\n <mailto:afmelden@gemeente.example.org>"),
            std::string::npos) << text;
  EXPECT_NE(text.find("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), std::string::npos);
}

TEST(EmailConnector, UnsubscribeUrlMustBeHttpsOrLoopback) {
  for (const char* ok : {"https://outreach.example.org/u/t", "http://127.0.0.1:8080/u/t", "http://localhost/u/t",
                         "http://[::1]:8080/u/t", "http://127.1.2.3/u"})
    EXPECT_TRUE(unsubscribe_url_allowed(ok)) << ok;
  for (const char* bad : {"http://outreach.example.org/u/t", "http://127.0.0.1.example.org/u", "http://localhost.evil/u",
                          "ftp://127.0.0.1/u", "https://", "http://[::1].evil/u"})
    EXPECT_FALSE(unsubscribe_url_allowed(bad)) << bad;
}

TEST(EmailConnector, RefusesWhatCannotBeSent) {
  EmailConnector c(settings());
  OutboundMessage m = message();
  m.to = core::Urn::phone("0612345678").take();
  EXPECT_EQ(c.build_send(m).error().what(), "to: smtp cannot send to 'tel:+31612345678'");
  m = message();
  m.unsubscribe_url = "http://outreach.example.org/u/tok";
  EXPECT_EQ(c.build_send(m).error().what(),
            "unsubscribe_url: must be an https:// URL (RFC 8058; http:// only on a loopback address), got "
            "'http://outreach.example.org/u/tok'");
  m = message();
  m.text.clear();
  EXPECT_EQ(c.build_send(m).error().what(), "text: e-mail needs a plain text part");
  m = message();
  m.client_ref.clear();
  EXPECT_EQ(c.build_send(m).error().what(), "client_ref: must not be empty");
  EXPECT_FALSE(c.can_send_to(core::Urn::phone("0612345678").take()));
  EXPECT_TRUE(c.can_send_to(message().to));
}

TEST(EmailConnector, HeaderInjectionInSubjectIsNeutralised) {
  EmailConnector c(settings());
  OutboundMessage m = message();
  m.subject = "Hallo\r\nBcc: victim@example.org";
  auto req = c.build_send(m);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->body.find("\r\nBcc:"), std::string::npos);
}

TEST(EmailConnector, ClassifiesSmtpReplies) {
  EmailConnector c(settings());
  EXPECT_EQ(c.parse_send(smtp(250)).verdict, SendVerdict::sent);
  TransportResponse ok = smtp(250);
  ok.headers.emplace_back("Message-ID", "<abc@x>");
  EXPECT_EQ(c.parse_send(ok).provider_id, "abc@x");
  auto busy = c.parse_send(smtp(451, "RCPT failed: 451"));
  EXPECT_EQ(busy.verdict, SendVerdict::transient);
  EXPECT_EQ(busy.reason, "smtp 451: RCPT failed: 451");
  EXPECT_EQ(c.parse_send(smtp(550, "RCPT failed: 550")).verdict, SendVerdict::permanent);
  EXPECT_EQ(c.parse_send(smtp(553)).verdict, SendVerdict::permanent);
  EXPECT_EQ(c.parse_send(smtp(535)).verdict, SendVerdict::transient);
  TransportResponse timeout;
  timeout.timed_out = true;
  timeout.transport_error = "Operation timed out after 10000 milliseconds";
  auto t = c.parse_send(timeout);
  EXPECT_EQ(t.verdict, SendVerdict::transient);
  EXPECT_EQ(t.reason, "smtp: timed out before the message was sent: Operation timed out after 10000 milliseconds");
  timeout.request_sent = true;  // after DATA: the server may have queued it
  EXPECT_EQ(c.parse_send(timeout).verdict, SendVerdict::ambiguous);
  EXPECT_EQ(c.parse_send(timeout).reason,
            "smtp: timed out after the message was sent: Operation timed out after 10000 milliseconds");
  TransportResponse cut = smtp(250, "Failure when receiving data from the peer");
  EXPECT_EQ(c.parse_send(cut).verdict, SendVerdict::transient);
  EXPECT_EQ(c.parse_send(cut).reason,
            "smtp: incomplete after 250 before the message was sent: Failure when receiving data from the peer");
  EXPECT_EQ(c.parse_send(smtp(334, "timeout")).verdict, SendVerdict::transient);
  EXPECT_EQ(c.parse_send(smtp(0, "Couldn't connect to server")).reason,
            "smtp: no answer before the message was sent: Couldn't connect to server");
}

TEST(EmailConnector, HasNoWebhooks) {
  EmailConnector c(settings());
  EXPECT_EQ(c.verify_signature(WebhookRequest{}).error().code, core::ErrorCode::forbidden);
  EXPECT_FALSE(c.parse_webhook(WebhookRequest{}).ok());
}

TEST(EmailFactory, BuildsSmtpFromProviderSettings) {
  ProviderSettings p;
  p.provider = "smtp";
  p.values = {{"url", "smtps://mail.example.org:465"}, {"from_address", "outreach@gemeente.example.org"},
              {"starttls", "false"}, {"timeout_ms", "5000"}};
  auto c = make_connector(p);
  ASSERT_TRUE(c.ok()) << c.error().what();
  EXPECT_EQ((*c)->provider(), "smtp");
  OutboundMessage m = message();
  auto req = (*c)->build_send(m);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->url, "smtps://mail.example.org:465");
  EXPECT_EQ(req->timeout, std::chrono::milliseconds(5000));

  p.values.erase("from_address");
  EXPECT_EQ(make_connector(p).error().what(), "providers.smtp.from_address: missing setting");
  p.values["from_address"] = "outreach@gemeente.example.org";
  p.values["url"] = "mail.example.org";
  EXPECT_EQ(make_connector(p).error().what(),
            "providers.smtp.url: must start with smtp:// or smtps://, got 'mail.example.org'");
  p.values["url"] = "smtp://mail.example.org";
  p.values["starttls"] = "ja";
  EXPECT_EQ(make_connector(p).error().what(), "providers.smtp.starttls: expected true or false, got 'ja'");
}

}  // namespace
}  // namespace outreach::channels
