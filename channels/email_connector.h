#pragma once
// E-mail over SMTP. build_send turns a rendered OutboundMessage into a TransportRequest of kind
// smtp carrying the complete RFC 5322 message (multipart/alternative text + HTML, RFC 2047 headers,
// RFC 8058 one-click List-Unsubscribe); curl submits it and does SMTP dot-stuffing.
//
// Identity and replies:
//  1. The Message-ID is a pure function of (client_ref, settings): "<ref>.<hash>@<domain>", so a
//     retry of the same (campaign, step, contact) carries the same id and receivers can dedupe.
//  2. Reply-To is "<reply_local_part>+<ref>@<reply_domain>" (plus-addressing), so a reply names
//     the message it answers even when the person's client drops In-Reply-To.
//  3. The envelope sender (MAIL FROM) is bounce_address, where DSNs arrive; ImapMailbox reads them.
// A client_ref is written into local parts as is when it is [A-Za-z0-9_-] only; any other byte is
// written "=XX" (hex), which decode_ref() reverses.
//
// parse_send cannot see the message, so it takes the provider id from a "Message-ID" response
// header when the transport copies it there; otherwise the engine uses message_id(client_ref) (the
// request also carries it as an informational "Message-ID" header, which curl does not send).
// Immutable after construction; safe from any thread.

#include <chrono>
#include <string>
#include <string_view>

#include "channels/connector.h"
#include "channels/mime_message.h"

namespace outreach::channels {

struct EmailSettings {
  std::string smtp_url;          // "smtp://mail.example.org:587" or "smtps://mail.example.org:465"
  bool starttls = true;          // require STARTTLS on smtp:// (ignored for smtps://)
  std::string username;          // AUTH; empty for none
  std::string password;
  std::string from_address;      // header From and default envelope sender
  std::string from_name;         // display name when the message has no sender_name
  std::string bounce_address;    // envelope MAIL FROM; default from_address
  std::string reply_local_part = "reply";
  std::string reply_domain;      // default: the domain of from_address
  std::string message_id_domain; // default: the domain of from_address
  std::string message_id_secret; // keys the Message-ID hash; may be empty
  std::string unsubscribe_mailto;  // List-Unsubscribe mailto: address; optional
  std::chrono::milliseconds timeout{30000};
};

// Checks the settings and fills the defaults. Errors name the setting: "smtp.from_address: ...".
core::Result<EmailSettings> validate_email_settings(EmailSettings settings);

class EmailConnector final : public Connector {
 public:
  // Requires: settings passed validate_email_settings (the constructor does not re-check).
  explicit EmailConnector(EmailSettings settings);

  std::string_view provider() const override { return "smtp"; }
  bool can_send_to(const core::Urn& to) const override;
  core::Result<TransportRequest> build_send(const OutboundMessage& msg) const override;
  SendOutcome parse_send(const TransportResponse& response) const override;
  // E-mail has no webhooks (replies and bounces arrive over IMAP): both refuse every request.
  core::Status verify_signature(const WebhookRequest& request) const override;
  core::Result<WebhookEvents> parse_webhook(const WebhookRequest& request) const override;

  // "<ref>.<16 hex>@<message_id_domain>", without angle brackets.
  std::string message_id(std::string_view client_ref) const;
  // "<reply_local_part>+<ref>@<reply_domain>".
  std::string reply_address(std::string_view client_ref) const;
  // The message build_send would submit, before serialisation (for previews and digests).
  core::Result<mime::OutgoingMail> build_mail(const OutboundMessage& msg) const;
  // An smtp TransportRequest for a serialised message to one recipient.
  TransportRequest submission(std::string message, std::string recipient) const;

  const EmailSettings& settings() const { return settings_; }

 private:
  EmailSettings settings_;
};

// Whether `url` may be a List-Unsubscribe URL or the base it is built on: https (RFC 8058 requires
// it for one-click), or http on a loopback host (127.0.0.0/8, localhost, [::1]) for local tests,
// where nothing leaves the machine.
bool unsubscribe_url_allowed(std::string_view url);

// The client_ref encoding used in Message-IDs and reply addresses, and its inverse.
std::string encode_ref(std::string_view client_ref);
std::string decode_ref(std::string_view encoded);

// SMTP reply code classification shared by every SMTP sender: 2xx sent, 4xx transient, 5xx
// permanent except authentication failures (530, 534, 535, 538: transient, a configuration fault
// that is not the address's). A transfer that ended without the final reply (no answer, a
// timeout, a 3xx, a 2xx with a transport error) is transient while the message itself was not yet
// written (connect, EHLO, AUTH, MAIL, RCPT), and ambiguous once it was (after DATA the server may
// have queued it).
SendOutcome classify_smtp(const TransportResponse& response);

}  // namespace outreach::channels
