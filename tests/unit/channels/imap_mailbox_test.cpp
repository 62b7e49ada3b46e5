#include "channels/imap_mailbox.h"

#include <gtest/gtest.h>

namespace outreach::channels {
namespace {

// A Thunderbird reply to one of our messages: quoted-printable UTF-8, Dutch attribution line.
const char kThunderbirdReply[] =
    "Return-Path: <ouder@example.org>\r\n"
    "Delivered-To: reply+c7=3As2=3Ak42@gemeente.example.org\r\n"
    "Received: from mx.example.org (mx.example.org [192.0.2.10])\r\n"
    "\tby mail.gemeente.example.org (Postfix) with ESMTPS id 4Q1xYz\r\n"
    "\tfor <reply+c7=3As2=3Ak42@gemeente.example.org>; Mon, 23 Nov 2026 09:15:04 +0100 (CET)\r\n"
    "Message-ID: <5f2c1a9e-7b3d-4c1e-9a2f-0d6e8b7c4a21@example.org>\r\n"
    "Date: Mon, 23 Nov 2026 09:15:02 +0100\r\n"
    "MIME-Version: 1.0\r\n"
    "User-Agent: Mozilla Thunderbird\r\n"
    "Subject: Re: Wij willen u helpen\r\n"
    "Content-Language: nl\r\n"
    "To: Gemeente Rotterdam <reply+c7=3As2=3Ak42@gemeente.example.org>\r\n"
    "References: <c7=3As2=3Ak42.0123456789abcdef@gemeente.example.org>\r\n"
    "In-Reply-To: <c7=3As2=3Ak42.0123456789abcdef@gemeente.example.org>\r\n"
    "From: =?UTF-8?Q?Fatma_Y=C4=B1lmaz?= <ouder@example.org>\r\n"
    "Content-Type: multipart/alternative;\r\n"
    " boundary=\"------------a1b2c3d4e5f6\"\r\n"
    "\r\n"
    "This is a multi-part message in MIME format.\r\n"
    "--------------a1b2c3d4e5f6\r\n"
    "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Ja, ik wil graag hulp. Bel me na 18:00 op 06-12345678.\r\n"
    "Groet, Fatma Y=C4=B1lmaz\r\n"
    "\r\n"
    "Op 22-11-2026 om 21:41 schreef Gemeente Rotterdam:\r\n"
    "> Beste ouder,\r\n"
    "> Bel ons gerust.\r\n"
    "\r\n"
    "--------------a1b2c3d4e5f6\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "<html><body><p>Ja, ik wil graag hulp.</p><blockquote>Beste ouder</blockquote></body></html>\r\n"
    "\r\n"
    "--------------a1b2c3d4e5f6--\r\n";

// An Outlook-style reply without In-Reply-To, Latin-1 in base64, answering the Reply-To address.
const char kOutlookReply[] =
    "Message-ID: <AM0PR01MB1234.eurprd01.prod.outlook.com>\r\n"
    "From: \"Jansen, P.\" <p.jansen@example.org>\r\n"
    "To: \"reply+c7=3As2=3Ak99@gemeente.example.org\" <reply+c7=3As2=3Ak99@gemeente.example.org>\r\n"
    "Subject: RE: Wij willen u helpen\r\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
    "Content-Type: text/plain; charset=\"iso-8859-1\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "MIME-Version: 1.0\r\n"
    "\r\n"
    "R2VlbiBiZWhvZWZ0ZSBhYW4gaHVscCwgZGFuayB1LiBDYWbpIGRpY2h0Lg0KDQotLS0tLU9vcnNw\r\n"
    "cm9ua2VsaWprIGJlcmljaHQtLS0tLQ0KVmFuOiBHZW1lZW50ZQ0K\r\n";

// A Postfix bounce (RFC 3464 DSN) for a message of ours, original headers attached.
const char kPostfixBounce[] =
    "Return-Path: <>\r\n"
    "Delivered-To: bounces@gemeente.example.org\r\n"
    "Date: Sun, 22 Nov 2026 21:41:41 +0100 (CET)\r\n"
    "From: MAILER-DAEMON@mail.gemeente.example.org (Mail Delivery System)\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "To: bounces@gemeente.example.org\r\n"
    "Auto-Submitted: auto-replied\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/report; report-type=delivery-status;\r\n"
    "\tboundary=\"8B2C01A0F3.1795899701/mail.gemeente.example.org\"\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "Message-Id: <20261122204141.9A1B21A0F4@mail.gemeente.example.org>\r\n"
    "\r\n"
    "This is a MIME-encapsulated message.\r\n"
    "\r\n"
    "--8B2C01A0F3.1795899701/mail.gemeente.example.org\r\n"
    "Content-Description: Notification\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "This is the mail system at host mail.gemeente.example.org.\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not\r\n"
    "be delivered to one or more recipients.\r\n"
    "\r\n"
    "<onbekend@example.org>: host mx.example.org[192.0.2.25] said: 550 5.1.1\r\n"
    "    <onbekend@example.org>: Recipient address rejected: User unknown in virtual\r\n"
    "    mailbox table (in reply to RCPT TO command)\r\n"
    "\r\n"
    "--8B2C01A0F3.1795899701/mail.gemeente.example.org\r\n"
    "Content-Description: Delivery report\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mail.gemeente.example.org\r\n"
    "X-Postfix-Queue-ID: 8B2C01A0F3\r\n"
    "X-Postfix-Sender: rfc822; bounces@gemeente.example.org\r\n"
    "Arrival-Date: Sun, 22 Nov 2026 21:41:39 +0100 (CET)\r\n"
    "\r\n"
    "Final-Recipient: rfc822; onbekend@example.org\r\n"
    "Original-Recipient: rfc822;onbekend@example.org\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; mx.example.org\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <onbekend@example.org>: Recipient address\r\n"
    "    rejected: User unknown in virtual mailbox table\r\n"
    "\r\n"
    "--8B2C01A0F3.1795899701/mail.gemeente.example.org\r\n"
    "Content-Description: Undelivered Message Headers\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "Return-Path: <bounces@gemeente.example.org>\r\n"
    "From: Gemeente Rotterdam <outreach@gemeente.example.org>\r\n"
    "To: onbekend@example.org\r\n"
    "Subject: Wij willen u helpen\r\n"
    "Date: Sun, 22 Nov 2026 20:41:39 +0000\r\n"
    "Message-ID: <c7=3As2=3Ak43.fedcba9876543210@gemeente.example.org>\r\n"
    "\r\n"
    "--8B2C01A0F3.1795899701/mail.gemeente.example.org--\r\n";

// A delayed-delivery notice with the original id in the DSN fields (Exchange style).
const char kDelayNotice[] =
    "From: postmaster@example.net\r\n"
    "To: bounces@gemeente.example.org\r\n"
    "Subject: Delivery delayed\r\n"
    "Content-Type: multipart/report; report-type=delivery-status; boundary=b1\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Delivery is delayed.\r\n"
    "--b1\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns;mx.example.net\r\n"
    "Original-Message-ID: <c7=3As2=3Ak44.00112233445566ff@gemeente.example.org>\r\n"
    "\r\n"
    "Final-Recipient: rfc822;traag@example.net\r\n"
    "Action: delayed\r\n"
    "Status: 4.4.7\r\n"
    "--b1--\r\n";

MailboxMatch ours() {
  MailboxMatch m;
  m.message_id_domain = "gemeente.example.org";
  return m;
}

TEST(ImapMailbox, BuildsCurlImapRequests) {
  auto s = validate_imap_settings({"imap://127.0.0.1:1143/", "INBOX", "outreach", "pw", false});
  ASSERT_TRUE(s.ok()) << s.error().what();
  ImapMailbox box(*s);
  EXPECT_EQ(box.search_unseen().url, "imap://127.0.0.1:1143/INBOX");
  EXPECT_EQ(box.search_unseen().custom_request, "UID SEARCH UNSEEN");
  EXPECT_EQ(box.search_from_uid(5).custom_request, "UID SEARCH UID 5:*");
  EXPECT_EQ(box.fetch(7).url, "imap://127.0.0.1:1143/INBOX;UID=7");
  EXPECT_EQ(box.fetch(7).custom_request, "");
  EXPECT_EQ(box.fetch(7).username, "outreach");
  EXPECT_EQ(box.mark_seen(7).custom_request, "UID STORE 7 +FLAGS (\\Seen)");
  EXPECT_FALSE(box.fetch(7).starttls);
}

TEST(ImapMailbox, SettingsErrorsNameTheKey) {
  EXPECT_EQ(validate_imap_settings({"http://x", "INBOX", "u"}).error().what(),
            "imap.url: must start with imap:// or imaps://, got 'http://x'");
  EXPECT_EQ(validate_imap_settings({"imap://x/INBOX", "INBOX", "u"}).error().what(),
            "imap.url: give the server only (imap://host:port); the mailbox is imap.mailbox");
  EXPECT_EQ(validate_imap_settings({"imap://x", "IN;BOX", "u"}).error().what(),
            "imap.mailbox: must be a mailbox name without ';', '?' or '#', got 'IN;BOX'");
  EXPECT_EQ(validate_imap_settings({"imap://x", "INBOX", ""}).error().what(), "imap.username: must not be empty");
}

TEST(ImapMailbox, ParsesSearchResponses) {
  EXPECT_EQ(*parse_search_response("* SEARCH 1 2 10\r\n"), (std::vector<std::uint32_t>{1, 2, 10}));
  EXPECT_TRUE(parse_search_response("* SEARCH\r\n")->empty());
  EXPECT_TRUE(parse_search_response("")->empty());
  EXPECT_EQ(*parse_search_response("* OK still here\r\n* SEARCH 4 (MODSEQ 917162500)\r\n"),
            std::vector<std::uint32_t>{4});
  EXPECT_EQ(parse_search_response("* SEARCH 1 x2\r\n").error().what(), "imap search: unexpected 'x2'");
}

TEST(MailboxMessage, AMailToTheUnsubscribeAddressIsAnUnsubscribe) {
  const std::string mail =
      "From: Ouder <ouder@example.org>\r\n"
      "To: Afmelden@Gemeente.example.org\r\n"
      "Subject: unsubscribe\r\n"
      "Message-ID: <u1@example.org>\r\n"
      "\r\n"
      "unsubscribe\r\n";
  MailboxMatch m = ours();
  m.unsubscribe_address = "afmelden@gemeente.example.org";
  auto item = parse_mailbox_message(mail, m);
  ASSERT_TRUE(item.ok()) << item.error().what();
  ASSERT_TRUE(std::holds_alternative<MailboxUnsubscribe>(*item));
  EXPECT_EQ(std::get<MailboxUnsubscribe>(*item).from.str(), "mailto:ouder@example.org");
  EXPECT_EQ(std::get<MailboxUnsubscribe>(*item).message_id, "u1@example.org");
  auto without = parse_mailbox_message(mail, ours());
  ASSERT_TRUE(without.ok());
  EXPECT_TRUE(std::holds_alternative<MailboxOther>(*without)) << "no unsubscribe address configured";
}

TEST(MailboxMessage, ThunderbirdReplyBecomesInboundWithoutTheQuote) {
  auto item = parse_mailbox_message(kThunderbirdReply, ours());
  ASSERT_TRUE(item.ok()) << item.error().what();
  ASSERT_TRUE(std::holds_alternative<MailboxReply>(*item));
  const auto& r = std::get<MailboxReply>(*item);
  EXPECT_EQ(r.client_ref, "c7:s2:k42");
  EXPECT_EQ(r.in_reply_to, "c7=3As2=3Ak42.0123456789abcdef@gemeente.example.org");
  EXPECT_EQ(r.message.provider_message_id, "5f2c1a9e-7b3d-4c1e-9a2f-0d6e8b7c4a21@example.org");
  EXPECT_EQ(r.message.from.str(), "mailto:ouder@example.org");
  EXPECT_EQ(r.message.text, "Ja, ik wil graag hulp. Bel me na 18:00 op 06-12345678.\nGroet, Fatma Yılmaz");
  ASSERT_TRUE(r.message.at);
  EXPECT_EQ(core::format_utc(*r.message.at), "2026-11-23T08:15:02.000Z");
}

TEST(MailboxMessage, ReplyMatchedByPlusAddressAndLatin1Base64) {
  auto item = parse_mailbox_message(kOutlookReply, ours());
  ASSERT_TRUE(item.ok()) << item.error().what();
  ASSERT_TRUE(std::holds_alternative<MailboxReply>(*item));
  const auto& r = std::get<MailboxReply>(*item);
  EXPECT_EQ(r.client_ref, "c7:s2:k99");
  EXPECT_EQ(r.in_reply_to, "");
  EXPECT_EQ(r.message.from.str(), "mailto:p.jansen@example.org");
  EXPECT_EQ(r.message.text, "Geen behoefte aan hulp, dank u. Café dicht.");
}

TEST(MailboxMessage, PostfixDsnBecomesUndeliveredStatus) {
  auto item = parse_mailbox_message(kPostfixBounce, ours());
  ASSERT_TRUE(item.ok()) << item.error().what();
  ASSERT_TRUE(std::holds_alternative<MailboxBounce>(*item));
  const auto& b = std::get<MailboxBounce>(*item);
  EXPECT_EQ(b.recipient, "onbekend@example.org");
  EXPECT_EQ(b.client_ref, "c7:s2:k43");
  EXPECT_EQ(b.status.provider_id, "c7=3As2=3Ak43.fedcba9876543210@gemeente.example.org");
  EXPECT_EQ(b.status.state, DeliveryState::undelivered);
  EXPECT_EQ(b.status.reason,
            "5.1.1 550 5.1.1 <onbekend@example.org>: Recipient address rejected: User unknown in virtual mailbox table");
  ASSERT_TRUE(b.status.at);
  EXPECT_EQ(core::format_utc(*b.status.at), "2026-11-22T20:41:39.000Z");
}

TEST(MailboxMessage, DelayNoticeIsNotABounce) {
  auto item = parse_mailbox_message(kDelayNotice, ours());
  ASSERT_TRUE(item.ok());
  ASSERT_TRUE(std::holds_alternative<MailboxOther>(*item));
  EXPECT_EQ(std::get<MailboxOther>(*item).why, "delivery delayed");
}

TEST(MailboxMessage, OriginalMessageIdFieldIsUsedWhenPresent) {
  std::string failed = kDelayNotice;
  failed.replace(failed.find("Action: delayed"), 15, "Action: failed");
  failed.replace(failed.find("Status: 4.4.7"), 13, "Status: 5.4.7");
  auto item = parse_mailbox_message(failed, ours());
  ASSERT_TRUE(item.ok());
  ASSERT_TRUE(std::holds_alternative<MailboxBounce>(*item));
  const auto& b = std::get<MailboxBounce>(*item);
  EXPECT_EQ(b.status.provider_id, "c7=3As2=3Ak44.00112233445566ff@gemeente.example.org");
  EXPECT_EQ(b.status.reason, "5.4.7");
  EXPECT_EQ(b.recipient, "traag@example.net");
}

TEST(MailboxMessage, AutoRepliesAndUnrelatedMailAreOther) {
  std::string ooo = kThunderbirdReply;
  ooo.insert(0, "Auto-Submitted: auto-replied\r\n");
  auto item = parse_mailbox_message(ooo, ours());
  ASSERT_TRUE(item.ok());
  ASSERT_TRUE(std::holds_alternative<MailboxOther>(*item));
  EXPECT_EQ(std::get<MailboxOther>(*item).why, "auto-reply");

  auto spam = parse_mailbox_message(
      "From: Win <win@example.com>\r\nTo: info@gemeente.example.org\r\nSubject: =?UTF-8?Q?Gratis_=E2=82=AC?=\r\n"
      "Message-ID: <x@example.com>\r\n\r\nhi\r\n",
      ours());
  ASSERT_TRUE(spam.ok());
  const auto& o = std::get<MailboxOther>(*spam);
  EXPECT_EQ(o.why, "not a reply to an outreach message");
  EXPECT_EQ(o.subject, "Gratis €");
  EXPECT_EQ(o.message_id, "x@example.com");

  // A Message-ID of our shape on another domain does not count when the domain is configured.
  const std::string foreign =
      "From: a@example.org\r\nTo: info@gemeente.example.org\r\nMessage-ID: <y@example.org>\r\n"
      "In-Reply-To: <c7=3As2=3Ak42.0123456789abcdef@elsewhere.example.net>\r\n\r\nhoi\r\n";
  auto f = parse_mailbox_message(foreign, ours());
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(std::holds_alternative<MailboxOther>(*f));
  auto any_domain = parse_mailbox_message(foreign, MailboxMatch{});
  ASSERT_TRUE(any_domain.ok());
  EXPECT_TRUE(std::holds_alternative<MailboxReply>(*any_domain));
}

TEST(MailboxMessage, StripQuotedKeepsOwnLines) {
  EXPECT_EQ(strip_quoted("Ja graag\n\nOn Mon, 23 Nov 2026, Team <a@b> wrote:\n> old\n>> older\n"), "Ja graag");
  EXPECT_EQ(strip_quoted("> quoted first\nmijn antwoord\n"), "mijn antwoord");
  EXPECT_EQ(strip_quoted("Nee.\n-----Original Message-----\nFrom: x\n"), "Nee.");
  EXPECT_EQ(strip_quoted("Ik heb een vraag: wanneer?\n"), "Ik heb een vraag: wanneer?");
}

// A reply is a keyword only when it is nothing but the word: "STOP" sent from a phone arrives with
// the app's line under it, and must still be STOP.
TEST(MailboxMessage, StripQuotedDropsThePhonesLineAndTheSignature) {
  EXPECT_EQ(strip_quoted("STOP\n\nVerzonden vanaf mijn iPhone\n"), "STOP");
  EXPECT_EQ(strip_quoted("Stop\r\n\r\nSent from my iPhone\r\n\r\nOn Mon, 23 Nov 2026, Team <a@b> wrote:\r\n> Beste\r\n"),
            "Stop");
  EXPECT_EQ(strip_quoted("JA\n\nGet Outlook for Android<https://aka.ms/AAb9ysg>\n"), "JA");
  EXPECT_EQ(strip_quoted("DUR\niPhone'umdan gönderildi\n"), "DUR");
  EXPECT_EQ(strip_quoted("TAK\n\nWysłane z iPhone'a\n"), "TAK");
  EXPECT_EQ(strip_quoted("نعم\n\nأُرسلت من الـ iPhone الخاص بي\n"), "نعم");
  EXPECT_EQ(strip_quoted("Nee\n-- \nJan de Vries\nBakkerstraat 1\n"), "Nee");
  // Only the app's own line, at the end, under something typed: the person's own words stay.
  EXPECT_EQ(strip_quoted("Ja\nSent from my iPhone, but I mean it: stop\n"), "Ja\nSent from my iPhone, but I mean it: stop");
  EXPECT_EQ(strip_quoted("Verzonden vanaf mijn iPhone\nJa graag\n"), "Verzonden vanaf mijn iPhone\nJa graag");
  EXPECT_EQ(strip_quoted("Verzonden vanaf mijn iPhone\n"), "Verzonden vanaf mijn iPhone");
}

TEST(MailboxMessage, GarbageAndBadSenderAreErrors) {
  EXPECT_FALSE(parse_mailbox_message("", ours()).ok());
  std::string bad = kThunderbirdReply;
  bad.replace(bad.find("<ouder@example.org>\r\nContent-Type"), 19, "<not-an-address>");
  auto r = parse_mailbox_message(bad, ours());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().what(), "From: not an e-mail address: 'not-an-address'");
}

}  // namespace
}  // namespace outreach::channels
