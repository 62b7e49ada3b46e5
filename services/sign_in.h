#pragma once
// Signing in to the web pages, as a use case: the rules, the transaction and the audit record are
// here; web/ only renders forms and sets the cookie, app/ offers the operator's commands.
//   1. Staff sign in with name + password (Argon2id, libsodium crypto_pwhash_str). Coordinators,
//      approvers, parent-panel members and operators also give a TOTP code (RFC 6238, services/
//      totp.h; +-1 step; a step is accepted once, so a replayed code is refused). Their TOTP secret
//      is stored sealed (XChaCha20-Poly1305) with a key derived from the server secret, bound to
//      the principal's id: a database dump alone does not give it away.
//   2. Volunteers and intermediaries may instead use a one-time link: a random token, stored as
//      its hash, valid for `link_ttl`, used once.
//   3. Throttling: after `max_failures_per_principal` failures for one name, or
//      `max_failures_per_address` from one client address, within `throttle_window` (and since the
//      last success), attempts are refused without checking the password (Error transient, where
//      "throttled"). Time is the injected clock's.
//   4. A session is a random token (the cookie), stored as its SHA-256 hash; it ends after `idle`
//      without use, at `absolute` after sign-in, at sign-out, when the principal is revoked, and
//      when the principal's password is set (all its sessions are revoked).
//   5. Audit (purpose "sign-in"): sign_in, sign_in.failed (detail: the reason), sign_out,
//      password.set, totp.reset, sign_in_link.issued. Failures answer one vague message
//      ("name, password or code is wrong"): nobody learns which part was wrong.
// Every call is one transaction (nested in the caller's when there is one).

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "storage/principal_store.h"

namespace outreach::storage {
class Database;
}

namespace outreach::services {

struct SignInRules {
  core::Millis idle = std::chrono::minutes(60);
  core::Millis absolute = std::chrono::hours(12);
  core::Millis link_ttl = std::chrono::minutes(30);
  core::Millis throttle_window = std::chrono::minutes(15);
  int max_failures_per_principal = 5;
  int max_failures_per_address = 20;
  // Argon2id at libsodium's minimum cost instead of "interactive" (64 MiB, ~0.1-0.3 s): tests only.
  bool minimal_password_cost = false;
  // Only `outreach demo --serve` sets this, on its sandbox database: one-time links for every
  // kind (no password, no second factor), so a newcomer can click through each role. Never read
  // from configuration.
  bool demo_links_for_every_kind = false;
};

struct PasswordAttempt {
  std::string name;
  std::string password;
  std::string code;            // TOTP code; ignored for kinds that need none
  std::string client_address;  // "127.0.0.1" (no port)
  std::string request_id;
};

// The slow half of a password sign-in, done ahead on a reader connection (SignIn::check_password):
// Argon2id at interactive cost takes 0.1-0.35 s and 64 MiB, which must not hold up the engine's
// thread, where with_password() writes the session.
struct PasswordCheck {
  std::string hash;      // the stored hash the password was checked against ("" = none: a dummy ran)
  bool matches = false;
};

struct SignedIn {
  storage::Principal principal;
  std::string session_token;  // the cookie's value: the only time it exists in plain
};

struct LiveSession {
  storage::Principal principal;
  std::int64_t session_id = 0;
  // On a read-only connection: its last use is due to be written (call session() on the writer).
  bool touch_due = false;
};

struct TotpEnrolment {
  std::string secret_base32;
  std::string uri;  // otpauth://totp/...
};

// True for the kinds that must give a TOTP code with their password.
bool needs_second_factor(storage::PrincipalKind kind);
// True for the kinds that may sign in with a one-time link.
bool may_use_link(storage::PrincipalKind kind);

// `db` and `clock` must outlive the service. `totp_key`: ServerSecret::derive("totp") (32 bytes).
class SignIn {
 public:
  SignIn(storage::Database& db, const core::Clock& clock, std::string totp_key, SignInRules rules = {});

  // Operators only (the CLI's local operator). Passwords: 10 to 1024 bytes. Revokes the
  // principal's sessions.
  core::Status set_password(const Actor& actor, const std::string& name, const std::string& password);
  // Operators only: a fresh secret (20 random bytes), shown once.
  core::Result<TotpEnrolment> reset_totp(const Actor& actor, const std::string& name);
  // Operators and coordinators, for volunteers and intermediaries: the token of a fresh link
  // (the caller builds the URL: <public_base_url>/sign-in/link/<token>).
  core::Result<std::string> issue_link(const Actor& actor, const std::string& name);

  // unauthorized ("name, password or code is wrong"), transient where "throttled", or the session.
  // With `checked` (from check_password) the password is not hashed again when the stored hash is
  // still the one checked; when it changed in between, it is checked here against the new one.
  core::Result<SignedIn> with_password(const PasswordAttempt& attempt,
                                       const std::optional<PasswordCheck>& checked = std::nullopt);
  // Reads only, so it may run on a reader connection: nothing when the attempt is throttled (no
  // hash is computed then, so throttled attempts stay cheap), else the verdict on the password.
  // Unknown names and principals without a password get the same dummy hash check, so timing
  // does not tell them apart.
  core::Result<std::optional<PasswordCheck>> check_password(const PasswordAttempt& attempt);
  // unauthorized when the link is unknown, used or expired (also throttled per address).
  core::Result<SignedIn> with_link(const std::string& token, const std::string& client_address,
                                   const std::string& request_id);
  // The session behind a cookie value, marked as used now; unauthorized when unknown, revoked or
  // expired, or when its principal is revoked.
  core::Result<LiveSession> session(const std::string& token);
  // Ends the session (idempotent; an unknown token is fine).
  core::Status sign_out(const std::string& token, const std::string& request_id);

  const SignInRules& rules() const { return rules_; }

 private:
  core::Result<SignedIn> start_session(const storage::Principal& p, const std::string& how,
                                       const std::string& client_key, const std::string& request_id);
  core::Status fail(const std::string& name, const storage::Principal* p, const std::string& client_key,
                    const std::string& reason, const std::string& request_id);
  core::Status throttled(const std::string& name_key, const std::string& client_key);
  std::string seal(std::int64_t principal_id, const std::string& secret) const;
  core::Result<std::string> unseal(std::int64_t principal_id, const std::string& sealed) const;

  storage::Database& db_;
  const core::Clock& clock_;
  std::string totp_key_;
  SignInRules rules_;
};

}  // namespace outreach::services
