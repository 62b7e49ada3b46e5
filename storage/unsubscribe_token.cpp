#include "storage/unsubscribe_token.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

namespace outreach::storage {
namespace {

constexpr std::size_t kIdBytes = 8;
constexpr std::size_t kMacBytes = 16;
constexpr std::size_t kTokenChars = 32;  // (8 + 16) bytes * 4 / 3
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string id_bytes(std::int64_t id) {
  std::string out(kIdBytes, '\0');
  auto v = static_cast<std::uint64_t>(id);
  for (std::size_t i = 0; i < kIdBytes; ++i) out[kIdBytes - 1 - i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

std::string mac(std::string_view key, const std::string& id) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(id.data()),
       id.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), kMacBytes);
}

// Input length is a multiple of 3 here (24 bytes), so there is never padding.
std::string base64url(const std::string& in) {
  std::string out;
  for (std::size_t i = 0; i + 2 < in.size(); i += 3) {
    const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << 16) |
                            (static_cast<std::uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  return out;
}

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

std::optional<std::string> unbase64url(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    std::uint32_t n = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int v = value_of(in[i + k]);
      if (v < 0) return std::nullopt;
      n = (n << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<char>((n >> 16) & 0xff));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  }
  return out;
}

}  // namespace

std::string make_unsubscribe_token(std::int64_t message_id, std::string_view key) {
  const std::string id = id_bytes(message_id);
  return base64url(id + mac(key, id));
}

std::optional<std::int64_t> verify_unsubscribe_token(std::string_view token, std::string_view key) {
  if (key.empty() || token.size() != kTokenChars) return std::nullopt;
  auto raw = unbase64url(token);
  if (!raw || raw->size() != kIdBytes + kMacBytes) return std::nullopt;
  const std::string id = raw->substr(0, kIdBytes);
  const std::string expected = mac(key, id);
  if (CRYPTO_memcmp(expected.data(), raw->data() + kIdBytes, kMacBytes) != 0) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : id) v = (v << 8) | static_cast<unsigned char>(c);
  const auto message_id = static_cast<std::int64_t>(v);
  if (message_id <= 0) return std::nullopt;
  return message_id;
}

}  // namespace outreach::storage
