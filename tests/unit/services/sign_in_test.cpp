// Signing in as a use case, with a manual clock: passwords, the TOTP second factor and its replay,
// one-time links, throttling, session expiry and revocation, and the audit trail.
#include "services/sign_in.h"

#include <gtest/gtest.h>

#include "services/totp.h"
#include "storage/audit_log.h"
#include "tests/support/storage_fixture.h"

namespace outreach::test {
namespace {

using services::Actor;
using storage::PrincipalKind;

constexpr const char* kPassword = "een-lang-wachtwoord";

class SignInTest : public StorageTest {
 protected:
  SignInTest() {
    add_region("rijnmond", "GM0599");
    add_municipality("GM0599", "rijnmond");
    principals.add("vera", PrincipalKind::volunteer, "GM0599", now()).take();
    principals.add("amira", PrincipalKind::coordinator, "", now()).take();
    sign_in.set_password(op, "vera", kPassword).take();
    sign_in.set_password(op, "amira", kPassword).take();
    secret = *services::base32_decode(sign_in.reset_totp(op, "amira").take().secret_base32);
  }
  core::Result<services::SignedIn> password(const std::string& name, const std::string& pw, const std::string& code = {},
                                            const std::string& address = "10.0.0.1") {
    return sign_in.with_password({name, pw, code, address, "req-1"});
  }
  std::string code_now(int step_offset = 0) {
    return services::hotp(secret, static_cast<std::uint64_t>(services::totp_step(clock.now()) + step_offset));
  }
  int audit_count(const std::string& action) {
    int n = 0;
    storage::AuditLog(*db).for_each([&](const storage::AuditRecord& r) { n += r.action == action; });
    return n;
  }

  storage::PrincipalStore principals{*db};
  services::SignIn sign_in{*db, clock, std::string(32, 'k'), {.minimal_password_cost = true}};
  Actor op{"cli:operator", PrincipalKind::operator_, {}, "cli-1", "cli"};
  std::string secret;
};

TEST_F(SignInTest, AVolunteerSignsInWithTheRightPasswordOnly) {
  auto s = password("vera", kPassword);
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_EQ(s->principal.name, "vera");
  EXPECT_EQ(s->session_token.size(), 32u);
  EXPECT_TRUE(sign_in.session(s->session_token));
  auto wrong = password("vera", "niet-het-wachtwoord");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "name, password or code is wrong");
  EXPECT_EQ(password("nobody", kPassword).error().message, "name, password or code is wrong");
  EXPECT_EQ(audit_count("sign_in"), 1);
  EXPECT_EQ(audit_count("sign_in.failed"), 2);
}

TEST_F(SignInTest, ACoordinatorNeedsTheCurrentCodeAndACodeWorksOnce) {
  EXPECT_FALSE(password("amira", kPassword)) << "no code";
  EXPECT_FALSE(password("amira", kPassword, code_now(2))) << "a code two steps ahead";
  EXPECT_TRUE(password("amira", kPassword, code_now(-1))) << "the previous step's code (clock skew)";
  auto replay = password("amira", kPassword, code_now(-1));
  EXPECT_FALSE(replay) << "the same step again";
  EXPECT_TRUE(password("amira", kPassword, code_now()));
}

TEST_F(SignInTest, TheTotpSecretIsNotStoredInTheClear) {
  SQLite::Statement st(db->sqlite(), "SELECT totp_sealed FROM principals WHERE name = 'amira'");
  ASSERT_TRUE(st.executeStep());
  const std::string sealed = st.getColumn(0).getString();
  EXPECT_EQ(sealed.find(services::base32_encode(secret)), std::string::npos);
  EXPECT_GT(sealed.size(), 2 * secret.size());
  // Another server secret cannot open it: signing in fails rather than accepting any code.
  services::SignIn other{*db, clock, std::string(32, 'x'), {.minimal_password_cost = true}};
  EXPECT_FALSE(other.with_password({"amira", kPassword, code_now(), "10.0.0.1", "r"}));
}

TEST_F(SignInTest, FiveFailuresForANameLockItForTheWindowEvenWithTheRightPassword) {
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(password("vera", "fout-wachtwoord-" + std::to_string(i), {}, "10.0.0." + std::to_string(i)));
  auto locked = password("vera", kPassword, {}, "10.9.9.9");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().where, "throttled");
  clock.advance(std::chrono::minutes(16));
  EXPECT_TRUE(password("vera", kPassword, {}, "10.9.9.9")) << "after the window";
}

// serve checks the password on a reader thread first (check_password) and writes the session on
// the engine's thread (with_password): the slow hash must not run twice, nor count when stale.
TEST_F(SignInTest, APasswordCheckedAheadDecidesUnlessThePasswordWasSetMeanwhile) {
  const services::PasswordAttempt right{"vera", kPassword, {}, "10.0.0.1", "r"};
  auto check = sign_in.check_password(right).take();
  ASSERT_TRUE(check);
  EXPECT_TRUE(check->matches);
  EXPECT_TRUE(sign_in.with_password(right, check));

  const services::PasswordAttempt wrong{"vera", "niet-het-wachtwoord", {}, "10.0.0.1", "r"};
  auto wrong_check = sign_in.check_password(wrong).take();
  ASSERT_TRUE(wrong_check);
  EXPECT_FALSE(wrong_check->matches);
  EXPECT_FALSE(sign_in.with_password(wrong, wrong_check));
  // The verdict for the hash stored now decides; the password is not hashed again.
  EXPECT_TRUE(sign_in.with_password(wrong, check)) << "a check of the current hash is trusted";

  // The password is set again between the check and the sign-in: the old check no longer counts.
  sign_in.set_password(op, "vera", "een-ander-wachtwoord").take();
  EXPECT_FALSE(sign_in.with_password(right, check));
  EXPECT_TRUE(sign_in.with_password({"vera", "een-ander-wachtwoord", {}, "10.0.0.1", "r"}, check))
      << "checked again against the new hash";
  EXPECT_FALSE(sign_in.check_password({"nobody", kPassword, {}, "10.0.0.1", "r"}).take()->matches);
}

TEST_F(SignInTest, AThrottledAttemptIsNotCheckedAhead) {
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(password("vera", "fout-wachtwoord-" + std::to_string(i)));
  auto check = sign_in.check_password({"vera", kPassword, {}, "10.9.9.9", "r"}).take();
  EXPECT_FALSE(check) << "no hash is computed for a locked name";
  EXPECT_EQ(sign_in.with_password({"vera", kPassword, {}, "10.9.9.9", "r"}, check).error().where, "throttled");
}

TEST_F(SignInTest, TwentyFailuresFromOneAddressLockThatAddress) {
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(password("nobody" + std::to_string(i), kPassword, {}, "192.0.2.7"));
  EXPECT_EQ(password("vera", kPassword, {}, "192.0.2.7").error().where, "throttled");
  EXPECT_TRUE(password("vera", kPassword, {}, "192.0.2.8"));
}

TEST_F(SignInTest, ALinkSignsInOnceAndExpires) {
  auto token = sign_in.issue_link(op, "vera").take();
  EXPECT_TRUE(sign_in.with_link(token, "10.0.0.1", "r"));
  EXPECT_FALSE(sign_in.with_link(token, "10.0.0.1", "r")) << "used";
  auto late = sign_in.issue_link(op, "vera").take();
  clock.advance(std::chrono::minutes(31));
  EXPECT_FALSE(sign_in.with_link(late, "10.0.0.1", "r")) << "expired";
  EXPECT_EQ(sign_in.issue_link(op, "amira").error().message, "a coordinator signs in with a password, not a link");
}

TEST_F(SignInTest, SessionsEndWhenIdleAtTheirAbsoluteEndAtSignOutAndOnANewPassword) {
  auto a = password("vera", kPassword).take();
  clock.advance(std::chrono::minutes(59));
  EXPECT_TRUE(sign_in.session(a.session_token)) << "used within the idle time";
  clock.advance(std::chrono::minutes(59));
  EXPECT_TRUE(sign_in.session(a.session_token));
  clock.advance(std::chrono::minutes(61));
  EXPECT_FALSE(sign_in.session(a.session_token)) << "idle too long";

  auto b = password("vera", kPassword).take();
  for (int i = 0; i < 14; ++i) {
    clock.advance(std::chrono::minutes(55));
    (void)sign_in.session(b.session_token);
  }
  EXPECT_FALSE(sign_in.session(b.session_token)) << "past 12 hours, however busy";

  auto c = password("vera", kPassword).take();
  sign_in.sign_out(c.session_token, "r").take();
  EXPECT_FALSE(sign_in.session(c.session_token));
  EXPECT_EQ(audit_count("sign_out"), 1);

  auto d = password("vera", kPassword).take();
  sign_in.set_password(op, "vera", "een-ander-wachtwoord").take();
  EXPECT_FALSE(sign_in.session(d.session_token)) << "a new password signs every session out";
  EXPECT_TRUE(password("vera", "een-ander-wachtwoord"));
}

TEST_F(SignInTest, OnlyOperatorsSetPasswordsAndShortOnesAreRefused) {
  Actor amira{"amira", PrincipalKind::coordinator, {}, "r", "web"};
  EXPECT_EQ(sign_in.set_password(amira, "vera", kPassword).error().code, core::ErrorCode::forbidden);
  auto short_one = sign_in.set_password(op, "vera", "kort");
  ASSERT_FALSE(short_one);
  EXPECT_EQ(short_one.error().what(), "password: expected 10 to 1024 bytes");
}

TEST_F(SignInTest, ARevokedPrincipalLosesItsSessions) {
  auto s = password("vera", kPassword).take();
  principals.revoke("vera", now()).take();
  EXPECT_FALSE(sign_in.session(s.session_token));
  EXPECT_FALSE(password("vera", kPassword));
}

}  // namespace
}  // namespace outreach::test
