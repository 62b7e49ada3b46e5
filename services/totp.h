#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6
// digits by default. Pure functions: the caller passes the time and remembers the last step it
// accepted (a code is accepted once). Base32 (RFC 4648, no padding) for the secret an
// authenticator app is given.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace outreach::services {

inline constexpr int kTotpStepSeconds = 30;

// The HOTP value of `counter` with `digits` digits, zero-padded ("287082").
std::string hotp(std::string_view secret, std::uint64_t counter, int digits = 6);
// The time step of `t`: floor(unix seconds / 30).
std::int64_t totp_step(core::TimePoint t);
// The step within +-`window` steps of `now` whose code equals `code`, or nullopt. Constant-time
// comparison per candidate.
std::optional<std::int64_t> totp_match(std::string_view secret, std::string_view code, core::TimePoint now,
                                       int window = 1, int digits = 6);

std::string base32_encode(std::string_view bytes);
// nullopt when `text` holds a character outside A-Z2-7 (spaces and '=' are skipped; case-insensitive).
std::optional<std::string> base32_decode(std::string_view text);

// "otpauth://totp/outreach:NAME?secret=...&issuer=outreach&algorithm=SHA1&digits=6&period=30"
std::string otpauth_uri(std::string_view account, std::string_view secret, std::string_view issuer = "outreach");

}  // namespace outreach::services
