#pragma once
// What signing in to the web pages keeps (migration 13): a principal's password hash and sealed
// TOTP secret, web sessions, one-time sign-in links and sign-in attempts. Tokens are stored only as
// SHA-256 hashes (the caller hashes); the rules (expiry lengths, throttling limits, who may) are
// services/sign_in.h's. Every method is one statement or one short unit; errors are core::Error
// (storage_error for SQLite failures), never exceptions.

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace outreach::storage {

class Database;

struct Credentials {
  std::string password_hash;  // Argon2id string (crypto_pwhash_str), empty when none is set
  std::string totp_sealed;    // hex of nonce || ciphertext, empty when none is set
  std::optional<std::int64_t> totp_last_step;
};

struct WebSession {
  std::int64_t id = 0;
  std::int64_t principal_id = 0;
  core::TimePoint created_at{};
  core::TimePoint last_seen_at{};
  core::TimePoint expires_at{};  // absolute expiry
  bool revoked = false;
};

// `db` must outlive the store.
class CredentialStore {
 public:
  explicit CredentialStore(Database& db) : db_(db) {}
  CredentialStore(const CredentialStore&) = delete;
  CredentialStore& operator=(const CredentialStore&) = delete;

  core::Result<Credentials> credentials(std::int64_t principal_id) const;
  core::Status set_password_hash(std::int64_t principal_id, const std::string& hash);
  // Sets a new sealed secret and forgets the last used step.
  core::Status set_totp(std::int64_t principal_id, const std::string& sealed);
  // Records `step` as used; false when it (or a later step) was used already (a replayed code).
  core::Result<bool> use_totp_step(std::int64_t principal_id, std::int64_t step);

  core::Status add_session(const std::string& token_hash, std::int64_t principal_id, core::TimePoint now,
                           core::TimePoint expires_at);
  // The session with this hash, revoked or not; not_found when none.
  core::Result<WebSession> session(const std::string& token_hash) const;
  core::Status touch_session(std::int64_t session_id, core::TimePoint now);
  core::Status revoke_session(std::int64_t session_id, core::TimePoint now);
  // Revokes every live session of the principal; returns how many.
  core::Result<int> revoke_sessions(std::int64_t principal_id, core::TimePoint now);

  core::Status add_link(const std::string& token_hash, std::int64_t principal_id, core::TimePoint now,
                        core::TimePoint expires_at);
  // Marks the link used and returns its principal; not_found when unknown, used or expired.
  core::Result<std::int64_t> use_link(const std::string& token_hash, core::TimePoint now);

  core::Status record_attempt(const std::string& key, core::TimePoint at, bool ok);
  // Failed attempts for `key` at or after `since` and after its last success.
  core::Result<int> recent_failures(const std::string& key, core::TimePoint since) const;

 private:
  Database& db_;
};

}  // namespace outreach::storage
