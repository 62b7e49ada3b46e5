// RFC 6238 appendix B test vectors (SHA-1, 8 digits, secret "12345678901234567890") and the
// 6-digit window an authenticator app uses.
#include "services/totp.h"

#include <gtest/gtest.h>

namespace outreach::services {
namespace {

constexpr const char* kSecret = "12345678901234567890";

core::TimePoint unix_seconds(std::int64_t s) { return core::TimePoint(std::chrono::seconds(s)); }

TEST(Totp, MatchesTheRfc6238Sha1Vectors) {
  const std::pair<std::int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
  };
  for (const auto& [t, code] : vectors) {
    EXPECT_EQ(hotp(kSecret, static_cast<std::uint64_t>(totp_step(unix_seconds(t))), 8), code) << "T=" << t;
  }
}

TEST(Totp, AcceptsTheCodeOfOneStepBeforeOrAfterButNotTwo) {
  const auto now = unix_seconds(1234567890);
  const std::int64_t step = totp_step(now);
  EXPECT_EQ(totp_match(kSecret, hotp(kSecret, step), now), step);
  EXPECT_EQ(totp_match(kSecret, hotp(kSecret, step - 1), now), step - 1);
  EXPECT_EQ(totp_match(kSecret, hotp(kSecret, step + 1), now), step + 1);
  EXPECT_FALSE(totp_match(kSecret, hotp(kSecret, step - 2), now));
  EXPECT_FALSE(totp_match(kSecret, hotp(kSecret, step + 2), now));
  EXPECT_FALSE(totp_match(kSecret, "12345", now)) << "a code of the wrong length";
  EXPECT_FALSE(totp_match(kSecret, "", now));
}

TEST(Totp, Base32RoundTripsAndTheUriNamesTheAccount) {
  EXPECT_EQ(base32_encode(kSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(base32_decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), std::string(kSecret));
  EXPECT_FALSE(base32_decode("GEZ1"));
  EXPECT_EQ(otpauth_uri("amira", kSecret),
            "otpauth://totp/outreach:amira?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=outreach&algorithm=SHA1"
            "&digits=6&period=30");
}

}  // namespace
}  // namespace outreach::services
