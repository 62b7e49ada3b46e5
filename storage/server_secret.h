#pragma once
// The server secret: 32 random bytes in a file of its own, outside the database, so that a copy of
// the database alone cannot forge what the secret signs or reverse what it hashes. Each use gets
// its own key derived from it (HMAC-SHA256 of the master with a purpose label), so one leaked
// derived key does not give away the others:
//   "suppression"       keyed hashes of the addresses of people who opted out or were erased;
//   "audit-checkpoint"  signed checkpoints of the audit chain head;
//   "unsubscribe"       one-click unsubscribe tokens (RFC 8058).
// The file is created (mode 0600) on first use; it must be backed up with, but stored apart from,
// the database.

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace outreach::storage {

class Database;

// HMAC-SHA256 as 64 lowercase hex characters.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// HMAC-SHA256 under one key used for many messages: the key's two padded blocks are hashed once,
// so each message costs two SHA-256 compressions instead of four (a 100-row municipality page
// hashes every address of its people for the suppression check). Const use is safe from several
// threads; copies share the prepared state.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  // 64 lowercase hex characters, as hmac_sha256_hex(key, data).
  std::string hex(std::string_view data) const;
  // The 32 raw bytes.
  std::string raw(std::string_view data) const;

 private:
  struct Pads;
  std::shared_ptr<const Pads> pads_;
};

class ServerSecret {
 public:
  // Reads the secret at `path`, creating it with fresh random bytes when it does not exist.
  // Errors name the path (unreadable, wrong size, not creatable).
  static core::Result<ServerSecret> load_or_create(const std::string& path);
  // Fresh random bytes kept only in memory (an in-memory database has nothing to outlive).
  static ServerSecret ephemeral();
  // A secret from bytes given directly (tests).
  static ServerSecret from_bytes(std::string bytes) { return ServerSecret(std::move(bytes)); }

  // The key for one purpose ("suppression", "audit-checkpoint", "unsubscribe"): 32 raw bytes.
  std::string derive(std::string_view purpose) const;

 private:
  explicit ServerSecret(std::string bytes) : master_(std::move(bytes)) {}
  std::string master_;
};

// Engines on several machines share one database but each reads the secret from a file of its
// own: one with another secret would not recognise the suppression list, and people who opted out
// could be contacted again. The database keeps the secret's fingerprint (the hash of a key derived
// for that purpose alone, which gives nothing of the secret away): the first open records it and
// every later one must match. Errors: conflict, naming the secret file.
core::Status check_secret_fingerprint(Database& db, const ServerSecret& secret, const std::string& secret_path);
// Whether some secret was used with this database already (a fresh machine must not make its own).
core::Result<bool> secret_fingerprint_recorded(Database& db);

// Where the secret lives when the configuration does not say: beside the database, "<db>.secret".
std::string default_secret_path(const std::string& database_path);

}  // namespace outreach::storage
