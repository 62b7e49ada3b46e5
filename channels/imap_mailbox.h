#pragma once
// Reading replies and bounces from the reply/bounce mailbox over IMAP.
//
// ImapMailbox only describes what to fetch (URL, credentials, custom command), like a connector
// describes an HTTP request: the caller executes each ImapRequest with a curl easy handle
// (CURLOPT_URL, CURLOPT_USERNAME/PASSWORD, CURLOPT_CUSTOMREQUEST when custom_request is set,
// CURLOPT_USE_SSL=CURLUSESSL_ALL when starttls) and hands the text it received back:
//   1. search_unseen()      -> "* SEARCH 3 4 7"  -> parse_search_response -> {3, 4, 7}
//   2. fetch(uid)           -> the raw RFC 5322 message -> parse_mailbox_message
//   3. mark_seen(uid)       after the result is recorded (fetching BODY[] sets \Seen as well;
//                           mark_seen makes that explicit for servers that open read-only).
// parse_mailbox_message sorts a message into a reply (to one of our messages), a DSN bounce, an
// unsubscribe (a mail to the List-Unsubscribe mailto: address), or other. Pure functions; ImapMailbox is immutable and safe from any thread.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "channels/connector.h"
#include "core/error.h"

namespace outreach::channels {

struct ImapSettings {
  std::string url;       // "imap://mail.example.org:143" or "imaps://mail.example.org:993"
  std::string mailbox = "INBOX";
  std::string username;
  std::string password;
  bool starttls = true;  // require STARTTLS on imap:// (ignored for imaps://)
  std::chrono::milliseconds timeout{30000};
};

// Checks the settings; errors name the key: "imap.url: ...".
core::Result<ImapSettings> validate_imap_settings(ImapSettings settings);

struct ImapRequest {
  std::string url;             // "imap://host:port/INBOX" or ".../INBOX;UID=7"
  std::string custom_request;  // "UID SEARCH UNSEEN"; empty for a plain fetch
  std::string username;
  std::string password;
  bool starttls = false;
  std::chrono::milliseconds timeout{30000};
};

class ImapMailbox {
 public:
  explicit ImapMailbox(ImapSettings settings);

  ImapRequest status() const;                        // STATUS "mailbox" (UIDVALIDITY UIDNEXT)
  ImapRequest search_unseen() const;                 // UID SEARCH UNSEEN
  ImapRequest search_from_uid(std::uint32_t first) const;  // UID SEARCH UID first:*
  ImapRequest fetch(std::uint32_t uid) const;        // the whole message (BODY[])
  ImapRequest mark_seen(std::uint32_t uid) const;    // UID STORE uid +FLAGS (\Seen)

  const ImapSettings& settings() const { return settings_; }

 private:
  std::string mailbox_url() const;
  ImapRequest base(std::string url, std::string custom) const;
  ImapSettings settings_;
};

// UIDVALIDITY and UIDNEXT from an untagged STATUS answer
// ("* STATUS INBOX (UIDVALIDITY 1700000000 UIDNEXT 5)").
struct ImapMailboxStatus {
  std::uint32_t uid_validity = 0;
  std::uint32_t uid_next = 0;
};
core::Result<ImapMailboxStatus> parse_status_response(std::string_view text);

// UIDs from an untagged SEARCH answer ("* SEARCH 1 2 3\r\n"); empty answer -> empty list.
core::Result<std::vector<std::uint32_t>> parse_search_response(std::string_view text);

// A person's reply to one of our messages.
struct MailboxReply {
  std::string client_ref;   // from the reply+<ref>@ address or our Message-ID in In-Reply-To
  std::string in_reply_to;  // our Message-ID it answers, when the client kept it
  InboundMessage message;   // provider_message_id = the reply's Message-ID; from = mailto:<sender>
};

// A delivery status notification saying a message of ours could not be delivered.
struct MailboxBounce {
  std::string client_ref;   // when the original Message-ID is one of ours
  std::string recipient;    // the address that failed (Final-Recipient)
  StatusUpdate status;      // provider_id = original Message-ID, state undelivered, reason "5.1.1 ..."
};

// Anything else (auto-replies, delayed-delivery notices, spam): kept for an operator to read.
struct MailboxOther {
  std::string message_id;
  std::string from;
  std::string subject;
  std::string why;  // "not a reply to an outreach message", "auto-reply", "delivery delayed"
};

// A mail to our List-Unsubscribe mailto: address: the sender asks for no more e-mail.
struct MailboxUnsubscribe {
  std::string message_id;  // the mail's Message-ID (or a hash of it when it has none)
  core::Urn from;          // mailto:<sender>
};

using MailboxItem = std::variant<MailboxReply, MailboxBounce, MailboxOther, MailboxUnsubscribe>;

struct MailboxMatch {
  std::string reply_local_part = "reply";  // matches "<reply_local_part>+<ref>@..."
  std::string message_id_domain;           // when set, only "<ref>.<hash>@<domain>" ids are ours
  std::string unsubscribe_address;         // when set, a mail to it (To, Cc, Delivered-To) is an unsubscribe
};

// Sorts one fetched message. Errors only for text that is not a message at all or a reply whose
// sender address is unusable ("From: not an e-mail address: ...").
core::Result<MailboxItem> parse_mailbox_message(std::string_view raw, const MailboxMatch& match = {});

// The reply text without the quoted previous message: drops lines starting with '>' and the
// attribution line just above them ("On ... wrote:", "Op ... schreef ...:"), everything from a
// signature separator ("-- ") or a forwarded-original marker on, the line a phone or mail app adds
// at the end ("Verzonden vanaf mijn iPhone", "Sent from my iPhone", "Get Outlook for Android"), and
// trims. A reply "STOP" from a phone is then "STOP", which the keywords recognise.
std::string strip_quoted(std::string_view text);

}  // namespace outreach::channels
