#include "storage/credential_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "storage/principal_store.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

class CredentialStoreTest : public test::BackendStorageTest {
 protected:
  std::int64_t principal(const std::string& name) {
    return PrincipalStore(*db).add(name, PrincipalKind::coordinator, "", now()).take().principal.id;
  }

  CredentialStore store{*db};
};

TEST_P(CredentialStoreTest, ANewPrincipalHasNoPasswordOrSecretAndAnUnknownOneIsNotFound) {
  auto id = principal("els");
  auto c = store.credentials(id).take();
  EXPECT_EQ(c.password_hash, "");
  EXPECT_EQ(c.totp_sealed, "");
  EXPECT_FALSE(c.totp_last_step);
  EXPECT_EQ(store.credentials(id + 100).error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store.set_password_hash(id + 100, "$argon2id$x").error().code, core::ErrorCode::not_found);
  EXPECT_EQ(store.set_totp(id + 100, "abcd").error().code, core::ErrorCode::not_found);
}

TEST_P(CredentialStoreTest, ATotpStepIsAcceptedOnceAndNeverAnEarlierOneAfterIt) {
  auto id = principal("els");
  ASSERT_TRUE(store.set_password_hash(id, "$argon2id$v=19$hash"));
  ASSERT_TRUE(store.set_totp(id, "00ff"));
  EXPECT_TRUE(store.use_totp_step(id, 1000).take());
  EXPECT_FALSE(store.use_totp_step(id, 1000).take());  // replayed
  EXPECT_FALSE(store.use_totp_step(id, 999).take());   // older
  EXPECT_TRUE(store.use_totp_step(id, 1001).take());
  auto c = store.credentials(id).take();
  EXPECT_EQ(c.password_hash, "$argon2id$v=19$hash");
  EXPECT_EQ(c.totp_sealed, "00ff");
  EXPECT_EQ(c.totp_last_step, 1001);
  ASSERT_TRUE(store.set_totp(id, "11ee"));  // a new secret forgets the steps used
  EXPECT_FALSE(store.credentials(id)->totp_last_step);
  EXPECT_TRUE(store.use_totp_step(id, 5).take());
}

TEST_P(CredentialStoreTest, SessionsAreFoundByHashTouchedAndRevoked) {
  auto els = principal("els");
  auto ana = principal("ana");
  ASSERT_TRUE(store.add_session("h1", els, now(), at(hours(12))));
  ASSERT_TRUE(store.add_session("h2", els, now(), at(hours(12))));
  ASSERT_TRUE(store.add_session("h3", ana, now(), at(hours(12))));
  EXPECT_EQ(store.add_session("h1", ana, now(), at(hours(12))).error().code, core::ErrorCode::conflict);

  auto s = store.session("h1").take();
  EXPECT_EQ(s.principal_id, els);
  EXPECT_EQ(s.created_at, now());
  EXPECT_EQ(s.last_seen_at, now());
  EXPECT_EQ(s.expires_at, at(hours(12)));
  EXPECT_FALSE(s.revoked);
  EXPECT_EQ(store.session("nope").error().code, core::ErrorCode::not_found);

  ASSERT_TRUE(store.touch_session(s.id, at(minutes(5))));
  EXPECT_EQ(store.session("h1")->last_seen_at, at(minutes(5)));
  ASSERT_TRUE(store.revoke_session(s.id, at(minutes(6))));
  EXPECT_TRUE(store.session("h1")->revoked);

  EXPECT_EQ(store.revoke_sessions(els, at(minutes(7))).take(), 1);  // h2; h1 was revoked already
  EXPECT_TRUE(store.session("h2")->revoked);
  EXPECT_FALSE(store.session("h3")->revoked);
  EXPECT_EQ(store.revoke_sessions(els, at(minutes(8))).take(), 0);
}

TEST_P(CredentialStoreTest, ASignInLinkWorksOnceAndNotAfterItExpires) {
  auto els = principal("els");
  ASSERT_TRUE(store.add_link("l1", els, now(), at(minutes(15))));
  ASSERT_TRUE(store.add_link("l2", els, now(), at(minutes(15))));
  EXPECT_EQ(store.use_link("l1", at(minutes(1))).take(), els);
  EXPECT_EQ(store.use_link("l1", at(minutes(2))).error().code, core::ErrorCode::not_found);  // used
  EXPECT_EQ(store.use_link("l2", at(minutes(15))).error().code, core::ErrorCode::not_found);  // expired
  EXPECT_EQ(store.use_link("l3", now()).error().code, core::ErrorCode::not_found);
}

TEST_P(CredentialStoreTest, FailuresCountSinceTheLastSuccessAndWithinTheWindow) {
  ASSERT_TRUE(store.record_attempt("principal:els", now(), false));
  ASSERT_TRUE(store.record_attempt("principal:els", at(minutes(1)), false));
  ASSERT_TRUE(store.record_attempt("address:127.0.0.1", at(minutes(1)), false));
  EXPECT_EQ(store.recent_failures("principal:els", now()).take(), 2);
  EXPECT_EQ(store.recent_failures("principal:els", at(minutes(1))).take(), 1);
  EXPECT_EQ(store.recent_failures("principal:ana", now()).take(), 0);

  ASSERT_TRUE(store.record_attempt("principal:els", at(minutes(2)), true));
  EXPECT_EQ(store.recent_failures("principal:els", now()).take(), 0);
  ASSERT_TRUE(store.record_attempt("principal:els", at(minutes(3)), false));
  EXPECT_EQ(store.recent_failures("principal:els", now()).take(), 1);
  EXPECT_EQ(store.recent_failures("address:127.0.0.1", now()).take(), 1);
}

OUTREACH_ON_EACH_BACKEND(CredentialStoreTest);

}  // namespace
}  // namespace outreach::storage
