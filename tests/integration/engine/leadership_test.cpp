// Which engine runs the singletons, as an operator sees it on /metrics: on SQLite the one engine
// leads; on PostgreSQL exactly one of two engines does, and when the leader's session ends the
// other takes over and both series say so.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "engine/leadership.h"
#include "net/metrics.h"
#include "storage/advisory_locks.h"
#include "storage/leader_lock.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"

namespace outreach::engine {
namespace {

double leads(net::MetricsRegistry& m) { return m.gauge("outreach_singletons_leader", "").value(); }
double changes(net::MetricsRegistry& m) { return m.counter("outreach_singletons_leader_changes_total", "").value(); }

TEST(LeadershipTest, TheOnlyEngineLeadsAndSaysSo) {
  Leadership only;
  net::MetricsRegistry metrics;
  only.set_metrics(&metrics);
  EXPECT_TRUE(only.leads());
  EXPECT_TRUE(may_run(&only));
  EXPECT_EQ(leads(metrics), 1);
  EXPECT_EQ(changes(metrics), 0);
}

TEST(LeadershipTest, OneOfTwoEnginesLeadsAndTheOtherTakesOverWhenItsSessionEnds) {
  auto* pg = test::PostgresServer::shared();
  OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
  const std::string url = pg->create_database().take();
  auto first = std::make_unique<Leadership>(storage::LeaderLock::connect(url, storage::kSingletonsLock).take(),
                                            core::Millis{2000});
  Leadership second(storage::LeaderLock::connect(url, storage::kSingletonsLock).take(), core::Millis{2000});
  net::MetricsRegistry first_metrics, second_metrics;
  first->set_metrics(&first_metrics);
  second.set_metrics(&second_metrics);
  EXPECT_EQ(leads(first_metrics), 0);  // nobody leads before the first check

  EXPECT_TRUE(first->check());
  EXPECT_FALSE(second.check());
  EXPECT_FALSE(may_run(&second));
  EXPECT_EQ(leads(first_metrics), 1);
  EXPECT_EQ(changes(first_metrics), 1);
  EXPECT_EQ(leads(second_metrics), 0);
  EXPECT_EQ(changes(second_metrics), 0);

  first.reset();  // the leading engine stops: its lock's session ends
  bool took_over = false;
  for (int i = 0; i < 250 && !took_over; ++i) {  // the server frees the lock a moment later
    took_over = second.check();
    if (!took_over) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(took_over);
  EXPECT_TRUE(may_run(&second));
  EXPECT_EQ(leads(second_metrics), 1);
  EXPECT_EQ(changes(second_metrics), 1);
}

}  // namespace
}  // namespace outreach::engine
