// MailboxPoller against a real Dovecot on loopback (tests/support/imap_server.h) and a SQLite
// database file: an e-mail campaign is sent through a FakeSender whose provider ids are the
// connector's Message-IDs, replies and a bounce are placed in the mailbox, and the poller reads them
// on an io_context through CurlMulti. Waits are bounded by a deadline, never fixed sleeps.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "channels/email_connector.h"
#include "channels/imap_mailbox.h"
#include "net/curl_multi.h"
#include "engine/inbound.h"
#include "engine/mailbox_poller.h"
#include "services/unsubscribe.h"
#include "net/asio.h"
#include "storage/consent_ledger.h"
#include "storage/response_store.h"
#include "tests/support/engine_fixture.h"
#include "tests/support/imap_server.h"
#include "storage/mailbox_state.h"
#include "tests/support/require_tool.h"

namespace outreach::test {
namespace {

using engine::MailboxPoller;
using engine::MailboxPollReport;

channels::EmailConnector email_connector() {
  channels::EmailSettings s;
  s.smtp_url = "smtp://127.0.0.1:25";
  s.from_address = "outreach@gemeente.example.org";
  s.bounce_address = "bounces@gemeente.example.org";
  s.message_id_secret = "integration";
  return channels::EmailConnector(*channels::validate_email_settings(s));
}

class MailboxPollerTest : public EngineTest {
 protected:
  MailboxPollerTest() : connector_(email_connector()) {
    // A database file rather than the fixture's in-memory one, set up again the same way.
    dir_ = make_temp_dir("outreach-mailbox-poller");
    db = storage::Database::open(dir_ + "/outreach.db").take();
    add_region("rijnmond", "GM0599");
    add_municipality("GM0599", "rijnmond");
    add_municipality("GM0606", "rijnmond");
    // The e-mail provider's id for a message is its Message-ID, as ConnectorSender does it.
    email.rule = [this](const FakeSend& s) { return sent_outcome(connector_.message_id(s.client_ref)); };
    inbound_ = std::make_unique<engine::InboundProcessor>(*db, clock, config, &email);  // confirms by e-mail
  }
  ~MailboxPollerTest() override {
    poller_.reset();
    inbound_.reset();
    dispatcher_.reset();
    desk_.reset();
    db.reset();
    remove_tree(dir_);
  }

  void SetUp() override {
    server_ = std::make_unique<DovecotServer>();
    OUTREACH_REQUIRE_TOOL(server_->ok(), "Dovecot unavailable: " << server_->error());
  }

  // Persons 1..3 (phone, e-mail, consent) each got the first message of an e-mail campaign.
  void contact_three() {
    for (int n = 1; n <= 3; ++n) person(n);
    launch(campaign_yaml("mail", one_step("[email]")));
    run();
    ASSERT_EQ(email.sends.size(), 3u);
  }
  const FakeSend& sent_to(int n) {
    for (const auto& s : email.sends)
      if (s.to == "mailto:p" + std::to_string(n) + "@example.nl") return s;
    throw std::runtime_error("nothing sent to person " + std::to_string(n));
  }

  channels::ImapMailbox mailbox(std::string password = DovecotServer::password()) const {
    channels::ImapSettings s;
    s.url = server_->url();
    s.username = "replies";
    s.password = std::move(password);
    s.starttls = false;  // loopback Dovecot without TLS
    s.timeout = std::chrono::seconds(10);
    return channels::ImapMailbox(channels::validate_imap_settings(s).take());
  }
  MailboxPoller& poller(std::string password = DovecotServer::password(), bool keep_state = false) {
    engine::MailboxPollerOptions o;
    if (keep_state) o.state_db = db.get();
    o.interval = std::chrono::hours(1);  // only the first timer tick polls; tests poll by hand
    o.match.message_id_domain = "gemeente.example.org";
    o.match.unsubscribe_address = "afmelden@gemeente.example.org";
    o.on_unsubscribe = on_unsubscribe_;
    poller_ = std::make_unique<MailboxPoller>(io_, multi_, mailbox(std::move(password)), *inbound_, clock, o);
    poller_->set_on_pass_done([this](const MailboxPollReport& r) { reports_.push_back(r); });
    return *poller_;
  }
  // Runs the io_context until the poller finished one more pass (20 s at most).
  std::optional<MailboxPollReport> next_pass() {
    const std::size_t before = reports_.size();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (reports_.size() == before && std::chrono::steady_clock::now() < deadline) {
      io_.run_one_for(std::chrono::milliseconds(100));
    }
    if (reports_.size() == before) return std::nullopt;
    return reports_.back();
  }
  std::optional<MailboxPollReport> poll_now() {
    EXPECT_TRUE(poller_->run_due(clock.now()));
    return next_pass();
  }
  std::vector<std::uint32_t> unseen() {
    auto r = fetch_imap(mailbox().search_unseen());
    EXPECT_EQ(r.curl_code, 0) << r.error;
    return channels::parse_search_response(r.body).take();
  }
  void mark_all_unseen() {
    auto req = mailbox().mark_seen(1);
    req.custom_request = "UID STORE 1:* -FLAGS (\\Seen)";
    auto r = fetch_imap(req);
    ASSERT_EQ(r.curl_code, 0) << r.error;
  }

  // A reply from person n to the message it got, with the quoted original below the text.
  std::string reply_from(int n, const std::string& message_id, const std::string& text) {
    const std::string ours = connector_.message_id(sent_to(n).client_ref);
    return "Message-ID: <" + message_id + ">\r\n"
           "Date: Mon, 02 Nov 2026 10:15:02 +0100\r\n"
           "From: Persoon " + std::to_string(n) + " <p" + std::to_string(n) + "@example.nl>\r\n"
           "To: " + connector_.reply_address(sent_to(n).client_ref) + "\r\n"
           "Subject: Re: Hulp\r\n"
           "In-Reply-To: <" + ours + ">\r\n"
           "References: <" + ours + ">\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=UTF-8\r\n"
           "\r\n" + text + "\r\n"
           "\r\n"
           "Op ma 2 nov 2026 om 10:00 schreef Herstelteam <outreach@gemeente.example.org>:\r\n"
           "> Beste Persoon " + std::to_string(n) + ",\r\n";
  }
  // The mail server's report that the message to person n could not be delivered.
  std::string bounce_for(int n) {
    const std::string rcpt = "p" + std::to_string(n) + "@example.nl";
    return "Date: Mon, 02 Nov 2026 09:01:41 +0100\r\n"
           "From: MAILER-DAEMON@mail.gemeente.example.org (Mail Delivery System)\r\n"
           "Subject: Undelivered Mail Returned to Sender\r\n"
           "To: bounces@gemeente.example.org\r\n"
           "Auto-Submitted: auto-replied\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B0\"\r\n"
           "Message-Id: <20261102080141.B0@mail.gemeente.example.org>\r\n"
           "\r\n"
           "--B0\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n"
           "--B0\r\nContent-Type: message/delivery-status\r\n\r\n"
           "Reporting-MTA: dns; mail.gemeente.example.org\r\n\r\n"
           "Final-Recipient: rfc822; " + rcpt + "\r\n"
           "Action: failed\r\n"
           "Status: 5.1.1\r\n"
           "Diagnostic-Code: smtp; 550 5.1.1 <" + rcpt + ">: User unknown\r\n\r\n"
           "--B0\r\nContent-Type: message/rfc822\r\n\r\n"
           "From: outreach@gemeente.example.org\r\nTo: " + rcpt + "\r\nSubject: Hulp\r\n"
           "Message-ID: <" + connector_.message_id(sent_to(n).client_ref) + ">\r\n\r\nBeste Persoon\r\n"
           "--B0--\r\n";
  }
  static std::string newsletter() {
    return "From: nieuwsbrief@example.com\r\nTo: replies@gemeente.example.org\r\n"
           "Subject: Nieuws\r\nMessage-ID: <n1@example.com>\r\n\r\nHallo\r\n";
  }
  void deliver(const std::string& raw) { ASSERT_TRUE(server_->deliver("replies", raw)); }

  bool has_consent(int n) { return storage::ConsentLedger(*db).has_consent(contact_id(n), "outreach", "email"); }
  std::int64_t contact_id(int n) {
    return sql_int("SELECT contact_id FROM contact_urns WHERE urn = 'mailto:p" + std::to_string(n) + "@example.nl'");
  }

  channels::EmailConnector connector_;
  std::string dir_;
  std::unique_ptr<DovecotServer> server_;
  asio::io_context io_;
  net::CurlMulti multi_{io_};
  std::unique_ptr<engine::InboundProcessor> inbound_;
  std::unique_ptr<MailboxPoller> poller_;
  std::vector<MailboxPollReport> reports_;
  std::function<core::Result<bool>(const core::Urn&, const std::string&)> on_unsubscribe_;
};

TEST_F(MailboxPollerTest, AMailToTheUnsubscribeAddressWithdrawsEmailConsentForItsSender) {
  contact_three();
  services::Unsubscribe unsubscribe(*db, clock, std::string(32, 'u'));
  on_unsubscribe_ = [&](const core::Urn& from, const std::string& id) { return unsubscribe.withdraw_address(from, "imap:" + id); };
  deliver("From: Persoon 2 <p2@example.nl>\r\nTo: afmelden@gemeente.example.org\r\n"
          "Subject: unsubscribe\r\nMessage-ID: <u2@example.nl>\r\n\r\nunsubscribe\r\n");
  poller().start();
  auto pass = next_pass();
  ASSERT_TRUE(pass) << "no poll within 20 s\n" << server_->log();
  EXPECT_EQ(pass->unsubscribes, 1u);
  EXPECT_EQ(pass->failed, 0u);
  EXPECT_FALSE(has_consent(2));
  EXPECT_TRUE(has_consent(1));
  EXPECT_EQ(sql_text("SELECT source || ' ' || channel FROM consent_events ORDER BY id DESC LIMIT 1"),
            "unsubscribe_mailto email");
  EXPECT_TRUE(unseen().empty());
  mark_all_unseen();
  auto replay = poll_now();
  ASSERT_TRUE(replay);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events WHERE source = 'unsubscribe_mailto'"), 1) << "read twice, recorded once";
}

TEST_F(MailboxPollerTest, RepliesAndABounceAreRecordedOnceAndMarkedSeen) {
  contact_three();
  deliver(reply_from(1, "r1@mail.example.nl", "Graag, bel mij na 18:00."));
  // STOP from a phone, with the line its mail app adds: still STOP.
  deliver(reply_from(2, "r2@mail.example.nl", "STOP\r\n\r\nVerzonden vanaf mijn iPhone"));
  deliver(bounce_for(3));
  deliver(newsletter());
  const auto sends_before = email.sends.size();

  poller().start();  // the first timer tick polls at once
  auto first = next_pass();
  ASSERT_TRUE(first) << "no poll within 20 s\n" << server_->log();
  EXPECT_TRUE(first->searched);
  EXPECT_EQ(first->listed, 4u);
  EXPECT_EQ(first->replies, 2u);
  EXPECT_EQ(first->bounces, 1u);
  EXPECT_EQ(first->other, 1u);
  EXPECT_EQ(first->failed, 0u);
  EXPECT_TRUE(first->errors.empty()) << first->errors.front();

  // The reply became a response of person 1, without the quoted original.
  auto responses = storage::ResponseStore(*db).for_contact(contact_id(1));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].channel, "email");
  EXPECT_EQ(responses[0].provider_message_id, "r1@mail.example.nl");
  EXPECT_EQ(responses[0].text, "Graag, bel mij na 18:00.");
  EXPECT_TRUE(has_consent(1));
  // STOP withdrew person 2's consent and was confirmed by e-mail.
  EXPECT_FALSE(has_consent(2));
  ASSERT_EQ(email.sends.size(), sends_before + 1);
  EXPECT_EQ(email.sends.back().to, "mailto:p2@example.nl");
  // The bounce moved person 3's message to undelivered and marked the address bad.
  EXPECT_EQ(sql_text("SELECT status FROM messages WHERE contact_id = " + std::to_string(contact_id(3))), "undelivered");
  EXPECT_EQ(sql_int("SELECT bad FROM contact_urns WHERE urn = 'mailto:p3@example.nl'"), 1);
  EXPECT_EQ(sql_int("SELECT bad FROM contact_urns WHERE urn = 'mailto:p1@example.nl'"), 0);
  EXPECT_TRUE(unseen().empty());

  // A second poll finds nothing new.
  const auto responses_count = storage::ResponseStore(*db).count();
  const auto consent_events = sql_int("SELECT count(*) FROM consent_events");
  auto second = poll_now();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->listed, 0u);
  // Reading everything again (as after a failure between fetch and mark-seen) records nothing twice.
  mark_all_unseen();
  auto replay = poll_now();
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->listed, 4u);
  EXPECT_EQ(replay->replies, 0u);
  EXPECT_EQ(replay->duplicates, 2u);
  EXPECT_EQ(storage::ResponseStore(*db).count(), responses_count);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events"), consent_events);
  EXPECT_EQ(email.sends.size(), sends_before + 1) << "the STOP is confirmed once";
  EXPECT_EQ(sql_text("SELECT status FROM messages WHERE contact_id = " + std::to_string(contact_id(3))), "undelivered");

  // A new reply is picked up by the next poll; stop() then ends cleanly.
  deliver(reply_from(1, "r3@mail.example.nl", "Ja"));
  auto third = poll_now();
  ASSERT_TRUE(third);
  EXPECT_EQ(third->listed, 1u);
  EXPECT_EQ(third->replies, 1u);
  bool stopped = false;
  poller_->stop([&] { stopped = true; });
  io_.run_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(stopped);
  EXPECT_FALSE(poller_->run_due(clock.now())) << "a stopped poller does not poll";
}

TEST_F(MailboxPollerTest, AMessageThatCannotBeRecordedIsLeftUnseenAndReadAgainLater) {
  contact_three();
  deliver(reply_from(1, "r1@mail.example.nl", "Graag"));
  poller();
  db->sqlite().exec("ALTER TABLE responses RENAME TO responses_away");  // recording fails
  auto failed = poll_now();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->listed, 1u);
  EXPECT_EQ(failed->replies, 0u);
  EXPECT_EQ(failed->failed, 1u);
  ASSERT_EQ(failed->errors.size(), 1u);
  EXPECT_EQ(failed->errors[0].rfind("record reply uid 1: ", 0), 0u) << failed->errors[0];
  EXPECT_EQ(unseen(), std::vector<std::uint32_t>{1}) << "fetching set \\Seen; the poller cleared it again";

  db->sqlite().exec("ALTER TABLE responses_away RENAME TO responses");
  auto retried = poll_now();
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->replies, 1u);
  EXPECT_TRUE(retried->errors.empty());
  EXPECT_EQ(storage::ResponseStore(*db).for_contact(contact_id(1)).size(), 1u);
  EXPECT_TRUE(unseen().empty());
}

TEST_F(MailboxPollerTest, ALoginFailureIsReportedAndTheNextPollRetries) {
  contact_three();
  deliver(reply_from(1, "r1@mail.example.nl", "Graag"));
  poller("wrong password");
  auto denied = poll_now();
  ASSERT_TRUE(denied);
  EXPECT_FALSE(denied->searched);
  ASSERT_EQ(denied->errors.size(), 1u);
  EXPECT_EQ(denied->errors[0].rfind("imap search: ", 0), 0u) << denied->errors[0];
  EXPECT_EQ(storage::ResponseStore(*db).count(), 0);
  EXPECT_EQ(unseen(), std::vector<std::uint32_t>{1});

  poller();  // the password fixed
  auto ok = poll_now();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->replies, 1u);
}

TEST_F(MailboxPollerTest, ManyMessagesAreFetchedWithBoundedConcurrency) {
  contact_three();
  for (int i = 0; i < 12; ++i) deliver(reply_from(1 + i % 3, "bulk" + std::to_string(i) + "@mail.example.nl", "Bedankt"));
  poller();
  ASSERT_TRUE(poller_->run_due(clock.now()));
  std::size_t most = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (reports_.empty() && std::chrono::steady_clock::now() < deadline) {
    io_.run_one_for(std::chrono::milliseconds(100));
    most = std::max(most, poller_->in_flight());
  }
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0].replies, 12u);
  EXPECT_LE(most, 4u);
  EXPECT_EQ(storage::ResponseStore(*db).count(), 12);
}

TEST_F(MailboxPollerTest, StopDuringASearchLetsItFinishAndFetchesNothingMore) {
  contact_three();
  for (int i = 0; i < 3; ++i) deliver(reply_from(1 + i, "s" + std::to_string(i) + "@mail.example.nl", "Graag"));
  poller();
  ASSERT_TRUE(poller_->run_due(clock.now()));
  bool stopped = false;
  poller_->stop([&] { stopped = true; });  // the search is in flight
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!stopped && std::chrono::steady_clock::now() < deadline) io_.run_one_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(stopped);
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0].listed, 3u);
  EXPECT_EQ(reports_[0].replies, 0u);
  EXPECT_EQ(poller_->in_flight(), 0u);
  EXPECT_EQ(storage::ResponseStore(*db).count(), 0);
  EXPECT_EQ(unseen(), (std::vector<std::uint32_t>{1, 2, 3})) << "unread messages stay for the next run";
}

// A restarted `serve` (a new poller on the same database) reads from the UID after the last one it
// recorded: a message that was fetched (which sets \Seen) but not recorded before a kill -9 is
// still read, and older mail is not read again.
TEST_F(MailboxPollerTest, WithAStoredLastUidARestartReadsMailSeenButNotRecordedAndNothingOlder) {
  contact_three();
  deliver(reply_from(1, "r1@mail.example.nl", "Graag"));
  deliver(reply_from(2, "r2@mail.example.nl", "Ja"));
  poller(DovecotServer::password(), true);
  auto first = poll_now();
  ASSERT_TRUE(first) << server_->log();
  EXPECT_EQ(first->replies, 2u);
  EXPECT_EQ(first->last_uid, 2u);
  const std::string key = server_->url() + "/INBOX";
  ASSERT_TRUE(storage::MailboxStateStore(*db).get(key));
  EXPECT_EQ(storage::MailboxStateStore(*db).get(key)->last_uid, 2u);

  // The crash: message 3 was fetched (\Seen) and never recorded.
  deliver(reply_from(3, "r3@mail.example.nl", "Bel mij"));
  auto seen = mailbox().mark_seen(3);
  ASSERT_EQ(fetch_imap(seen).curl_code, 0);
  ASSERT_TRUE(unseen().empty());
  poller_.reset();
  poller(DovecotServer::password(), true);
  auto restarted = poll_now();
  ASSERT_TRUE(restarted) << server_->log();
  EXPECT_FALSE(restarted->started_over);
  EXPECT_EQ(restarted->listed, 1u) << "only the message after the stored UID";
  EXPECT_EQ(restarted->replies, 1u);
  EXPECT_EQ(restarted->duplicates, 0u);
  EXPECT_EQ(storage::ResponseStore(*db).for_contact(contact_id(3)).size(), 1u);
  EXPECT_EQ(storage::MailboxStateStore(*db).get(key)->last_uid, 3u);

  auto quiet = poll_now();
  ASSERT_TRUE(quiet);
  EXPECT_EQ(quiet->listed, 0u) << "UID SEARCH UID 4:* lists message 3 again; the poller ignores it";
}

// A message that fails to record holds the mark back, so the next pass reads it again.
TEST_F(MailboxPollerTest, AFailedMessageHoldsTheStoredUidBack) {
  contact_three();
  deliver(reply_from(1, "r1@mail.example.nl", "Graag"));
  poller(DovecotServer::password(), true);
  ASSERT_TRUE(poll_now());
  deliver(reply_from(2, "r2@mail.example.nl", "Ja"));
  db->sqlite().exec("ALTER TABLE responses RENAME TO responses_away");  // recording fails
  auto failed = poll_now();
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->failed, 1u);
  EXPECT_EQ(failed->last_uid, 1u);
  db->sqlite().exec("ALTER TABLE responses_away RENAME TO responses");
  poller_.reset();
  poller(DovecotServer::password(), true);
  auto retried = poll_now();
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->listed, 1u);
  EXPECT_EQ(retried->replies, 1u);
  EXPECT_EQ(retried->last_uid, 2u);
}

// The server renumbered the mailbox (UIDVALIDITY changed): the poller starts over from UID 1 and the
// dedup by Message-ID keeps anything from being recorded twice.
TEST_F(MailboxPollerTest, AChangedUidValidityStartsOverAndRecordsNothingTwice) {
  contact_three();
  deliver(reply_from(1, "r1@mail.example.nl", "Graag"));
  deliver(reply_from(2, "r2@mail.example.nl", "STOP"));
  poller(DovecotServer::password(), true);
  auto first = poll_now();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->replies, 2u);
  const std::string key = server_->url() + "/INBOX";
  auto stored = *storage::MailboxStateStore(*db).get(key);
  ASSERT_TRUE(storage::MailboxStateStore(*db).save(key, {stored.uid_validity + 1, 2}, clock.now()));
  const auto responses = storage::ResponseStore(*db).count();
  const auto consent_events = sql_int("SELECT count(*) FROM consent_events");
  const auto sends = email.sends.size();

  poller_.reset();
  poller(DovecotServer::password(), true);
  auto again = poll_now();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->started_over);
  EXPECT_EQ(again->listed, 2u);
  EXPECT_EQ(again->replies, 0u);
  EXPECT_EQ(again->duplicates, 2u);
  EXPECT_EQ(storage::ResponseStore(*db).count(), responses);
  EXPECT_EQ(sql_int("SELECT count(*) FROM consent_events"), consent_events);
  EXPECT_EQ(email.sends.size(), sends) << "the STOP is not confirmed twice";
  EXPECT_EQ(storage::MailboxStateStore(*db).get(key)->uid_validity, stored.uid_validity);
  EXPECT_EQ(storage::MailboxStateStore(*db).get(key)->last_uid, 2u);
}

}  // namespace
}  // namespace outreach::test
