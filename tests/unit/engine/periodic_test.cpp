// engine::Periodic, the engine's periodic-job timer: runs its function each interval until stopped,
// and a wait still pending when it is stopped or destroyed runs nothing. Zero intervals: no sleeps.
#include "engine/periodic.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <memory>

namespace outreach::engine {
namespace {

TEST(PeriodicTest, RunsEachIntervalUntilStopped) {
  boost::asio::io_context ioc;
  int runs = 0;
  std::unique_ptr<Periodic> job;
  job = std::make_unique<Periodic>(ioc, core::Millis{0}, [&] {
    if (++runs == 3) job->stop();  // a job may stop its own timer from inside a run
  });
  EXPECT_EQ(runs, 0) << "nothing before start";
  job->start();
  ioc.run();  // returns once nothing is pending
  EXPECT_EQ(runs, 3);
}

TEST(PeriodicTest, AWaitPendingWhenItIsDestroyedRunsNothing) {
  boost::asio::io_context ioc;
  int runs = 0;
  {
    Periodic job(ioc, core::Millis{0}, [&] { ++runs; });
    job.start();
  }  // destroyed with its wait queued
  ioc.run();
  EXPECT_EQ(runs, 0);
}

TEST(PeriodicTest, AWaitThatCompletedBeforeStopRunsNothing) {
  boost::asio::io_context ioc;
  int runs = 0;
  Periodic job(ioc, core::Millis{0}, [&] { ++runs; });
  job.start();
  ioc.poll_one();  // the zero-length wait completes and runs once, then waits again
  ASSERT_EQ(runs, 1);
  job.stop();
  ioc.run();
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace outreach::engine
