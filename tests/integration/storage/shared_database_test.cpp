// Several engines on one PostgreSQL database (issue 13 part 2), each with its own connection as
// separate processes would have: claims never hand a row to two engines, the audit chain stays one
// chain, and exactly one engine holds the singletons' lock, which another takes over when the
// holder's session ends.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/advisory_locks.h"
#include "storage/audit_log.h"
#include "storage/campaign_store.h"
#include "storage/database.h"
#include "storage/leader_lock.h"
#include "storage/outbox.h"
#include "storage/rate_buckets.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"
#include "tests/support/storage_fixture.h"

namespace outreach::storage {
namespace {

using std::chrono::minutes;

class SharedDatabaseTest : public test::StorageTest {
 protected:
  void SetUp() override {
    pg = test::PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
    url = pg->create_database().take();
    db = Database::open(url).take();
  }
  // Another engine's connection to the same database.
  std::unique_ptr<Database> engine() { return Database::open(url).take(); }

  std::int64_t running_campaign() {
    CampaignStore campaigns(*db);
    auto id = campaigns.save("herstel", "herstel", "", "text", "coord", now()).take().campaign.id;
    const char* path[] = {"draft", "in_review", "approved", "running"};
    for (int i = 0; i < 3; ++i) campaigns.set_state(id, path[i], path[i + 1], "coord", now()).take();
    return id;
  }

  test::PostgresServer* pg = nullptr;
  std::string url;
};

// The server ends a closed session's backend (and frees its locks) a moment after the client goes:
// what another engine sees on its next tries, up to 5 s.
bool takes_over_soon(LeaderLock& lock) {
  for (int i = 0; i < 250; ++i) {
    if (lock.try_acquire()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_F(SharedDatabaseTest, EnginesClaimingTogetherNeverTakeTheSameMessage) {
  const auto campaign = running_campaign();
  std::vector<std::int64_t> people;
  for (int i = 0; i < 600; ++i) people.push_back(add_contact("P" + std::to_string(i)));
  ASSERT_EQ(Outbox(*db).enqueue_launch(campaign, 1, 1, people, now(), now()).take(), 600);

  // Three engines claim small batches as fast as they can until nothing is left.
  constexpr int kEngines = 3;
  std::vector<std::vector<std::int64_t>> taken(kEngines);
  std::vector<std::string> errors(kEngines);
  std::vector<std::thread> engines;
  for (int e = 0; e < kEngines; ++e) {
    engines.emplace_back([&, e] {
      try {
        auto conn = engine();
        Outbox outbox(*conn);
        for (;;) {
          auto batch = outbox.claim_due(now(), 7, now() + minutes(5));
          if (!batch) {
            errors[e] = batch.error().what();
            return;
          }
          if (batch->empty()) return;
          for (const auto& m : *batch) taken[e].push_back(m.id);
        }
      } catch (const std::exception& ex) {
        errors[e] = ex.what();
      }
    });
  }
  for (auto& t : engines) t.join();
  std::multiset<std::int64_t> all;
  for (int e = 0; e < kEngines; ++e) {
    EXPECT_EQ(errors[e], "") << "engine " << e;
    all.insert(taken[e].begin(), taken[e].end());
  }
  EXPECT_EQ(all.size(), 600u);
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), 600u) << "a message was claimed twice";
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE status = 'sending'"), 600);
}

TEST_F(SharedDatabaseTest, TwoEnginesAuditingTogetherExtendOneChain) {
  constexpr int kEach = 150;
  std::vector<std::string> errors(2);
  std::vector<std::thread> engines;
  for (int e = 0; e < 2; ++e) {
    engines.emplace_back([&, e] {
      auto conn = engine();
      AuditLog log(*conn);
      for (int i = 0; i < kEach; ++i) {
        AuditRecord r;
        r.at = now();
        r.actor = "engine" + std::to_string(e);
        r.action = "test.append";
        r.subject = "n:" + std::to_string(i);
        r.purpose = "audit";
        if (auto id = log.append(r); !id) {
          errors[e] = id.error().what();
          return;
        }
      }
    });
  }
  for (auto& t : engines) t.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log"), 2 * kEach);
  auto verified = AuditLog(*db).verify();
  EXPECT_TRUE(verified) << verified.error().what();
}

TEST_F(SharedDatabaseTest, EnginesTakingFromOneBucketTogetherKeepToItsRate) {
  // Three engines take tokens as fast as they can over 10 simulated seconds at 20/s, burst 10: all
  // of them together get the bucket's 10 + 200, never more (a lost update would hand out extra).
  constexpr int kEngines = 3;
  std::vector<int> taken(kEngines, 0);
  std::vector<std::string> errors(kEngines);
  std::vector<std::thread> engines;
  for (int e = 0; e < kEngines; ++e) {
    engines.emplace_back([&, e] {
      auto conn = engine();
      RateBuckets buckets(*conn);
      for (int ms = 0; ms <= 10'000; ms += 5) {
        auto grant = buckets.take("channel:sms", 20, 10, 3, now() + std::chrono::milliseconds(ms));
        if (!grant) {
          errors[e] = grant.error().what();
          return;
        }
        taken[e] += grant->taken;
      }
    });
  }
  for (auto& t : engines) t.join();
  int total = 0;
  for (int e = 0; e < kEngines; ++e) {
    EXPECT_EQ(errors[e], "");
    total += taken[e];
  }
  EXPECT_LE(total, 210);
  EXPECT_GE(total, 200);  // and the rate is used, not wasted
}

TEST_F(SharedDatabaseTest, OneEngineLeadsAndAnotherTakesOverWhenItStops) {
  auto first = LeaderLock::connect(url, kSingletonsLock).take();
  auto second = LeaderLock::connect(url, kSingletonsLock).take();
  EXPECT_TRUE(first->try_acquire());
  EXPECT_FALSE(second->try_acquire());
  EXPECT_TRUE(first->try_acquire());  // still ours, asked again
  EXPECT_FALSE(second->try_acquire());
  first.reset();  // the engine stops: its session ends
  EXPECT_TRUE(takes_over_soon(*second));
  // A lock on another database of the same server is another lock.
  auto elsewhere = LeaderLock::connect(pg->create_database().take(), kSingletonsLock).take();
  EXPECT_TRUE(elsewhere->try_acquire());
}

TEST_F(SharedDatabaseTest, ALeaderWhoseSessionIsKilledStopsLeadingAndAnotherTakesOver) {
  auto first = LeaderLock::connect(url, kSingletonsLock).take();
  auto second = LeaderLock::connect(url, kSingletonsLock).take();
  ASSERT_TRUE(first->try_acquire());
  ASSERT_FALSE(second->try_acquire());
  // What the server does when the engine's machine is gone: the session is ended.
  const std::string dbname = url.substr(url.find("///") + 3, url.find('?') - url.find("///") - 3);
  ASSERT_TRUE(pg->admin("SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND "
                        "granted AND database = (SELECT oid FROM pg_database WHERE datname = '" + dbname + "')"));
  EXPECT_TRUE(second->try_acquire());
  EXPECT_FALSE(first->still_held());
  EXPECT_FALSE(first->try_acquire());  // a new session, and the lock is the other's now
  second.reset();
  EXPECT_TRUE(takes_over_soon(*first));
}

// A leader that hangs (SIGSTOP, a stuck thread) keeps its session and its lock. The others end a
// holder's session that has been silent too long, and only then: one that answers is left alone.
TEST_F(SharedDatabaseTest, ALeaderThatFallsSilentIsDeposedAndOneThatAnswersIsNot) {
  auto first = LeaderLock::connect(url, kSingletonsLock).take();
  auto second = LeaderLock::connect(url, kSingletonsLock, std::chrono::milliseconds(800)).take();
  ASSERT_TRUE(first->try_acquire());
  for (int i = 0; i < 12; ++i) {  // 1.2 s of a leader that answers every 100 ms
    ASSERT_TRUE(first->still_held());
    EXPECT_FALSE(second->try_acquire());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Now it says nothing: after 800 ms of silence the other ends its session and leads.
  EXPECT_TRUE(takes_over_soon(*second));
  EXPECT_FALSE(first->still_held());  // what the hung engine learns when it wakes
  EXPECT_FALSE(first->try_acquire());
  EXPECT_TRUE(second->still_held());
}

}  // namespace
}  // namespace outreach::storage
