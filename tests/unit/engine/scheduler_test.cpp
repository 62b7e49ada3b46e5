// The live Scheduler on a real io_context (timers only, no sleeps) with a ManualClock.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "engine/scheduler.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;

class Sched : public EngineTest {
 protected:
  // Runs handlers until `done` or `max_handlers` ran; each wait is bounded by a short real timeout.
  template <class Pred>
  bool drive(boost::asio::io_context& ioc, Pred done, int max_handlers = 200) {
    for (int i = 0; i < max_handlers && !done(); ++i) {
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_for(std::chrono::milliseconds(500));
    }
    return done();
  }
  boost::asio::io_context ioc;
};

TEST_F(Sched, StopClaimsNothingNewCommitsWhatIsInFlightAndCallsOnStopped) {
  sms.deferred = true;
  for (int i = 1; i <= 3; ++i) person(i, false);
  launch(campaign_yaml("first", one_step()));
  engine::Scheduler scheduler(ioc, dispatcher(), clock, core::Millis(20));
  scheduler.start();
  ASSERT_TRUE(drive(ioc, [&] { return sms.pending.size() == 3; }));
  EXPECT_EQ(count_status("sending"), 3);

  // More work arrives, then the operator stops the engine while three sends are out.
  launch(campaign_yaml("second", one_step()));
  bool stopped = false;
  scheduler.stop([&] { stopped = true; });
  EXPECT_FALSE(stopped) << "three sends are still in flight";
  EXPECT_FALSE(dispatcher().claiming());
  drive(ioc, [] { return false; }, 3);  // give it the chance to claim, which it must not take
  EXPECT_FALSE(stopped);
  EXPECT_EQ(sms.sends.size(), 3u);

  sms.complete_all();
  ASSERT_TRUE(drive(ioc, [&] { return stopped; }));
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE campaign_id = 1 AND status = 'sent'"), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE campaign_id = 2 AND status = 'queued'"), 3);
  EXPECT_EQ(sms.sends.size(), 3u);
}

TEST_F(Sched, StopWithNothingInFlightReturnsAtOnce) {
  engine::Scheduler scheduler(ioc, dispatcher(), clock, core::Millis(20));
  scheduler.start();
  bool stopped = false;
  scheduler.stop([&] { stopped = true; });
  EXPECT_TRUE(stopped);
}

TEST_F(Sched, WorkLaunchedWhileIdleIsPickedUpByThePoll) {
  person(1, false);
  engine::Scheduler scheduler(ioc, dispatcher(), clock, core::Millis(5));
  scheduler.start();
  drive(ioc, [] { return false; }, 2);  // idle ticks
  EXPECT_TRUE(sms.sends.empty());
  launch(campaign_yaml("later", one_step()));
  ASSERT_TRUE(drive(ioc, [&] { return sms.sends.size() == 1; }));
  ASSERT_TRUE(drive(ioc, [&] { return count_status("sent") == 1; }));
  bool stopped = false;
  scheduler.stop([&] { stopped = true; });
  drive(ioc, [&] { return stopped; });
  EXPECT_TRUE(stopped);
}

TEST_F(Sched, ResultsOfAFastProviderAreCommittedWhileASlowOneHangs) {
  sms.deferred = true;
  email.deferred = true;
  auto slow = person(1, false);
  storage::Contact c;
  c.name = "Mail Only";
  c.municipality = "GM0599";
  c.addresses.push_back({core::Urn::parse("mailto:m@example.nl").take()});
  auto fast = storage::ContactStore(*db).add(c, clock.now()).take();
  grant(fast);
  launch(campaign_yaml("mixed", one_step("[sms, email]")));
  engine::Scheduler scheduler(ioc, dispatcher(), clock, core::Millis(5));
  scheduler.start();
  ASSERT_TRUE(drive(ioc, [&] { return sms.pending.size() == 1 && email.pending.size() == 1; }));
  email.complete_all();
  ASSERT_TRUE(drive(ioc, [&] { return row(1, 0, fast).status == storage::MessageStatus::sent; }))
      << "a hanging sms provider must not hold back the e-mail results";
  EXPECT_EQ(row(1, 0, slow).status, storage::MessageStatus::sending);
  bool stopped = false;
  scheduler.stop([&] { stopped = true; });
  sms.complete_all();
  ASSERT_TRUE(drive(ioc, [&] { return stopped; }));
  EXPECT_EQ(row(1, 0, slow).status, storage::MessageStatus::sent);
}

TEST_F(Sched, ABacklogIsClaimedOnlyAsFastAsItCanGoOut) {
  // Claimed rows are `sending` under a lease and all become `unknown` after a crash: the scheduler
  // must not claim the whole backlog while the providers are still busy with earlier sends.
  config.claim_batch = 50;
  sms.deferred = true;
  for (int i = 1; i <= 800; ++i) person(i, false);
  launch(campaign_yaml("backlog", one_step()));
  engine::Scheduler scheduler(ioc, dispatcher(), clock, core::Millis(5));
  scheduler.start();
  drive(ioc, [] { return false; }, 5);
  EXPECT_GE(sms.pending.size(), 50u);
  EXPECT_LE(sms.pending.size(), 256u + 50u);
  EXPECT_EQ(count_status("sending"), static_cast<std::int64_t>(sms.pending.size()));
  EXPECT_GE(count_status("queued"), 800 - 306);
  // As the provider answers, the rest follows.
  ASSERT_TRUE(drive(ioc, [&] { sms.complete_all(); return count_status("sent") == 800; }, 2000));
  bool stopped = false;
  scheduler.stop([&] { stopped = true; });
  EXPECT_TRUE(stopped);
}

}  // namespace
}  // namespace outreach::test
