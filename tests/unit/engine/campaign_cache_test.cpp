#include "engine/campaign_cache.h"

#include <gtest/gtest.h>

#include "storage/campaign_store.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class CampaignCacheTest : public EngineTest {
 protected:
  std::int64_t save(const std::string& yaml) {
    return storage::CampaignStore(*db).save("c", "Test c", "c.yaml", yaml, "amira", clock.now()).take().campaign.id;
  }
};

TEST_F(CampaignCacheTest, AStoredVersionIsParsedOnceAndADraftEditedInPlaceIsParsedAnew) {
  const auto id = save(campaign_yaml("c", one_step()));
  engine::CampaignCache cache;
  auto first = cache.get(*db, id, 1);
  ASSERT_TRUE(first) << first.error().what();
  auto again = cache.get(*db, id, 1);
  ASSERT_TRUE(again);
  EXPECT_EQ(first->get(), again->get());
  EXPECT_EQ(cache.parses(), 1u);
  EXPECT_EQ((*first)->steps.size(), 1u);

  // A draft is edited in place (same version number): the cache must not answer the old text.
  save(campaign_yaml("c", one_step() + "  - id: two\n    after: 2d\n    channels: [sms]\n    template: second\n"));
  auto edited = cache.get(*db, id, 1);
  ASSERT_TRUE(edited) << edited.error().what();
  EXPECT_EQ((*edited)->steps.size(), 2u);
  EXPECT_EQ(cache.parses(), 2u);
}

TEST_F(CampaignCacheTest, AMissingVersionIsAnError) {
  engine::CampaignCache cache;
  EXPECT_FALSE(cache.get(*db, 42, 1));
}

}  // namespace
}  // namespace outreach::test
