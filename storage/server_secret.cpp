#include "storage/server_secret.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
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

// SHA-256, fetched from OpenSSL's provider once. OpenSSL 3's one-shot HMAC() fetches the MAC and
// the digest by name on every call, under the provider store's locks: three times the cost of
// the hash itself, and a point where reader threads contend (a 100-row municipality page hashes
// every address of its people for the suppression check).
const EVP_MD* sha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("OpenSSL has no SHA256");
  return md;
}

using EvpCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

EvpCtx new_ctx() {
  EvpCtx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (ctx == nullptr) throw std::runtime_error("OpenSSL could not allocate a digest context");
  return ctx;
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

// HMAC (RFC 2104) over that digest: H((K ^ opad) || H((K ^ ipad) || data)). The two contexts hold
// SHA-256 after the first block of each hash, (K ^ ipad) and (K ^ opad).
struct HmacSha256::Pads {
  EvpCtx inner = new_ctx();
  EvpCtx outer = new_ctx();
};

HmacSha256::HmacSha256(std::string_view key) {
  constexpr std::size_t kBlock = 64;  // SHA-256's block size
  const EVP_MD* md = sha256();
  unsigned char k[kBlock] = {};
  unsigned int n = 0;
  bool ok = true;
  if (key.size() > kBlock) {
    ok = EVP_Digest(key.data(), key.size(), k, &n, md, nullptr) == 1;
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  auto pads = std::make_shared<Pads>();
  unsigned char pad[kBlock];
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  ok = ok && EVP_DigestInit_ex(pads->inner.get(), md, nullptr) == 1 &&
       EVP_DigestUpdate(pads->inner.get(), pad, kBlock) == 1;
  for (std::size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  ok = ok && EVP_DigestInit_ex(pads->outer.get(), md, nullptr) == 1 &&
       EVP_DigestUpdate(pads->outer.get(), pad, kBlock) == 1;
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  // Never an empty hash instead: it would match no suppression entry.
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  pads_ = std::move(pads);
}

std::string HmacSha256::raw(std::string_view data) const {
  EvpCtx ctx = new_ctx();
  unsigned char inner[EVP_MAX_MD_SIZE];
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  const bool ok = EVP_MD_CTX_copy_ex(ctx.get(), pads_->inner.get()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx.get(), inner, &n) == 1 &&
                  EVP_MD_CTX_copy_ex(ctx.get(), pads_->outer.get()) == 1 &&
                  EVP_DigestUpdate(ctx.get(), inner, n) == 1 && EVP_DigestFinal_ex(ctx.get(), out, &n) == 1;
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  return std::string(reinterpret_cast<const char*>(out), n);
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
