#pragma once
// MailboxPoller: reads replies and bounces from the reply/bounce mailbox over IMAP, on the
// engine's io_context, without blocking it.
//
// One pass: UID SEARCH UNSEEN, then for each listed UID (at most `max_fetches` at once): fetch the
// message, sort it with channels::parse_mailbox_message, record it, then mark it \Seen.
//   - a reply goes to InboundProcessor::handle(channel, ...), which records it once per
//     Message-ID (its provider_message_id) and acts on keywords;
//   - a bounce goes to InboundProcessor::handle_status(channel, ...), which moves the message whose
//     provider id is the quoted Message-ID to `undelivered` and marks the address bad;
//   - a mail to the unsubscribe address (match.unsubscribe_address) goes to `on_unsubscribe`, which
//     withdraws e-mail consent for the sender (services::Unsubscribe::withdraw_address, wired by
//     app/); without a callback it is left in the mailbox like other mail;
//   - anything else (auto-replies, newsletters) is left in the mailbox, seen, and logged.
// Every transfer is a libcurl easy handle added to the net::CurlMulti; the pass continues from the
// transfers' completion callbacks, so the io_context never waits on the IMAP server. Each IMAP
// command runs on a fresh connection (login + SELECT), because a reused session may still show
// the mailbox as it was after its previous command: about three logins per message read.
//
// Invariants:
//  1. At-least-once reading, exactly-once recording: a message is marked seen only after it was
//     recorded. Fetching BODY[] sets \Seen on the server by itself, so when recording fails the
//     poller clears \Seen again (UID STORE -FLAGS) and the next poll reads the message again; the
//     processor's dedup by Message-ID keeps a replay from being recorded twice.
//  2. At most one pass runs at a time; a poll that falls due during a pass is skipped.
//  3. Errors never stop the poller: each is logged with its operation ("imap search", "imap fetch
//     uid 7", ...) and counted in the pass's report; the next poll retries.
//
// Ownership: `multi`, `inbound` and `clock` must outlive the poller (the io_context too).
// Threading: use only on the thread running the io_context. Destroying the poller cancels its
// transfers without running their callbacks.
//
// With `state_db` set (as `outreach serve` does) the poller also keeps a high-water mark per
// mailbox (storage/mailbox_state.h): the highest UID below which every message was recorded or
// deliberately left, with the mailbox's UIDVALIDITY. A pass then starts with STATUS (UIDVALIDITY,
// UIDNEXT) and searches `UID SEARCH UID last+1:*` instead of UNSEEN, so a crash between fetching
// a message (which sets \Seen) and recording it cannot make the restarted poller skip it, and
// a restart does not read older mail again. The mark is saved as soon as it moves (after each
// message is recorded), never past a message that failed. When the server's UIDVALIDITY differs
// from the stored one the poller starts over from UID 1 and relies on dedup by Message-ID (a
// bounce or unsubscribe read twice changes nothing more). The very first pass on a mailbox
// (nothing stored) reads UNSEEN mail, as without a state, then stores the mark.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "channels/imap_mailbox.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/urn.h"

namespace boost::asio {
class io_context;
}

namespace outreach::net {
class CurlMulti;
}  // namespace outreach::net

namespace outreach::storage {
class Database;
}

namespace outreach::engine {

class InboundProcessor;
class Leadership;

struct MailboxPollerOptions {
  core::Millis interval{60000};   // time between the starts of two passes
  std::size_t max_fetches = 4;    // messages fetched at once
  std::string channel = "email";  // the channel name replies and bounces are recorded under
  channels::MailboxMatch match;   // which addresses and Message-IDs are ours
  // Records a mail to the unsubscribe address from `from` (its Message-ID given for the audit
  // trail); returns whether consent changed. An error leaves the mail unseen for the next poll.
  std::function<core::Result<bool>(const core::Urn& from, const std::string& message_id)> on_unsubscribe;
  // Where the last recorded UID is kept (not owned; must outlive the poller); null: none kept, every
  // pass reads UNSEEN mail.
  storage::Database* state_db = nullptr;
  // Optional (not owned); when set, only the leading engine polls (engine/leadership.h).
  const Leadership* leadership = nullptr;
};

// What one pass did. Counts are messages (UIDs).
struct MailboxPollReport {
  bool searched = false;          // the UID SEARCH succeeded
  bool started_over = false;      // the mailbox's UIDVALIDITY changed: read again from UID 1
  std::uint32_t last_uid = 0;     // the stored high-water mark after the pass (with state_db)
  std::size_t listed = 0;         // unseen messages the search returned
  std::size_t replies = 0;        // recorded as new responses
  std::size_t duplicates = 0;     // replies recorded before (same Message-ID): nothing happened
  std::size_t bounces = 0;        // applied to an outbox row
  std::size_t unknown_bounces = 0;  // bounces whose Message-ID matches no message of ours
  std::size_t unsubscribes = 0;   // mails to the unsubscribe address, recorded
  std::size_t other = 0;          // neither reply nor bounce, or not a message: left seen
  std::size_t failed = 0;         // not recorded; left (or made) unseen for the next poll
  std::vector<std::string> errors;  // "imap fetch uid 7: Login denied", in the order they happened
};

class MailboxPoller {
 public:
  using PassDone = std::function<void(const MailboxPollReport&)>;

  MailboxPoller(boost::asio::io_context& io, net::CurlMulti& multi, channels::ImapMailbox mailbox, InboundProcessor& inbound,
                const core::Clock& clock, MailboxPollerOptions options = {});
  ~MailboxPoller();
  MailboxPoller(const MailboxPoller&) = delete;
  MailboxPoller& operator=(const MailboxPoller&) = delete;

  // Polls at once, then every `interval`.
  void start();
  // Stops polling: no new pass and no new fetch starts; transfers in flight finish, together with
  // the mark-seen (or clear-seen) step of a message already fetched. Then `on_stopped` runs (on
  // the io_context; at once, posted, when nothing is in flight).
  void stop(std::function<void()> on_stopped);

  // Starts a pass when none is running and the poller is not stopping. Returns whether it did.
  // The timer calls it; tests and `outreach serve` may call it to poll now.
  bool run_due(core::TimePoint now);

  // Called after every pass (also a failed one), on the io_context.
  void set_on_pass_done(PassDone done);

  bool passing() const;
  std::size_t in_flight() const;   // IMAP transfers running now
  std::uint64_t passes() const;    // passes completed since construction

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace outreach::engine
