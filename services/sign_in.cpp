#include "services/sign_in.h"

#include <sodium.h>

#include <stdexcept>

#include "services/audit_trail.h"
#include "services/totp.h"
#include "storage/credential_store.h"
#include "storage/database.h"
#include "storage/hashing.h"

namespace outreach::services {

using storage::PrincipalKind;

namespace {

constexpr const char* kPurpose = "sign-in";
constexpr std::size_t kMinPassword = 10;
constexpr std::size_t kMaxPassword = 1024;

core::Error wrong() { return core::Error{core::ErrorCode::unauthorized, "name, password or code is wrong", {}}; }

std::string random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t;
  for (unsigned char b : bytes) t.push_back(kAlphabet[b & 63]);
  return t;
}

std::string to_hex(const unsigned char* data, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

// Argon2id of `password` at the rules' cost; empty when out of memory.
std::string hash_password(const std::string& password, bool minimal) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(),
                        minimal ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        minimal ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return {};
  }
  return out;
}

// A hash to verify against when the name is unknown, so that an unknown name costs the same time.
const std::string& dummy_hash(bool minimal) {
  static const std::string kInteractive = hash_password(random_token(), false);
  static const std::string kMinimal = hash_password(random_token(), true);
  return minimal ? kMinimal : kInteractive;
}

bool password_matches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// The password against a stored hash; with none stored ("") a dummy hash is checked all the same,
// so timing does not tell an unknown name from a wrong password, and the answer is no.
bool password_matches_stored(const std::string& hash, const std::string& password, bool minimal_cost) {
  if (hash.empty()) {
    (void)password_matches(dummy_hash(minimal_cost), password);
    return false;
  }
  return password_matches(hash, password);
}

Actor actor_for(const storage::Principal& p, const std::string& request_id) {
  return Actor{p.name, p.kind, p.scope, request_id, "web"};
}

}  // namespace

bool needs_second_factor(PrincipalKind kind) {
  return kind == PrincipalKind::coordinator || kind == PrincipalKind::approver || kind == PrincipalKind::parent_panel ||
         kind == PrincipalKind::operator_;
}

bool may_use_link(PrincipalKind kind) { return kind == PrincipalKind::volunteer || kind == PrincipalKind::intermediary; }

SignIn::SignIn(storage::Database& db, const core::Clock& clock, std::string totp_key, SignInRules rules)
    : db_(db), clock_(clock), totp_key_(std::move(totp_key)), rules_(rules) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::string SignIn::seal(std::int64_t principal_id, const std::string& secret) const {
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(nonce, sizeof nonce);
  const std::string ad = "totp:" + std::to_string(principal_id);
  std::string sealed(secret.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(sealed.data()), &len, reinterpret_cast<const unsigned char*>(secret.data()),
      secret.size(), reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, nonce,
      reinterpret_cast<const unsigned char*>(totp_key_.data()));
  return to_hex(nonce, sizeof nonce) + to_hex(reinterpret_cast<const unsigned char*>(sealed.data()), len);
}

core::Result<std::string> SignIn::unseal(std::int64_t principal_id, const std::string& sealed) const {
  std::string bin(sealed.size() / 2, '\0');
  std::size_t bin_len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), sealed.data(), sealed.size(), nullptr,
                     &bin_len, nullptr) != 0 ||
      bin_len < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return core::Error::internal("stored TOTP secret is malformed", "principal " + std::to_string(principal_id));
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(bin.data());
  const auto* cipher = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const std::size_t cipher_len = bin_len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const std::string ad = "totp:" + std::to_string(principal_id);
  std::string secret(cipher_len - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(secret.data()), &len, nullptr, cipher,
                                                 cipher_len, reinterpret_cast<const unsigned char*>(ad.data()),
                                                 ad.size(), nonce,
                                                 reinterpret_cast<const unsigned char*>(totp_key_.data())) != 0) {
    // Another server secret, or the row was copied onto another principal.
    return core::Error::internal("stored TOTP secret does not open with this server secret",
                                 "principal " + std::to_string(principal_id));
  }
  secret.resize(len);
  return secret;
}

core::Status SignIn::set_password(const Actor& actor, const std::string& name, const std::string& password) {
  if (auto st = require_kind(actor, {PrincipalKind::operator_}, "set passwords"); !st) return st;
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    return core::Error::invalid("expected " + std::to_string(kMinPassword) + " to " + std::to_string(kMaxPassword) +
                                    " bytes",
                                "password");
  }
  const std::string hash = hash_password(password, rules_.minimal_password_cost);
  if (hash.empty()) return core::Error{core::ErrorCode::transient, "not enough memory to hash the password", "password"};
  return db_.transaction("a password", [&]() -> core::Status {
    auto p = storage::PrincipalStore(db_).find(name);
    if (!p) return p.error();
    if (p->revoked) return core::Error::conflict("principal '" + name + "' is revoked", "name");
    storage::CredentialStore creds(db_);
    if (auto st = creds.set_password_hash(p->id, hash); !st) return st;
    auto revoked = creds.revoke_sessions(p->id, clock_.now());
    if (!revoked) return revoked.error();
    return AuditTrail(db_, clock_).record(actor, "password.set", "principal:" + name, kPurpose,
                                          "sessions_revoked=" + std::to_string(*revoked));
  });
}

core::Result<TotpEnrolment> SignIn::reset_totp(const Actor& actor, const std::string& name) {
  if (auto st = require_kind(actor, {PrincipalKind::operator_}, "reset second factors"); !st) return st.error();
  std::string secret(20, '\0');
  randombytes_buf(secret.data(), secret.size());
  TotpEnrolment out;
  auto st = db_.transaction("a TOTP secret", [&]() -> core::Status {
    auto p = storage::PrincipalStore(db_).find(name);
    if (!p) return p.error();
    if (p->revoked) return core::Error::conflict("principal '" + name + "' is revoked", "name");
    if (auto s = storage::CredentialStore(db_).set_totp(p->id, seal(p->id, secret)); !s) return s;
    return AuditTrail(db_, clock_).record(actor, "totp.reset", "principal:" + name, kPurpose);
  });
  if (!st) return st.error();
  out.secret_base32 = base32_encode(secret);
  out.uri = otpauth_uri(name, secret);
  return out;
}

core::Result<std::string> SignIn::issue_link(const Actor& actor, const std::string& name) {
  if (auto st = require_kind(actor, {PrincipalKind::operator_, PrincipalKind::coordinator}, "issue sign-in links"); !st) {
    return st.error();
  }
  const std::string token = random_token();
  auto st = db_.transaction("a sign-in link", [&]() -> core::Status {
    auto p = storage::PrincipalStore(db_).find(name);
    if (!p) return p.error();
    if (p->revoked) return core::Error::conflict("principal '" + name + "' is revoked", "name");
    if (!may_use_link(p->kind) && !rules_.demo_links_for_every_kind) {
      return core::Error::invalid(std::string("a ") + storage::to_string(p->kind) +
                                      " signs in with a password, not a link",
                                  "name");
    }
    const auto now = clock_.now();
    if (auto s = storage::CredentialStore(db_).add_link(storage::sha256_hex(token), p->id, now, now + rules_.link_ttl); !s) {
      return s;
    }
    return AuditTrail(db_, clock_).record(actor, "sign_in_link.issued", "principal:" + name, kPurpose);
  });
  if (!st) return st.error();
  return token;
}

core::Status SignIn::throttled(const std::string& name_key, const std::string& client_key) {
  const auto since = clock_.now() - rules_.throttle_window;
  storage::CredentialStore creds(db_);
  auto by_name = name_key.empty() ? core::Result<int>(0) : creds.recent_failures(name_key, since);
  if (!by_name) return by_name.error();
  auto by_client = creds.recent_failures(client_key, since);
  if (!by_client) return by_client.error();
  if (*by_name >= rules_.max_failures_per_principal || *by_client >= rules_.max_failures_per_address) {
    return core::Error{core::ErrorCode::transient, "too many failed attempts; try again later", "throttled"};
  }
  return {};
}

core::Status SignIn::fail(const std::string& name, const storage::Principal* p, const std::string& client_key,
                          const std::string& reason, const std::string& request_id) {
  return db_.transaction("a failed sign-in", [&]() -> core::Status {
    storage::CredentialStore creds(db_);
    const auto now = clock_.now();
    if (!name.empty()) {
      if (auto st = creds.record_attempt("principal:" + name, now, false); !st) return st;
    }
    if (auto st = creds.record_attempt(client_key, now, false); !st) return st;
    Actor actor = p ? actor_for(*p, request_id) : Actor{"anonymous", PrincipalKind::operator_, {}, request_id, "web"};
    // An unknown name is not written down: it may be a password typed into the wrong box.
    return AuditTrail(db_, clock_).record(actor, "sign_in.failed", p ? "principal:" + p->name : "principal:unknown",
                                          kPurpose, "reason=" + reason);
  });
}

core::Result<SignedIn> SignIn::start_session(const storage::Principal& p, const std::string& how,
                                             const std::string& client_key, const std::string& request_id) {
  SignedIn out{p, random_token()};
  auto st = db_.transaction("a sign-in", [&]() -> core::Status {
    storage::CredentialStore creds(db_);
    const auto now = clock_.now();
    if (auto s = creds.record_attempt("principal:" + p.name, now, true); !s) return s;
    if (auto s = creds.record_attempt(client_key, now, true); !s) return s;
    if (auto s = creds.add_session(storage::sha256_hex(out.session_token), p.id, now, now + rules_.absolute); !s) return s;
    return AuditTrail(db_, clock_).record(actor_for(p, request_id), "sign_in", "principal:" + p.name, kPurpose,
                                          "method=" + how);
  });
  if (!st) return st.error();
  return out;
}

core::Result<std::optional<PasswordCheck>> SignIn::check_password(const PasswordAttempt& attempt) {
  auto p = storage::PrincipalStore(db_).find(attempt.name);
  const bool known = p && !p->revoked;
  if (auto st = throttled(known ? "principal:" + attempt.name : std::string(), "address:" + attempt.client_address);
      !st) {
    if (st.error().where == "throttled") return std::optional<PasswordCheck>();
    return st.error();
  }
  PasswordCheck check;
  if (known) {
    auto creds = storage::CredentialStore(db_).credentials(p->id);
    if (!creds) return creds.error();
    check.hash = creds->password_hash;
  }
  check.matches = password_matches_stored(check.hash, attempt.password, rules_.minimal_password_cost);
  return std::optional<PasswordCheck>(std::move(check));
}

core::Result<SignedIn> SignIn::with_password(const PasswordAttempt& attempt,
                                             const std::optional<PasswordCheck>& checked) {
  const std::string client_key = "address:" + attempt.client_address;
  auto p = storage::PrincipalStore(db_).find(attempt.name);
  const bool known = p && !p->revoked;
  // Only a check of the very hash stored now counts; "" means none was stored (a dummy ran).
  auto matches = [&](const std::string& hash) {
    if (checked && checked->hash == hash) return checked->matches;
    return password_matches_stored(hash, attempt.password, rules_.minimal_password_cost);
  };
  if (auto st = throttled(known ? "principal:" + attempt.name : std::string(), client_key); !st) {
    if (auto f = fail(known ? attempt.name : std::string(), known ? &*p : nullptr, client_key, "throttled",
                      attempt.request_id);
        !f) {
      return f.error();
    }
    return st.error();
  }
  auto refuse = [&](const std::string& reason) -> core::Result<SignedIn> {
    if (auto f = fail(known ? attempt.name : std::string(), known ? &*p : nullptr, client_key, reason,
                      attempt.request_id);
        !f) {
      return f.error();
    }
    return wrong();
  };
  if (!known) {
    (void)matches({});
    return refuse("unknown");
  }
  auto creds = storage::CredentialStore(db_).credentials(p->id);
  if (!creds) return creds.error();
  if (creds->password_hash.empty()) {
    (void)matches({});
    return refuse("no_password");
  }
  if (!matches(creds->password_hash)) return refuse("password");
  std::string how = "password";
  if (needs_second_factor(p->kind)) {
    if (creds->totp_sealed.empty()) return refuse("no_totp");
    auto secret = unseal(p->id, creds->totp_sealed);
    if (!secret) return secret.error();
    auto step = totp_match(*secret, attempt.code, clock_.now());
    if (!step) return refuse("code");
    auto fresh = storage::CredentialStore(db_).use_totp_step(p->id, *step);
    if (!fresh) return fresh.error();
    if (!*fresh) return refuse("code_replayed");
    how = "password+totp";
  }
  return start_session(*p, how, client_key, attempt.request_id);
}

core::Result<SignedIn> SignIn::with_link(const std::string& token, const std::string& client_address,
                                         const std::string& request_id) {
  const std::string client_key = "address:" + client_address;
  if (auto st = throttled({}, client_key); !st) {
    if (auto f = fail({}, nullptr, client_key, "throttled", request_id); !f) return f.error();
    return st.error();
  }
  auto id = storage::CredentialStore(db_).use_link(storage::sha256_hex(token), clock_.now());
  auto p = id ? storage::PrincipalStore(db_).find_id(*id) : core::Result<storage::Principal>(id.error());
  if (!p || p->revoked || (!may_use_link(p->kind) && !rules_.demo_links_for_every_kind)) {
    if (auto f = fail({}, nullptr, client_key, "link", request_id); !f) return f.error();
    return core::Error{core::ErrorCode::unauthorized, "this sign-in link is unknown, used or expired", {}};
  }
  return start_session(*p, "link", client_key, request_id);
}

core::Result<LiveSession> SignIn::session(const std::string& token) {
  auto unauthorized = [] { return core::Error{core::ErrorCode::unauthorized, "not signed in", {}}; };
  if (token.empty()) return unauthorized();
  storage::CredentialStore creds(db_);
  auto s = creds.session(storage::sha256_hex(token));
  if (!s) return s.error().code == core::ErrorCode::not_found ? unauthorized() : s.error();
  const auto now = clock_.now();
  if (s->revoked || now >= s->expires_at || now - s->last_seen_at >= rules_.idle) return unauthorized();
  auto p = storage::PrincipalStore(db_).find_id(s->principal_id);
  if (!p) return p.error();
  if (p->revoked) return unauthorized();
  // One write a minute at most per session, not one per page.
  const bool due = now - s->last_seen_at >= std::chrono::minutes(1);
  if (due && !db_.read_only()) {
    if (auto st = creds.touch_session(s->id, now); !st) return st.error();
  }
  return LiveSession{*p, s->id, due && db_.read_only()};
}

core::Status SignIn::sign_out(const std::string& token, const std::string& request_id) {
  if (token.empty()) return {};
  return db_.transaction("a sign-out", [&]() -> core::Status {
    storage::CredentialStore creds(db_);
    auto s = creds.session(storage::sha256_hex(token));
    if (!s) return s.error().code == core::ErrorCode::not_found ? core::Status{} : core::Status{s.error()};
    if (s->revoked) return {};
    if (auto st = creds.revoke_session(s->id, clock_.now()); !st) return st;
    auto p = storage::PrincipalStore(db_).find_id(s->principal_id);
    if (!p) return p.error();
    return AuditTrail(db_, clock_).record(actor_for(*p, request_id), "sign_out", "principal:" + p->name, kPurpose);
  });
}

}  // namespace outreach::services
