#pragma once
// Cryptographic helpers for webhook signatures (OpenSSL underneath): HMAC-SHA1/SHA256, SHA-256,
// base64 (standard and URL-safe), hex, a constant-time comparison, and HS256 JWT verification.
// Inputs and outputs are byte strings (std::string holding raw bytes unless a name says otherwise).
// Pure functions: safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace outreach::channels {

// Raw digests (20 bytes for SHA-1, 32 for SHA-256).
std::string hmac_sha1(std::string_view key, std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string sha256(std::string_view data);

// RFC 4648 base64 with padding.
std::string base64_encode(std::string_view bytes);
// Accepts standard base64 with or without padding; nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);
// RFC 4648 section 5 (URL-safe alphabet), no padding on output; decoding accepts optional padding.
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// Lower-case hex; decoding accepts either case and refuses odd lengths and non-hex characters.
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view text);

// Compares without an early exit (CRYPTO_memcmp). Different lengths compare unequal; the length
// itself is not secret for any value compared here (fixed-size digests and tokens).
bool constant_time_equals(std::string_view a, std::string_view b);

// Verifies a compact JWS signed with HMAC-SHA256: the header must say {"alg":"HS256"} and the
// signature must match `key`. Returns the decoded payload (claims) JSON text. Claims are not
// checked here: the caller checks iss/nbf/exp and its own claims.
// Errors (ErrorCode::forbidden): "jwt: malformed", "jwt: unsupported alg '<alg>'", "jwt: bad signature".
core::Result<std::string> verify_jwt_hs256(std::string_view token, std::string_view key);

// Signs claims JSON as an HS256 JWT ({"alg":"HS256","typ":"JWT"}); for tests and tools.
std::string sign_jwt_hs256(std::string_view claims_json, std::string_view key);

}  // namespace outreach::channels
