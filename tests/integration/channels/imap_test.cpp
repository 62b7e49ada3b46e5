// Replies and bounces read over IMAP from a real Dovecot on loopback: the test places messages in
// the Maildir, lists and fetches them with curl using ImapMailbox's requests, and sorts them with
// parse_mailbox_message.

#include <gtest/gtest.h>

#include "channels/email_connector.h"
#include "channels/imap_mailbox.h"
#include "tests/support/imap_server.h"
#include "tests/support/require_tool.h"

namespace outreach::channels {
namespace {

using test::DovecotServer;

EmailConnector sender() {
  EmailSettings s;
  s.smtp_url = "smtp://127.0.0.1:25";
  s.from_address = "outreach@gemeente.example.org";
  s.bounce_address = "bounces@gemeente.example.org";
  s.message_id_secret = "integration";
  return EmailConnector(*validate_email_settings(s));
}

std::string reply_to(const EmailConnector& c, const std::string& ref) {
  const std::string ours = c.message_id(ref);
  return "Return-Path: <ouder@example.org>\r\n"
         "Message-ID: <CAF=reply-1@mail.example.org>\r\n"
         "Date: Mon, 23 Nov 2026 09:15:02 +0100\r\n"
         "From: =?UTF-8?Q?Fatma_Y=C4=B1lmaz?= <ouder@example.org>\r\n"
         "To: " + c.reply_address(ref) + "\r\n"
         "Subject: Re: =?UTF-8?Q?Wij_willen_u_helpen_=E2=80=93_herstel?=\r\n"
         "In-Reply-To: <" + ours + ">\r\n"
         "References: <" + ours + ">\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n"
         "\r\n"
         "Ja, graag. Ik ben bereikbaar na 18:00 =E2=80=93 groet, Fatma\r\n"
         "\r\n"
         "Op zo 22 nov 2026 om 21:41 schreef Gemeente Rotterdam <outreach@gemeente.example.org>:\r\n"
         "> Beste ouder,\r\n"
         "> Wij willen u graag helpen.\r\n";
}

std::string dsn_for(const EmailConnector& c, const std::string& ref) {
  return "Return-Path: <>\r\n"
         "Date: Sun, 22 Nov 2026 21:41:41 +0100 (CET)\r\n"
         "From: MAILER-DAEMON@mail.gemeente.example.org (Mail Delivery System)\r\n"
         "Subject: Undelivered Mail Returned to Sender\r\n"
         "To: bounces@gemeente.example.org\r\n"
         "Auto-Submitted: auto-replied\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status;\r\n"
         "\tboundary=\"AB12.1795/mail\"\r\n"
         "Message-Id: <20261122204141.AB12@mail.gemeente.example.org>\r\n"
         "\r\n"
         "--AB12.1795/mail\r\n"
         "Content-Type: text/plain; charset=us-ascii\r\n"
         "\r\n"
         "Your message could not be delivered.\r\n"
         "\r\n"
         "--AB12.1795/mail\r\n"
         "Content-Type: message/delivery-status\r\n"
         "\r\n"
         "Reporting-MTA: dns; mail.gemeente.example.org\r\n"
         "Arrival-Date: Sun, 22 Nov 2026 21:41:39 +0100 (CET)\r\n"
         "\r\n"
         "Final-Recipient: rfc822; onbekend@example.org\r\n"
         "Action: failed\r\n"
         "Status: 5.1.1\r\n"
         "Diagnostic-Code: smtp; 550 5.1.1 <onbekend@example.org>: User unknown\r\n"
         "\r\n"
         "--AB12.1795/mail\r\n"
         "Content-Type: message/rfc822\r\n"
         "\r\n"
         "From: outreach@gemeente.example.org\r\n"
         "To: onbekend@example.org\r\n"
         "Subject: Wij willen u helpen\r\n"
         "Message-ID: <" + c.message_id(ref) + ">\r\n"
         "\r\n"
         "Beste ouder,\r\n"
         "\r\n"
         "--AB12.1795/mail--\r\n";
}

class ImapIntegration : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<DovecotServer>();
    OUTREACH_REQUIRE_TOOL(server_->ok(), "Dovecot unavailable: " << server_->error());
  }
  ImapMailbox mailbox(std::string password = DovecotServer::password()) const {
    ImapSettings s;
    s.url = server_->url();
    s.username = "replies";
    s.password = std::move(password);
    s.starttls = false;  // loopback Dovecot without TLS
    s.timeout = std::chrono::seconds(10);
    auto v = validate_imap_settings(s);
    EXPECT_TRUE(v.ok()) << v.error().what();
    return ImapMailbox(*v);
  }
  std::vector<std::uint32_t> unseen(const ImapMailbox& box) {
    auto r = test::fetch_imap(box.search_unseen());
    EXPECT_EQ(r.curl_code, 0) << r.error << "\n" << server_->log();
    auto uids = parse_search_response(r.body);
    EXPECT_TRUE(uids.ok()) << r.body;
    return uids.ok() ? *uids : std::vector<std::uint32_t>{};
  }
  std::unique_ptr<DovecotServer> server_;
};

TEST_F(ImapIntegration, ReplyAndBounceAreFetchedAndSorted) {
  EmailConnector c = sender();
  ASSERT_TRUE(server_->deliver("replies", reply_to(c, "c9:s1:k1")));
  ASSERT_TRUE(server_->deliver("replies", dsn_for(c, "c9:s1:k2")));
  ASSERT_TRUE(server_->deliver("replies", "From: nieuwsbrief@example.com\r\nTo: replies@gemeente.example.org\r\n"
                                          "Subject: Nieuws\r\nMessage-ID: <n1@example.com>\r\n\r\nHallo\r\n"));
  ImapMailbox box = mailbox();
  auto uids = unseen(box);
  ASSERT_EQ(uids, (std::vector<std::uint32_t>{1, 2, 3}));

  MailboxMatch match;
  match.message_id_domain = "gemeente.example.org";
  std::vector<MailboxItem> items;
  for (std::uint32_t uid : uids) {
    auto fetched = test::fetch_imap(box.fetch(uid));
    ASSERT_EQ(fetched.curl_code, 0) << fetched.error;
    auto item = parse_mailbox_message(fetched.body, match);
    ASSERT_TRUE(item.ok()) << item.error().what();
    items.push_back(*item);
  }

  ASSERT_TRUE(std::holds_alternative<MailboxReply>(items[0]));
  const auto& reply = std::get<MailboxReply>(items[0]);
  EXPECT_EQ(reply.client_ref, "c9:s1:k1");
  EXPECT_EQ(reply.in_reply_to, c.message_id("c9:s1:k1"));
  EXPECT_EQ(reply.message.from.str(), "mailto:ouder@example.org");
  EXPECT_EQ(reply.message.provider_message_id, "CAF=reply-1@mail.example.org");
  EXPECT_EQ(reply.message.text, "Ja, graag. Ik ben bereikbaar na 18:00 – groet, Fatma");

  ASSERT_TRUE(std::holds_alternative<MailboxBounce>(items[1]));
  const auto& bounce = std::get<MailboxBounce>(items[1]);
  EXPECT_EQ(bounce.client_ref, "c9:s1:k2");
  EXPECT_EQ(bounce.recipient, "onbekend@example.org");
  EXPECT_EQ(bounce.status.provider_id, c.message_id("c9:s1:k2"));
  EXPECT_EQ(bounce.status.state, DeliveryState::undelivered);
  EXPECT_EQ(bounce.status.reason, "5.1.1 550 5.1.1 <onbekend@example.org>: User unknown");

  ASSERT_TRUE(std::holds_alternative<MailboxOther>(items[2]));
  EXPECT_EQ(std::get<MailboxOther>(items[2]).why, "not a reply to an outreach message");

  // Fetching marked them seen; mark_seen is accepted too; nothing is left unseen.
  auto marked = test::fetch_imap(box.mark_seen(1));
  EXPECT_EQ(marked.curl_code, 0) << marked.error;
  EXPECT_TRUE(unseen(box).empty());
  // A later message gets the next UID and is the only one listed from there on.
  ASSERT_TRUE(server_->deliver("replies", reply_to(c, "c9:s1:k3")));
  EXPECT_EQ(unseen(box), std::vector<std::uint32_t>{4});
  auto from4 = test::fetch_imap(box.search_from_uid(4));
  EXPECT_EQ(*parse_search_response(from4.body), std::vector<std::uint32_t>{4});
}

TEST_F(ImapIntegration, WrongPasswordFailsToLogIn) {
  auto r = test::fetch_imap(mailbox("wrong").search_unseen());
  EXPECT_NE(r.curl_code, 0);
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
}  // namespace outreach::channels
