// Several engines on one PostgreSQL: an engine killed while it gathers intermediary digests leaves
// its people's rows `sending`. The leader recovers them as soon as that engine's session has ended,
// by the rules of a restart on SQLite (engine/digest_recovery.h): a digest still waiting never
// left, so its people are queued again; an accepted one is recorded sent; one that may have left
// makes its people `unknown`. A live engine's digests are never touched.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "engine/digest_recovery.h"
#include "storage/campaign_store.h"
#include "storage/database.h"
#include "storage/digest_store.h"
#include "storage/engine_session.h"
#include "storage/outbox.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/storage_fixture.h"

namespace outreach::engine {
namespace {

using std::chrono::minutes;

class DigestTakeoverTest : public test::StorageTest {
 protected:
  void SetUp() override {
    auto* pg = test::PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
    url = pg->create_database().take();
    db = storage::Database::open(url).take();
  }

  std::int64_t running_campaign() {
    storage::CampaignStore campaigns(*db);
    auto id = campaigns.save("herstel", "herstel", "", "text", "coord", now()).take().campaign.id;
    const char* path[] = {"draft", "in_review", "approved", "running"};
    for (int i = 0; i < 3; ++i) campaigns.set_state(id, path[i], path[i + 1], "coord", now()).take();
    return id;
  }
  storage::MessageStatus status_of(std::int64_t id) { return storage::Outbox(*db).get(id).take().status; }

  std::string url;
};

TEST_F(DigestTakeoverTest, TheDigestsOfAStoppedEngineAreRecoveredAndALiveOnesAreLeftAlone) {
  const auto campaign = running_campaign();
  std::vector<std::int64_t> people;
  for (const char* name : {"Anouk", "Bram", "Cem", "Dirk"}) people.push_back(add_contact(name));
  ASSERT_EQ(storage::Outbox(*db).enqueue_launch(campaign, 1, 1, people, now(), now()).take(), 4);

  // Engine A claims the four and gathers them in digests: Anouk's still waits, Bram's was
  // accepted, Cem's request may have left. Dirk's is another live engine's (B's, below).
  auto a = storage::Database::open(url).take();
  const auto a_session = storage::claim_engine_session(*a).take();
  auto claimed = storage::Outbox(*a).claim_due(now(), 10, at(minutes(5))).take();
  ASSERT_EQ(claimed.size(), 4u);
  storage::DigestStore a_digests(*a);
  ASSERT_TRUE(a_digests.join(claimed[0].id, "buurt", "intermediary", "buurt-1", now()));
  ASSERT_TRUE(a_digests.join(claimed[1].id, "buurt", "intermediary", "buurt-2", now()));
  ASSERT_TRUE(a_digests.mark("buurt-2", storage::DigestState::sent, now()));
  ASSERT_TRUE(a_digests.join(claimed[2].id, "buurt", "intermediary", "buurt-3", now()));
  ASSERT_TRUE(a_digests.mark("buurt-3", storage::DigestState::sending, now()));
  auto b = storage::Database::open(url).take();  // the leader
  const auto b_session = storage::claim_engine_session(*b).take();
  ASSERT_NE(a_session, b_session);
  ASSERT_TRUE(storage::DigestStore(*b).join(claimed[3].id, "buurt", "intermediary", "buurt-4", now()));

  // While A runs, its digests are its own.
  auto early = recover_orphaned_digests(*b, now());
  ASSERT_TRUE(early) << early.error().what();
  EXPECT_EQ(early->total(), 0);
  EXPECT_EQ(storage::DigestStore(*db).count(), 4);

  a.reset();  // A is killed: its session ends a moment later
  DigestRecoveryReport report;
  for (int i = 0; i < 250 && report.total() == 0; ++i) {
    auto r = recover_orphaned_digests(*b, now());
    ASSERT_TRUE(r) << r.error().what();
    report = *r;
    if (report.total() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(report.requeued, 1);
  EXPECT_EQ(report.sent, 1);
  EXPECT_EQ(report.unknown, 1);
  EXPECT_EQ(status_of(claimed[0].id), storage::MessageStatus::queued) << "never left: goes out once, later";
  EXPECT_EQ(status_of(claimed[1].id), storage::MessageStatus::sent);
  EXPECT_EQ(storage::Outbox(*db).get(claimed[1].id).take().provider_id, "buurt-2");
  EXPECT_EQ(status_of(claimed[2].id), storage::MessageStatus::unknown) << "may have arrived: never resent";
  EXPECT_EQ(status_of(claimed[3].id), storage::MessageStatus::sending) << "the leader's own digest waits";
  EXPECT_EQ(storage::DigestStore(*db).count(), 1);
  EXPECT_EQ(recover_orphaned_digests(*b, now())->total(), 0) << "recovered once";

  // A new engine cannot take the id while it is being recovered, and can after.
  auto c = storage::Database::open(url).take();
  EXPECT_FALSE(storage::take_if_gone(*c, b_session).take()) << "B is alive";
  EXPECT_TRUE(storage::take_if_gone(*c, a_session).take()) << "released after the recovery";
}

}  // namespace
}  // namespace outreach::engine
