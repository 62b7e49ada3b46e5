#include "channels/signature.h"

#include <gtest/gtest.h>

namespace outreach::channels {
namespace {

// RFC 4231 test case 2 (HMAC-SHA256) and RFC 2202 test case 2 (HMAC-SHA1): key "Jefe".
TEST(Signature, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, HmacSha1MatchesRfc2202) {
  EXPECT_EQ(hex_encode(hmac_sha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Signature, Sha256OfAbc) {
  EXPECT_EQ(hex_encode(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Signature, Base64RoundTripsRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_EQ(base64_decode("Zm9vYg").value(), "foob");
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
}

TEST(Signature, Base64UrlUsesUrlAlphabetWithoutPadding) {
  std::string bytes("\xfb\xff\xfe", 3);
  EXPECT_EQ(base64_encode(bytes), "+//+");
  EXPECT_EQ(base64url_encode(bytes), "-__-");
  EXPECT_EQ(base64url_decode("-__-").value(), bytes);
  EXPECT_EQ(base64url_encode("f"), "Zg");
}

TEST(Signature, HexRefusesOddLengthAndNonHex) {
  EXPECT_EQ(hex_decode("00ffAB").value(), std::string("\x00\xff\xab", 3));
  EXPECT_FALSE(hex_decode("abc").has_value());
  EXPECT_FALSE(hex_decode("zz").has_value());
}

TEST(Signature, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "abcd"));
}

// RFC 7515 appendix A.1 is HS256 with a JWK key; here a round trip plus tampering.
TEST(Signature, JwtHs256RoundTripAndTampering) {
  std::string token = sign_jwt_hs256(R"({"iss":"x","n":1})", "key");
  auto claims = verify_jwt_hs256(token, "key");
  ASSERT_TRUE(claims.ok()) << claims.error().what();
  EXPECT_EQ(*claims, R"({"iss":"x","n":1})");

  auto wrong_key = verify_jwt_hs256(token, "other");
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().message, "jwt: bad signature");
  EXPECT_EQ(wrong_key.error().code, core::ErrorCode::forbidden);

  std::string tampered = token;
  auto dot = tampered.find('.');
  tampered.replace(dot + 1, tampered.find('.', dot + 1) - dot - 1, base64url_encode(R"({"iss":"y","n":1})"));
  EXPECT_EQ(verify_jwt_hs256(tampered, "key").error().message, "jwt: bad signature");

  EXPECT_EQ(verify_jwt_hs256("abc", "key").error().message, "jwt: malformed");
  std::string none = base64url_encode(R"({"alg":"none"})") + "." + base64url_encode("{}") + ".";
  EXPECT_EQ(verify_jwt_hs256(none, "key").error().message, "jwt: unsupported alg 'none'");
}

}  // namespace
}  // namespace outreach::channels
