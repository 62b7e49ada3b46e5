// A page of a municipality list asks the policy about all its people at once
// (engine::load_people_facts, services::Contactability::check_all). The facts read for many people
// must be exactly those read for each one alone, whatever each person's state, so the one policy
// decides the same on every path.

#include <gtest/gtest.h>

#include <vector>

#include "engine/audience_source.h"
#include "services/contactability.h"
#include "storage/contact_store.h"
#include "storage/suppression_list.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

class PeopleFacts : public EngineTest {
 protected:
  PeopleFacts() { config.suppression_key = std::string(32, 'k'); }

  // One person in each state the policy looks at, and a plain one between them.
  std::vector<std::int64_t> everyone() {
    std::vector<std::int64_t> ids;
    ids.push_back(person(1));                               // consent on every channel
    ids.push_back(person(2, false));                        // phone only
    withdraw(ids.back(), "sms");                            // STOP on SMS
    ids.push_back(person(3, true, true));
    storage::ContactStore(*db).set_do_not_contact(ids.back(), true, "asked").take();
    ids.push_back(person(4));
    storage::SuppressionList suppressions(*db, config.suppression_key);
    suppressions.add({core::Urn::parse("mailto:p4@example.nl").take()}, "opted_out", clock.now()).take();
    ids.push_back(person(5));
    storage::ContactStore(*db).erase(ids.back(), suppressions, clock.now()).take();
    ids.push_back(person(6));
    grant(ids.back(), "*", "share:GM0599");
    grant(ids.back(), "*", "peer-contact");
    withdraw(ids.back(), "*", "share:GM0599");
    ids.push_back(person(7));
    return ids;
  }
};

void expect_same(const campaigns::PersonFacts& many, const campaigns::PersonFacts& one) {
  EXPECT_EQ(many.contact_id, one.contact_id);
  EXPECT_EQ(many.municipality, one.municipality);
  EXPECT_EQ(many.erased, one.erased);
  EXPECT_EQ(many.do_not_contact, one.do_not_contact);
  EXPECT_EQ(many.suppressed, one.suppressed);
  EXPECT_EQ(many.error_report, one.error_report);
  ASSERT_EQ(many.consent.size(), one.consent.size());
  for (const auto& [purpose, state] : one.consent) {
    ASSERT_TRUE(many.consent.count(purpose)) << purpose;
    EXPECT_EQ(many.consent.at(purpose).latest, state.latest) << purpose;
  }
}

TEST_F(PeopleFacts, ManyAtOnceAreTheFactsOfEachAlone) {
  auto ids = everyone();
  ids.push_back(9999);  // no such contact: absent, as load_person_facts says not_found
  storage::SuppressionList suppressions(*db, config.suppression_key);
  auto many = engine::load_people_facts(*db, ids, &suppressions);
  ASSERT_TRUE(many) << many.error().what();
  EXPECT_EQ(many->size(), ids.size() - 1);
  EXPECT_EQ(many->count(9999), 0u);
  EXPECT_FALSE(engine::load_person_facts(*db, 9999, &suppressions));
  for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
    SCOPED_TRACE("contact " + std::to_string(ids[i]));
    auto one = engine::load_person_facts(*db, ids[i], &suppressions);
    ASSERT_TRUE(one) << one.error().what();
    ASSERT_TRUE(many->count(ids[i]));
    expect_same(many->at(ids[i]), *one);
  }
  // The states the people were put in are really there (the comparison is not of empty facts).
  EXPECT_TRUE(many->at(ids[2]).do_not_contact);
  EXPECT_TRUE(many->at(ids[3]).suppressed);
  EXPECT_TRUE(many->at(ids[4]).erased);
  EXPECT_FALSE(many->at(ids[0]).suppressed);
}

TEST_F(PeopleFacts, CheckAllDecidesAsCheckDoesForEveryPerson) {
  auto ids = everyone();
  services::Contactability policy(*db, config.suppression_key);
  const auto clerk = actor_as("rotterdam", storage::PrincipalKind::municipality, "GM0599");
  const auto elsewhere = actor_as("utrecht", storage::PrincipalKind::municipality, "GM0344");
  for (const auto& actor : {clerk, elsewhere}) {
    for (const campaigns::Ask& ask : {campaigns::Ask{.use = campaigns::Use::list_for_municipality, .municipality = "GM0599"},
                                      campaigns::Ask{.use = campaigns::Use::message, .channel = "sms"}}) {
      auto all = policy.check_all(actor, ids, ask);
      ASSERT_TRUE(all) << all.error().what();
      int allowed = 0;
      for (auto id : ids) {
        auto one = policy.check(actor, id, ask);
        ASSERT_TRUE(one) << one.error().what();
        EXPECT_EQ(all->at(id).refusal, one->refusal) << "contact " << id << " actor " << actor.name;
        allowed += one->allowed() ? 1 : 0;
      }
      if (actor.name == "rotterdam" && ask.use == campaigns::Use::message) {
        EXPECT_GT(allowed, 0);
      }
    }
  }
}

}  // namespace
}  // namespace outreach::test
