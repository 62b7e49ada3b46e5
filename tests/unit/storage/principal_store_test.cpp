#include "storage/principal_store.h"

#include <gtest/gtest.h>

#include <string>

#include "storage/hashing.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class PrincipalStoreTest : public test::BackendStorageTest {
 protected:
  PrincipalStore store{*db};
};

TEST_P(PrincipalStoreTest, TokenIsShownOnceAndOnlyItsHashIsStored) {
  auto issued = store.add("rotterdam", PrincipalKind::municipality, "GM0599", now()).take();
  EXPECT_EQ(issued.token.rfind("otr_", 0), 0u);
  EXPECT_EQ(issued.token.size(), 4u + 32u);
  EXPECT_EQ(issued.principal.name, "rotterdam");
  EXPECT_EQ(issued.principal.kind, PrincipalKind::municipality);
  EXPECT_EQ(issued.principal.scope, "GM0599");
  EXPECT_EQ(issued.principal.created_at, now());

  EXPECT_EQ(sql_text("SELECT token_hash FROM principals"), sha256_hex(issued.token));
  const std::string like = "'%" + issued.token.substr(4) + "%'";
  EXPECT_EQ(sql_int("SELECT count(*) FROM principals WHERE name LIKE " + like + " OR kind LIKE " + like +
                    " OR scope LIKE " + like + " OR token_hash LIKE " + like),
            0);
}

TEST_P(PrincipalStoreTest, TokenAuthenticatesItsPrincipal) {
  auto a = store.add("rotterdam", PrincipalKind::municipality, "GM0599", now()).take();
  auto b = store.add("els", PrincipalKind::approver, "", now()).take();
  EXPECT_NE(a.token, b.token);
  EXPECT_EQ(store.authenticate(a.token)->name, "rotterdam");
  EXPECT_EQ(store.authenticate(b.token)->kind, PrincipalKind::approver);
}

TEST_P(PrincipalStoreTest, UnknownOrEmptyTokenIsRefused) {
  store.add("els", PrincipalKind::approver, "", now()).take();
  for (const std::string token : {"", "otr_guess", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}) {
    auto p = store.authenticate(token);
    ASSERT_FALSE(p) << token;
    EXPECT_EQ(p.error().code, core::ErrorCode::unauthorized);
    EXPECT_EQ(p.error().what(), "Authorization: missing or unknown bearer token");
  }
}

TEST_P(PrincipalStoreTest, RevokedTokenIsRefused) {
  auto issued = store.add("els", PrincipalKind::approver, "", now()).take();
  ASSERT_TRUE(store.revoke("els", now()));
  auto p = store.authenticate(issued.token);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, core::ErrorCode::unauthorized);
  EXPECT_TRUE(store.find("els")->revoked);
  EXPECT_EQ(store.revoke("els", now()).error().what(), "name: no active principal 'els'");
}

TEST_P(PrincipalStoreTest, NamesAreUnique) {
  store.add("els", PrincipalKind::approver, "", now()).take();
  auto again = store.add("els", PrincipalKind::coordinator, "", now());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, core::ErrorCode::conflict);
  EXPECT_EQ(again.error().what(), "name: principal 'els' exists");
  EXPECT_EQ(store.list().size(), 1u);
}

TEST_P(PrincipalStoreTest, ScopedKindsNeedAScope) {
  auto m = store.add("rotterdam", PrincipalKind::municipality, "", now());
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().what(), "scope: a municipality principal needs a scope");
  EXPECT_EQ(store.add("rijnmond", PrincipalKind::regional_hub, "", now()).error().what(),
            "scope: a regional_hub principal needs a scope");
  EXPECT_EQ(store.add("", PrincipalKind::operator_, "", now()).error().what(), "name: principal name is empty");
  EXPECT_TRUE(store.list().empty());
}

TEST_P(PrincipalStoreTest, UnknownKindIsRefusedWithTheKnownKinds) {
  auto k = parse_principal_kind("admin");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(k.error().what(),
            "kind: unknown principal kind 'admin' (coordinator, approver, volunteer, intermediary, municipality, "
            "regional_hub, national_fallback, operator, parent_panel)");
  EXPECT_EQ(parse_principal_kind("operator").take(), PrincipalKind::operator_);
  EXPECT_EQ(std::string(to_string(PrincipalKind::national_fallback)), "national_fallback");
}

TEST_P(PrincipalStoreTest, FindAndList) {
  store.add("els", PrincipalKind::approver, "", now()).take();
  store.add("rijnmond", PrincipalKind::regional_hub, "rijnmond", now()).take();
  EXPECT_EQ(store.find("rijnmond")->scope, "rijnmond");
  EXPECT_EQ(store.find("nobody").error().what(), "name: no principal 'nobody'");
  ASSERT_EQ(store.list().size(), 2u);
  EXPECT_EQ(store.list()[0].name, "els");
}

OUTREACH_ON_EACH_BACKEND(PrincipalStoreTest);

}  // namespace
}  // namespace outreach::storage
