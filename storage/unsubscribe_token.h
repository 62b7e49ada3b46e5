#pragma once
// One-click unsubscribe tokens (RFC 8058): one per outbox message, unguessable, and checkable
// without a lookup table.
//   token = base64url(id || mac), no padding: 32 characters, where id is the message id as 8 bytes
//   big-endian and mac the first 16 bytes of HMAC-SHA256(key, id), key =
//   ServerSecret::derive("unsubscribe").
// A token names one message; whoever holds it may unsubscribe that message's recipient from e-mail
// for the message's campaign purpose, and nothing else. Pure functions, safe from any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace outreach::storage {

// Requires: key is not empty.
std::string make_unsubscribe_token(std::int64_t message_id, std::string_view key);
// The message id, or nullopt when the token was not made with this key (wrong length, not
// base64url, altered, or an empty key). The MAC is compared in constant time.
std::optional<std::int64_t> verify_unsubscribe_token(std::string_view token, std::string_view key);

}  // namespace outreach::storage
