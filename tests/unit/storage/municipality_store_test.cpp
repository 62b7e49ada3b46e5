#include "storage/municipality_store.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

class MunicipalityStoreTest : public test::BackendStorageTest {
 protected:
  MunicipalityStore store{*db};
};

TEST_P(MunicipalityStoreTest, UpsertUpdatesInPlace) {
  add_region("rijnmond", "GM0599");
  Municipality m;
  m.code = "GM0599";
  m.name = "Rotterdam";
  m.region_code = "rijnmond";
  ASSERT_TRUE(store.upsert(m));
  m.name = "Gemeente Rotterdam";
  ASSERT_TRUE(store.upsert(m));

  auto got = store.get("GM0599").take();
  EXPECT_EQ(got.name, "Gemeente Rotterdam");
  EXPECT_EQ(got.region_code, "rijnmond");
  EXPECT_EQ(got.valid_from, "1900-01-01");
  EXPECT_EQ(got.valid_to, "");
  EXPECT_EQ(got.fallback_owner, "national");
  EXPECT_EQ(store.list().size(), 1u);
}

TEST_P(MunicipalityStoreTest, CodeMustBeACbsCode) {
  Municipality m;
  m.code = "0599";
  m.name = "Rotterdam";
  auto st = store.upsert(m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(st.error().what(), "code: '0599' is not a CBS municipality code (GM + 4 digits)");
  EXPECT_TRUE(store.list().empty());
}

TEST_P(MunicipalityStoreTest, UnknownRegionIsRefused) {
  Municipality m;
  m.code = "GM0599";
  m.name = "Rotterdam";
  m.region_code = "atlantis";
  auto st = store.upsert(m);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, core::ErrorCode::invalid_input);
  EXPECT_EQ(st.error().what(), "region: unknown region 'atlantis'");
}

TEST_P(MunicipalityStoreTest, UnknownCodeIsNotFound) {
  auto got = store.get("GM9999");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, core::ErrorCode::not_found);
  EXPECT_EQ(got.error().what(), "unknown municipality 'GM9999'");
  auto region = store.region("atlantis");
  ASSERT_FALSE(region);
  EXPECT_EQ(region.error().what(), "unknown region 'atlantis'");
}

TEST_P(MunicipalityStoreTest, MergedMunicipalityKeepsSuccessor) {
  Municipality m;
  m.code = "GM0513";
  m.name = "Gouda";
  m.valid_to = "2026-01-01";
  m.successor_code = "GM1999";
  ASSERT_TRUE(store.upsert(m));
  auto got = store.get("GM0513").take();
  EXPECT_EQ(got.valid_to, "2026-01-01");
  EXPECT_EQ(got.successor_code, "GM1999");
}

TEST_P(MunicipalityStoreTest, RegionOfAllListsOnlyMunicipalitiesInARegion) {
  add_region("rijnmond", "GM0599");
  add_region("haaglanden", "GM0518");
  add_municipality("GM0599", "rijnmond");
  add_municipality("GM0518", "haaglanden");
  add_municipality("GM0363");
  EXPECT_EQ(store.region_of_all(),
            (std::map<std::string, std::string>{{"GM0518", "haaglanden"}, {"GM0599", "rijnmond"}}));
  EXPECT_EQ(store.names().size(), 3u);
  EXPECT_EQ(store.names().at("GM0363"), "Gemeente GM0363");
  ASSERT_EQ(store.regions().size(), 2u);
  EXPECT_EQ(store.regions()[0].code, "haaglanden");
  EXPECT_EQ(store.region("rijnmond")->hub_code, "GM0599");
}

OUTREACH_ON_EACH_BACKEND(MunicipalityStoreTest);

}  // namespace
}  // namespace outreach::storage
