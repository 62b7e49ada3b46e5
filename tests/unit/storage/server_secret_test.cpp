// hmac_sha256_hex: the keyed hash behind the suppression list, derived keys, audit checkpoints and
// the pages' CSRF tokens, computed over a digest fetched once (storage/server_secret.cpp).

#include "storage/server_secret.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace outreach::storage {
namespace {

// RFC 4231, test cases 1, 2 and 6 (a key longer than the block is hashed first).
TEST(HmacSha256Test, MatchesTheRfc4231TestVectors) {
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hmac_sha256_hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// Every key length around the 64-byte block, and empty data, agree with OpenSSL's own HMAC().
TEST(HmacSha256Test, AgreesWithOpenSslForEveryKeyLengthAroundTheBlock) {
  for (std::size_t n = 0; n <= 130; ++n) {
    std::string key;
    for (std::size_t i = 0; i < n; ++i) key.push_back(static_cast<char>(i * 7 + 1));
    for (const std::string& data : {std::string(), std::string("tel:+31612345678")}) {
      unsigned char out[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
      std::string hex;
      static const char* kHex = "0123456789abcdef";
      for (unsigned int i = 0; i < len; ++i) {
        hex.push_back(kHex[out[i] >> 4]);
        hex.push_back(kHex[out[i] & 15]);
      }
      EXPECT_EQ(hmac_sha256_hex(key, data), hex) << "key of " << n << " bytes, data '" << data << "'";
    }
  }
}

// One prepared key hashes many addresses (the suppression list's use): each result is the one-shot
// HMAC of that message, in any order, so using the key leaves its prepared state untouched.
TEST(HmacSha256Test, APreparedKeyGivesTheOneShotHashForEveryMessage) {
  const std::string key = "a derived suppression key of 32 b";
  const HmacSha256 prepared(key);
  const HmacSha256 copy = prepared;
  for (const std::string& data : {std::string("tel:+31612345678"), std::string(), std::string(200, 'x'),
                                  std::string("mailto:fatima@example.nl"), std::string("tel:+31612345678")}) {
    EXPECT_EQ(prepared.hex(data), hmac_sha256_hex(key, data)) << data;
    EXPECT_EQ(copy.hex(data), hmac_sha256_hex(key, data)) << data;
  }
  EXPECT_EQ(HmacSha256(std::string(20, '\x0b')).hex("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

}  // namespace
}  // namespace outreach::storage
