// WireLane: work runs on the wire's own thread, answers come back on the home io_context, and the
// home's run() does not return while an answer is still on its way.
#include "net/wire_lane.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace outreach::net {
namespace {

TEST(WireLane, WorkRunsOnTheWireAndAnswersComeHomeInOrder) {
  boost::asio::io_context home;
  WireLane lane(home);
  lane.start();
  const auto home_thread = std::this_thread::get_id();
  std::vector<int> answers;
  std::atomic<int> on_wire{0};
  for (int i = 0; i < 100; ++i) {
    lane.round_trip([&, i](WireLane::Home back) {
      if (std::this_thread::get_id() != home_thread) ++on_wire;
      std::this_thread::sleep_for(std::chrono::microseconds(i == 0 ? 20000 : 0));  // the first answer is slow
      back([&, i] {
        EXPECT_EQ(std::this_thread::get_id(), home_thread);
        answers.push_back(i);
      });
    });
  }
  // Nothing else keeps `home` busy: run() returns only once every answer has been handled.
  home.run();
  EXPECT_EQ(on_wire.load(), 100);
  ASSERT_EQ(answers.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(answers[static_cast<std::size_t>(i)], i);
}

TEST(WireLane, AnAnswerHeldOnTheWireKeepsHomeRunningUntilItIsGiven) {
  boost::asio::io_context home;
  WireLane lane(home);
  lane.start();
  WireLane::Home held;
  std::atomic<bool> taken{false};
  lane.round_trip([&](WireLane::Home back) {
    held = std::move(back);
    taken = true;
  });
  bool answered = false;
  std::thread later([&] {
    while (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    // Handed over from a third thread, as a transport callback on the wire would. The answer is
    // moved into the posted work, so that only the wire's thread touches it from here on: home.run()
    // may return (and this test end) while the wire is still releasing it.
    boost::asio::post(lane.io(), [&answered, back = std::move(held)]() mutable {
      back([&answered] { answered = true; });
      back = nullptr;
    });
  });
  home.run();
  later.join();
  EXPECT_TRUE(answered) << "home.run() returned before the answer";
}

TEST(WireLane, StoppingDropsWorkNotYetRunAndReleasesHome) {
  boost::asio::io_context home;
  bool ran = false;
  {
    WireLane lane(home);  // never started: the work stays queued
    lane.round_trip([&](WireLane::Home back) { back([&] { ran = true; }); });
  }
  home.run();  // returns: the dropped round trip no longer counts as home's work
  EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace outreach::net
