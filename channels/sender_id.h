#pragma once
// SMS sender ids ("originator", "from"): what a provider accepts in the field that names the sender.
// Two kinds exist: a phone number (digits, optionally after a '+') that the person can reply to,
// and an alphanumeric id (at most 11 characters: ASCII letters, digits and spaces, at least one
// letter) that shows a name but cannot receive replies. Limits per provider:
//   MessageBird originator: a number of at most 17 digits or 11 alphanumerics
//     (https://support.messagebird.com/hc/en-us/articles/115002628665-Choosing-an-originator);
//   CM.com from: at most 16 digits or 11 alphanumerics
//     (https://developers.cm.com/messaging/docs/shared-features);
//   Twilio From: an E.164 number (at most 15 digits) or an alphanumeric sender id of up to 11
//     characters, not only digits (https://support.twilio.com/hc/en-us/articles/223181348).
// Some providers allow a few more characters (Twilio: - + & _); this check keeps to the set all
// three accept.
// Pure functions; safe from any thread.

#include <cstddef>
#include <string_view>

#include "core/error.h"

namespace outreach::channels {

inline constexpr std::size_t kMaxAlphanumericSender = 11;

// 1..11 characters of [A-Za-z0-9 ], at least one letter, not starting or ending with a space.
bool is_alphanumeric_sender(std::string_view id);
// An optional '+' followed by 1..max_digits digits.
bool is_numeric_sender(std::string_view id, std::size_t max_digits);

// ok when `id` is a numeric sender of at most `max_digits` digits or an alphanumeric sender;
// otherwise invalid_input at `where`, e.g. "providers.messagebird.originator: 'Herstelteam
// Rijnmond' is no sender id: use a phone number of at most 17 digits or at most 11 letters,
// digits and spaces".
core::Status validate_sender(std::string_view id, std::size_t max_digits, std::string_view where);

}  // namespace outreach::channels
