#include "storage/server_secret.h"

// SHA256_Init and friends are deprecated in OpenSSL 3 but remain; see sha256_update below.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "storage/database.h"
#include "storage/hashing.h"
#include "storage/sql.h"

namespace outreach::storage {
namespace {

constexpr std::size_t kSecretBytes = 32;

// SHA-256 through OpenSSL's low-level interface, whose state is a plain struct: HMAC with the
// key's pads precomputed is then a struct copy and two short hashes. Through EVP, OpenSSL 3
// allocates a provider context for every copy of a precomputed state, which cost more than the
// hashing itself on a 100-row municipality page (every address of its people is hashed for the
// suppression check). The interface is deprecated in OpenSSL 3 but kept, and it reaches the same
// assembly (SHA-NI, AVX2) as EVP's default provider.
void sha256_update(SHA256_CTX& ctx, const void* data, std::size_t n) {
  if (SHA256_Update(&ctx, data, n) != 1) throw std::runtime_error("SHA-256 failed in OpenSSL");
}

void sha256_final(SHA256_CTX& ctx, unsigned char* out) {
  if (SHA256_Final(out, &ctx) != 1) throw std::runtime_error("SHA-256 failed in OpenSSL");
}

std::string to_hex(const std::string& raw) {
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char b : raw) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

}  // namespace

// HMAC (RFC 2104): H((K ^ opad) || H((K ^ ipad) || data)). The two states hold SHA-256 after the
// first block of each hash, (K ^ ipad) and (K ^ opad).
struct HmacSha256::Pads {
  SHA256_CTX inner;
  SHA256_CTX outer;
  ~Pads() { OPENSSL_cleanse(this, sizeof *this); }
};

HmacSha256::HmacSha256(std::string_view key) {
  constexpr std::size_t kBlock = SHA256_CBLOCK;
  unsigned char k[kBlock] = {};
  if (key.size() > kBlock) {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), k);
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  auto pads = std::make_shared<Pads>();
  unsigned char pad[kBlock];
  // Never an empty hash on failure: it would match no suppression entry. The helpers throw.
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  if (SHA256_Init(&pads->inner) != 1) throw std::runtime_error("SHA-256 failed in OpenSSL");
  sha256_update(pads->inner, pad, kBlock);
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  if (SHA256_Init(&pads->outer) != 1) throw std::runtime_error("SHA-256 failed in OpenSSL");
  sha256_update(pads->outer, pad, kBlock);
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  pads_ = std::move(pads);
}

std::string HmacSha256::raw(std::string_view data) const {
  unsigned char inner[SHA256_DIGEST_LENGTH];
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256_CTX ctx = pads_->inner;
  sha256_update(ctx, data.data(), data.size());
  sha256_final(ctx, inner);
  ctx = pads_->outer;
  sha256_update(ctx, inner, sizeof inner);
  sha256_final(ctx, reinterpret_cast<unsigned char*>(out.data()));
  OPENSSL_cleanse(&ctx, sizeof ctx);
  return out;
}

std::string HmacSha256::hex(std::string_view data) const { return to_hex(raw(data)); }

std::string hmac_sha256_hex(std::string_view key, std::string_view data) { return HmacSha256(key).hex(data); }

core::Result<ServerSecret> ServerSecret::load_or_create(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() != kSecretBytes) {
      return core::Error::invalid("expected " + std::to_string(kSecretBytes) + " bytes, found " +
                                      std::to_string(bytes.size()),
                                  path);
    }
    return ServerSecret(std::move(bytes));
  }
  std::string bytes(kSecretBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size())) != 1) {
    return core::Error::internal("no random bytes for a new server secret", path);
  }
  // O_EXCL: two processes starting together must not each write a different secret.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_or_create(path);
    return core::Error::invalid(std::string("cannot create the server secret: ") + std::strerror(errno), path);
  }
  bool written = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return core::Error::invalid("cannot write the server secret", path);
  }
  return ServerSecret(std::move(bytes));
}

ServerSecret ServerSecret::ephemeral() {
  std::string bytes(kSecretBytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  return ServerSecret(std::move(bytes));
}

std::string ServerSecret::derive(std::string_view purpose) const { return HmacSha256(master_).raw(purpose); }

std::string default_secret_path(const std::string& database_path) { return database_path + ".secret"; }

core::Result<bool> secret_fingerprint_recorded(Database& db) {
  try {
    return db.query_int64("SELECT count(*) FROM server_secret") > 0;
  } catch (const std::exception& e) {
    return storage_error(e, "server_secret");
  }
}

core::Status check_secret_fingerprint(Database& db, const ServerSecret& secret, const std::string& secret_path) {
  const std::string fingerprint = sha256_hex(secret.derive("fingerprint"));
  std::string recorded;
  auto st = db.transaction([&]() -> core::Status {
    Statement add(db, "INSERT INTO server_secret(id, fingerprint) VALUES (1, ?) ON CONFLICT (id) DO NOTHING");
    add.bind(1, fingerprint);
    add.exec();
    Statement read(db, "SELECT fingerprint FROM server_secret WHERE id = 1");
    if (read.executeStep()) recorded = read.getColumn(0).getString();
    return {};
  });
  if (!st) return st;
  if (recorded != fingerprint) {
    return core::Error::conflict("this is not the server secret the database was used with; copy the secret file "
                                 "from a machine whose engine runs on it (the suppression list and unsubscribe "
                                 "links depend on it)",
                                 secret_path);
  }
  return {};
}

}  // namespace outreach::storage
