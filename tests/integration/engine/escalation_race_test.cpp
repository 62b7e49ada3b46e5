// Two engines' Escalators on one PostgreSQL database at overlapping moments (issue 13: a leader
// that was paused or slow finishes its tick after another engine took the lead). Each has its own
// connection, as separate processes would. Whatever the interleaving, each due case moves once
// per level, with one case event, one audit record and one notice per move, and the new-case
// notice goes out once per case.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine_config.h"
#include "engine/escalation.h"
#include "engine/escalation_notifier.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/sql.h"
#include "tests/integration/engine/escalation_checks.h"
#include "tests/support/postgres_server.h"
#include "tests/support/require_tool.h"

namespace outreach::engine {
namespace {

using std::chrono::hours;

// Counts what it is told (one per engine, so no sharing between the threads), and can run a hook
// inside the move's transaction, before it commits.
struct CountingNotifier : EscalationNotifier {
  void notify(const EscalationNotice& n) override {
    ++told[std::to_string(n.case_id) + " " + n.status];
    if (hook && n.status != "open") {
      auto h = std::move(hook);
      hook = nullptr;
      h();
    }
  }
  std::map<std::string, int> told;  // "<case> <status>" -> notices
  std::function<void()> hook;
};

class EscalationRace : public ::testing::Test {
 protected:
  void SetUp() override {
    auto* pg = test::PostgresServer::shared();
    OUTREACH_REQUIRE_TOOL(pg->ok(), pg->error());
    url_ = pg->create_database().take();
    db_ = storage::Database::open(url_).take();
    storage::MunicipalityStore m(*db_);
    ASSERT_TRUE(m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).ok());
    ASSERT_TRUE(m.upsert({"GM0599", "Rotterdam", "rijnmond"}).ok());  // the hub itself: straight to the fallback
    ASSERT_TRUE(m.upsert({"GM0606", "Schiedam", "rijnmond"}).ok());   // a member: hub, then fallback
    ASSERT_TRUE(m.upsert({"GM0363", "Amsterdam", ""}).ok());          // no region: straight to the fallback
    config_ = sandbox_config();
    config_.hub_sla_working_days = 0;  // due at the hub at once: the next run moves it on
  }
  // `n` cases per municipality, their SLA an hour past at `now_`.
  void open_cases(int n) {
    storage::ContactStore contacts(*db_);
    storage::CaseStore cases(*db_);
    for (const char* code : {"GM0606", "GM0599", "GM0363"}) {
      for (int i = 0; i < n; ++i) {
        storage::Contact c;
        c.name = std::string("Persoon ") + code + " " + std::to_string(i);
        c.municipality = code;
        auto contact = contacts.add(c, now_ - hours(100)).take();
        auto id = cases.open(contact, code, std::nullopt, now_ - hours(100), now_ - hours(1), "test").take();
        levels_[id] = std::string(code) == "GM0606" ? 2 : 1;
      }
    }
  }
  // Checks the end state (escalation_checks.h), and one notice per move and per new case.
  void expect_each_case_moved_once(const std::vector<const CountingNotifier*>& notifiers) {
    test::expect_each_case_escalated_once(*db_, levels_);
    std::map<std::string, int> told;
    for (const auto* n : notifiers)
      for (const auto& [key, count] : n->told) told[key] += count;
    for (const auto& [id, levels] : levels_) {
      EXPECT_EQ(told[std::to_string(id) + " open"], 1) << "new-case notices of case " << id;
      EXPECT_EQ(told[std::to_string(id) + " escalated_fallback"], 1) << "case " << id;
      EXPECT_EQ(told[std::to_string(id) + " escalated_hub"], levels - 1) << "case " << id;
    }
  }

  std::string url_;
  std::unique_ptr<storage::Database> db_;
  EngineConfig config_;
  core::TimePoint now_ = core::SystemClock().now();
  core::SystemClock clock_;
  std::map<std::int64_t, int> levels_;  // case -> moves it is due for (hub and fallback, or fallback)
};

// The interleaving that matters, forced: engine B reads the case as due while engine A's move of
// it is not committed yet, and B's own move then waits for A's row lock. When A commits, B's
// update finds the case changed (it compares the status, owner and SLA it read) and writes nothing.
TEST_F(EscalationRace, ASecondMoverWaitingOnTheFirstFindsTheCaseMovedAndWritesNothing) {
  open_cases(3);
  auto db_a = storage::Database::open(url_).take();
  auto db_b = storage::Database::open(url_).take();
  auto watch = storage::Database::open(url_).take();
  Escalator a(*db_a, clock_, config_);
  Escalator b(*db_b, clock_, config_);
  CountingNotifier told_a, told_b;
  a.set_notifier(&told_a);
  b.set_notifier(&told_b);

  EscalationReport report_b;
  std::thread engine_b;
  bool b_waited = false;
  told_a.hook = [&] {
    // Inside A's first move, before it commits: B runs, and gets as far as waiting for A.
    engine_b = std::thread([&] { report_b = b.run_due(now_); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!b_waited && std::chrono::steady_clock::now() < deadline) {
      storage::Statement st(*watch,
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock'");
      b_waited = st.executeStep() && st.getColumn(0).getInt64() > 0;
      if (!b_waited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  const EscalationReport report_a = a.run_due(now_);
  ASSERT_TRUE(engine_b.joinable()) << "A moved nothing";
  engine_b.join();
  EXPECT_TRUE(b_waited) << "B never waited for A's move";
  EXPECT_EQ(report_a.failed + report_b.failed, 0);
  EXPECT_GE(report_b.skipped, 1) << "B found A's case moved";
  // One run each: the first level of every case, moved by one of them.
  EXPECT_EQ(report_a.to_hub + report_b.to_hub, 3);
  EXPECT_EQ(report_a.to_fallback + report_b.to_fallback, 6);
  EXPECT_EQ(report_a.opened_notified + report_b.opened_notified, 9);

  // The rest, from the hub on: both again, at once.
  std::thread again([&] { b.run_due(now_); });
  a.run_due(now_);
  again.join();
  a.run_due(now_);
  expect_each_case_moved_once({&told_a, &told_b});
}

// Free-running: two engines each run the escalator over the same due cases, from two threads at
// once, until nothing is due. No interleaving moves a case twice.
TEST_F(EscalationRace, TwoEscalatorsOnTheSameDueCasesMoveEachCaseOnce) {
  constexpr int kPerMunicipality = 60;
  open_cases(kPerMunicipality);
  struct Engine {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<Escalator> escalator;
    CountingNotifier notifier;
    EscalationReport total;
  };
  std::vector<std::unique_ptr<Engine>> engines;
  for (int i = 0; i < 2; ++i) {
    auto e = std::make_unique<Engine>();
    e->db = storage::Database::open(url_).take();
    e->escalator = std::make_unique<Escalator>(*e->db, clock_, config_);
    e->escalator->set_notifier(&e->notifier);
    engines.push_back(std::move(e));
  }
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (auto& e : engines) {
    threads.emplace_back([&ready, engine = e.get(), this] {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      for (int run = 0; run < 4; ++run) {
        auto r = engine->escalator->run_due(now_);
        engine->total.to_hub += r.to_hub;
        engine->total.to_fallback += r.to_fallback;
        engine->total.failed += r.failed;
        engine->total.skipped += r.skipped;
        engine->total.opened_notified += r.opened_notified;
      }
    });
  }
  for (auto& t : threads) t.join();
  // Whatever the last runs left (a run reads the due cases once, at its start).
  engines[0]->escalator->run_due(now_);

  const auto& x = engines[0]->total;
  const auto& y = engines[1]->total;
  EXPECT_EQ(x.failed + y.failed, 0);
  EXPECT_EQ(x.opened_notified + y.opened_notified, 3 * kPerMunicipality);
  std::printf("escalation race: engine A moved %d to the hub, %d to the fallback, skipped %d; engine B %d, %d, "
              "skipped %d\n",
              x.to_hub, x.to_fallback, x.skipped, y.to_hub, y.to_fallback, y.skipped);
  expect_each_case_moved_once({&engines[0]->notifier, &engines[1]->notifier});
}

}  // namespace
}  // namespace outreach::engine
