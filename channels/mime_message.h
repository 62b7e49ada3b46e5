#pragma once
// RFC 5322 / MIME for outreach e-mail: a builder for the messages we send and a small parser for
// the messages we read back over IMAP (replies and delivery status notifications).
//
// The builder writes CRLF line endings, keeps every line at most 76 characters (headers folded,
// bodies quoted-printable) and never produces bare CR or LF. SMTP dot-stuffing is the transport's
// job (curl does it). The parser is lenient: it accepts LF or CRLF, folded headers, nested
// multiparts, quoted-printable and base64, and text in any charset glibc iconv knows; what it cannot
// decode becomes U+FFFD, so parsed text is always valid UTF-8.
// All functions are pure and safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/connector.h"
#include "core/clock.h"
#include "core/error.h"

namespace outreach::channels::mime {

// --- encodings -------------------------------------------------------------------------------

std::string base64_encode(std::string_view data);
// Ignores whitespace; refuses other characters outside the alphabet.
core::Result<std::string> base64_decode(std::string_view text);

// Quoted-printable (RFC 2045 6.7) with CRLF hard line breaks and soft breaks keeping lines <= 76.
// Input line breaks (LF or CRLF) become CRLF; trailing spaces and tabs before a break are encoded.
std::string qp_encode(std::string_view text);
// Lenient: a malformed "=" sequence is kept literally, soft breaks ("=\r\n", "=\n") are removed.
std::string qp_decode(std::string_view text);

// A header value as RFC 2047 encoded-words when it is not plain printable ASCII; otherwise the
// text unchanged. Each encoded word is at most 75 characters and never splits a UTF-8 sequence;
// words are separated by "\r\n " (folding) so a header line stays within 76 characters.
// `header_name_length` is the length of "Subject" etc., used to fit the first word on its line.
std::string encode_header_words(std::string_view utf8, std::size_t header_name_length = 0);
// RFC 2047 decoding of a header value: joins adjacent encoded words, converts charsets to UTF-8
// (core::to_utf8). Always valid UTF-8: unknown charsets and bad bytes become U+FFFD.
std::string decode_header_words(std::string_view value);

// "Name <addr>" with the name quoted or encoded as needed; just "addr" when the name is empty.
std::string format_address(std::string_view display_name, std::string_view address,
                           std::size_t header_name_length = 0);

// RFC 5322 date in UTC: "Sun, 22 Nov 2026 20:41:39 +0000".
std::string format_date(core::TimePoint t);
// Parses an RFC 5322 date (with or without weekday, numeric zone or UT/GMT/Z, optional comment).
std::optional<core::TimePoint> parse_date(std::string_view text);

// --- building --------------------------------------------------------------------------------

struct OutgoingMail {
  std::string from_name;
  std::string from_address;
  std::string to_address;
  std::string reply_to;     // empty: no Reply-To header
  std::string subject;      // UTF-8
  std::string message_id;   // without angle brackets: "ref.abc123@outreach.example.org"
  core::TimePoint date;
  std::string text;         // UTF-8 plain text part
  std::string html;         // UTF-8 HTML part; empty means a single text/plain body
  std::string unsubscribe_url;     // https URL for List-Unsubscribe (RFC 8058 one-click)
  std::string unsubscribe_mailto;  // address for List-Unsubscribe mailto:
  std::string boundary;     // multipart boundary; derived from message_id when empty
  Headers extra_headers;    // appended as given (must be ASCII)
};

// The complete message with CRLF line endings.
std::string build_message(const OutgoingMail& mail);

// --- parsing ---------------------------------------------------------------------------------

struct Part {
  Headers headers;           // unfolded, in order; values as written (not RFC 2047 decoded)
  std::string body;          // raw body (still transfer-encoded); empty for multiparts
  std::vector<Part> parts;   // children of a multipart/* part

  // Case-insensitive header lookup; nullptr when absent.
  const std::string* header(std::string_view name) const;
  // Lower-cased media type ("text/plain"); "text/plain" when there is no Content-Type.
  std::string media_type() const;
  // A Content-Type parameter ("charset", "boundary", "report-type"); empty when absent.
  std::string content_type_param(std::string_view name) const;
  // The body with its Content-Transfer-Encoding removed (bytes, not charset-converted).
  std::string decoded_body() const;
  // decoded_body() converted to UTF-8 using the charset parameter (default us-ascii/UTF-8); always
  // valid UTF-8.
  std::string text() const;
  // First part (depth first, this one included) whose media type equals `type`.
  const Part* find(std::string_view type) const;
};

// Parses a message or an entity. Refuses text with no header/body structure at all.
core::Result<Part> parse_message(std::string_view raw);

// Header block parser (used for message/delivery-status groups too).
Headers parse_header_block(std::string_view block);

// Angle-bracketed ids in a Message-ID / In-Reply-To / References value, without the brackets.
std::vector<std::string> parse_message_ids(std::string_view value);

// The address part of "Name <a@b>" or "a@b" (first address when there are several).
std::string extract_address(std::string_view value);
// Every address in an address-list header ("A <a@x>, b@y").
std::vector<std::string> extract_addresses(std::string_view value);

}  // namespace outreach::channels::mime
