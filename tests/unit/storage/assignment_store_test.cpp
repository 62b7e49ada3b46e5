#include "storage/assignment_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "storage/suppression_list.h"
#include "tests/support/store_backends.h"

namespace outreach::storage {
namespace {

using std::chrono::hours;

class AssignmentStoreTest : public test::BackendStorageTest {
 protected:
  std::int64_t person(const std::string& name, const std::string& municipality = "GM0599",
                      const std::string& language = "nl") {
    if (!MunicipalityStore(*db).get(municipality)) add_municipality(municipality);
    Contact c;
    c.name = name;
    c.municipality = municipality;
    c.language = language;
    return ContactStore(*db).add(c, now()).take();
  }
  std::vector<std::int64_t> candidates(std::vector<std::string> municipalities, const std::string& language = "",
                                       std::int64_t after = 0, int limit = 10) {
    return store.candidates(municipalities, language, after, limit).take();
  }

  AssignmentStore store{*db};
};

TEST_P(AssignmentStoreTest, CandidatesAreLiveUnassignedPeopleOfTheMunicipalitiesInIdOrder) {
  auto anna = person("Anna");
  auto bert = person("Bert", "GM0518");
  auto cor = person("Cor", "GM0599", "en");
  auto dnc = person("Dnc");
  ASSERT_TRUE(ContactStore(*db).set_do_not_contact(dnc, true, "asked"));
  auto erased = person("Weg");
  SuppressionList suppressions(*db, "test-suppression-key");
  ASSERT_TRUE(ContactStore(*db).erase(erased, suppressions, now()));
  auto taken = person("Taken");
  person("Elders", "GM1900");
  ASSERT_TRUE(store.assign(taken, "ivo", now()));

  EXPECT_EQ(candidates({"GM0599"}), (std::vector<std::int64_t>{anna, cor}));
  EXPECT_EQ(candidates({"GM0599", "GM0518"}), (std::vector<std::int64_t>{anna, bert, cor}));
  EXPECT_EQ(candidates({"GM0599", "GM0518"}, "nl"), (std::vector<std::int64_t>{anna, bert}));
  EXPECT_EQ(candidates({"GM0599", "GM0518"}, "", anna), (std::vector<std::int64_t>{bert, cor}));
  EXPECT_EQ(candidates({"GM0599", "GM0518"}, "", 0, 1), (std::vector<std::int64_t>{anna}));
  EXPECT_TRUE(candidates({}).empty());
}

TEST_P(AssignmentStoreTest, APersonIsHeldByOneAssigneeUntilReleasedOrExpired) {
  auto anna = person("Anna");
  auto bert = person("Bert");
  ASSERT_TRUE(store.assign(anna, "vera", now()));
  auto twice = store.assign(anna, "ivo", now());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, core::ErrorCode::conflict);
  EXPECT_TRUE(store.is_assigned(anna, "vera"));
  EXPECT_FALSE(store.is_assigned(anna, "ivo"));
  clock.advance(hours(1));
  ASSERT_TRUE(store.assign(bert, "vera", now()));
  auto held = store.active_for("vera");
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].contact_id, anna);
  EXPECT_EQ(held[0].assigned_at, at(-hours(1)));
  EXPECT_EQ(held[1].contact_id, bert);

  EXPECT_EQ(store.release(anna, "ivo", now()).error().code, core::ErrorCode::not_found);
  ASSERT_TRUE(store.release(anna, "vera", now()));
  EXPECT_FALSE(store.is_assigned(anna, "vera"));
  EXPECT_EQ(store.release(anna, "vera", now()).error().code, core::ErrorCode::not_found);
  ASSERT_TRUE(store.assign(anna, "ivo", now()));  // free again

  EXPECT_EQ(store.expire(at(-hours(1)), now()).take(), 0);  // both live ones were handed out after the cutoff
  EXPECT_EQ(store.expire(now(), now()).take(), 2);
  EXPECT_TRUE(store.active_for("vera").empty());
  EXPECT_TRUE(store.active_for("ivo").empty());
}

OUTREACH_ON_EACH_BACKEND(AssignmentStoreTest);

}  // namespace
}  // namespace outreach::storage
