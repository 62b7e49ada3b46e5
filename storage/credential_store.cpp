#include "storage/credential_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

std::int64_t ms(core::TimePoint t) { return static_cast<std::int64_t>(core::to_millis(t)); }

}  // namespace

core::Result<Credentials> CredentialStore::credentials(std::int64_t principal_id) const {
  return guarded_store("CredentialStore::credentials", [&]() -> core::Result<Credentials> {
    auto st = db_.cached("SELECT password_hash, totp_sealed, totp_last_step FROM principals WHERE id = ?");
    st->bind(1, static_cast<int64_t>(principal_id));
    if (!st->executeStep()) return core::Error::not_found("no principal " + std::to_string(principal_id));
    Credentials c;
    if (!st->getColumn(0).isNull()) c.password_hash = st->getColumn(0).getString();
    if (!st->getColumn(1).isNull()) c.totp_sealed = st->getColumn(1).getString();
    c.totp_last_step = optional_int64(st->getColumn(2));
    return c;
  });
}

core::Status CredentialStore::set_password_hash(std::int64_t principal_id, const std::string& hash) {
  return guarded_store("CredentialStore::set_password_hash", [&]() -> core::Status {
    Statement st(db_, "UPDATE principals SET password_hash = ? WHERE id = ?");
    st.bind(1, hash);
    st.bind(2, static_cast<int64_t>(principal_id));
    if (st.exec() == 0) return core::Error::not_found("no principal " + std::to_string(principal_id));
    return {};
  });
}

core::Status CredentialStore::set_totp(std::int64_t principal_id, const std::string& sealed) {
  return guarded_store("CredentialStore::set_totp", [&]() -> core::Status {
    Statement st(db_, "UPDATE principals SET totp_sealed = ?, totp_last_step = NULL WHERE id = ?");
    st.bind(1, sealed);
    st.bind(2, static_cast<int64_t>(principal_id));
    if (st.exec() == 0) return core::Error::not_found("no principal " + std::to_string(principal_id));
    return {};
  });
}

core::Result<bool> CredentialStore::use_totp_step(std::int64_t principal_id, std::int64_t step) {
  return guarded_store("CredentialStore::use_totp_step", [&]() -> core::Result<bool> {
    auto st = db_.cached(
        "UPDATE principals SET totp_last_step = ?1 WHERE id = ?2 AND (totp_last_step IS NULL OR totp_last_step < ?1)");
    st->bind(1, static_cast<int64_t>(step));
    st->bind(2, static_cast<int64_t>(principal_id));
    return st->exec() == 1;
  });
}

core::Status CredentialStore::add_session(const std::string& token_hash, std::int64_t principal_id,
                                          core::TimePoint now, core::TimePoint expires_at) {
  return guarded_store("CredentialStore::add_session", [&]() -> core::Status {
    auto st = db_.cached(
        "INSERT INTO web_sessions(token_hash, principal_id, created_at, last_seen_at, expires_at) VALUES(?, ?, ?, ?, ?)");
    st->bind(1, token_hash);
    st->bind(2, static_cast<int64_t>(principal_id));
    st->bind(3, static_cast<int64_t>(ms(now)));
    st->bind(4, static_cast<int64_t>(ms(now)));
    st->bind(5, static_cast<int64_t>(ms(expires_at)));
    st->exec();
    return {};
  });
}

core::Result<WebSession> CredentialStore::session(const std::string& token_hash) const {
  return guarded_store("CredentialStore::session", [&]() -> core::Result<WebSession> {
    auto st = db_.cached(
        "SELECT id, principal_id, created_at, last_seen_at, expires_at, revoked_at FROM web_sessions WHERE token_hash = ?");
    st->bind(1, token_hash);
    if (!st->executeStep()) return core::Error::not_found("no such session");
    WebSession s;
    s.id = st->getColumn(0).getInt64();
    s.principal_id = st->getColumn(1).getInt64();
    s.created_at = core::from_millis(st->getColumn(2).getInt64());
    s.last_seen_at = core::from_millis(st->getColumn(3).getInt64());
    s.expires_at = core::from_millis(st->getColumn(4).getInt64());
    s.revoked = !st->getColumn(5).isNull();
    return s;
  });
}

core::Status CredentialStore::touch_session(std::int64_t session_id, core::TimePoint now) {
  return guarded_store("CredentialStore::touch_session", [&]() -> core::Status {
    auto st = db_.cached("UPDATE web_sessions SET last_seen_at = ? WHERE id = ?");
    st->bind(1, static_cast<int64_t>(ms(now)));
    st->bind(2, static_cast<int64_t>(session_id));
    st->exec();
    return {};
  });
}

core::Status CredentialStore::revoke_session(std::int64_t session_id, core::TimePoint now) {
  return guarded_store("CredentialStore::revoke_session", [&]() -> core::Status {
    auto st = db_.cached("UPDATE web_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
    st->bind(1, static_cast<int64_t>(ms(now)));
    st->bind(2, static_cast<int64_t>(session_id));
    st->exec();
    return {};
  });
}

core::Result<int> CredentialStore::revoke_sessions(std::int64_t principal_id, core::TimePoint now) {
  return guarded_store("CredentialStore::revoke_sessions", [&]() -> core::Result<int> {
    Statement st(db_, "UPDATE web_sessions SET revoked_at = ? WHERE principal_id = ? AND revoked_at IS NULL");
    st.bind(1, static_cast<int64_t>(ms(now)));
    st.bind(2, static_cast<int64_t>(principal_id));
    return st.exec();
  });
}

core::Status CredentialStore::add_link(const std::string& token_hash, std::int64_t principal_id, core::TimePoint now,
                                       core::TimePoint expires_at) {
  return guarded_store("CredentialStore::add_link", [&]() -> core::Status {
    Statement st(db_,
                 "INSERT INTO sign_in_links(token_hash, principal_id, created_at, expires_at) VALUES(?, ?, ?, ?)");
    st.bind(1, token_hash);
    st.bind(2, static_cast<int64_t>(principal_id));
    st.bind(3, static_cast<int64_t>(ms(now)));
    st.bind(4, static_cast<int64_t>(ms(expires_at)));
    st.exec();
    return {};
  });
}

core::Result<std::int64_t> CredentialStore::use_link(const std::string& token_hash, core::TimePoint now) {
  return guarded_store("CredentialStore::use_link", [&]() -> core::Result<std::int64_t> {
    Statement st(db_,
                 "UPDATE sign_in_links SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 "
                 "RETURNING principal_id");
    st.bind(1, static_cast<int64_t>(ms(now)));
    st.bind(2, token_hash);
    if (!st.executeStep()) return core::Error::not_found("unknown, used or expired sign-in link");
    std::int64_t id = st.getColumn(0).getInt64();
    while (st.executeStep()) {
    }
    return id;
  });
}

core::Status CredentialStore::record_attempt(const std::string& key, core::TimePoint at, bool ok) {
  return guarded_store("CredentialStore::record_attempt", [&]() -> core::Status {
    auto st = db_.cached("INSERT INTO sign_in_attempts(key, at, ok) VALUES(?, ?, ?)");
    st->bind(1, key);
    st->bind(2, static_cast<int64_t>(ms(at)));
    st->bind(3, ok ? 1 : 0);
    st->exec();
    return {};
  });
}

core::Result<int> CredentialStore::recent_failures(const std::string& key, core::TimePoint since) const {
  return guarded_store("CredentialStore::recent_failures", [&]() -> core::Result<int> {
    auto st = db_.cached(
        "SELECT count(*) FROM sign_in_attempts WHERE key = ?1 AND at >= ?2 AND ok = 0 AND id > "
        "coalesce((SELECT max(id) FROM sign_in_attempts WHERE key = ?1 AND ok = 1), 0)");
    st->bind(1, key);
    st->bind(2, static_cast<int64_t>(ms(since)));
    st->executeStep();
    int n = st->getColumn(0).getInt();
    return n;
  });
}

}  // namespace outreach::storage
