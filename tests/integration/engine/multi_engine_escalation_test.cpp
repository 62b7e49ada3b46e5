// Escalations while their leader is killed (issue 13): three real `outreach serve` engines on one
// PostgreSQL, escalation check every 300 ms, owner notifications pointed at a recording loopback
// server. Cases become due over about ten seconds (a member municipality's go to its regional hub
// and, the hub SLA being zero working days, on to the national fallback; the hub's own and a
// municipality without a region go straight to the fallback), while the test keeps finding the
// engine that leads and killing it with SIGKILL, and starting it again. At the end every case is
// as far as it should be, each move has one case event and one audit record, and each notice
// (case.opened and case.escalated) exists once and reached the server at most once: the owners are
// configured `dedupe: false`, so a notice in flight when its leader was killed becomes `unknown`
// and is never sent again; all others are delivered, and a delivered one was seen exactly once.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "storage/advisory_locks.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/notice_queue.h"
#include "storage/sql.h"
#include "tests/integration/engine/escalation_checks.h"
#include "tests/support/engine_cluster.h"
#include "tests/support/spawn.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using outreach::test::slurp;
using outreach::test::wait_exit;

constexpr int kEngines = 3;
constexpr int kPerMunicipality = 40;  // cases per municipality, three municipalities
constexpr int kMinKills = 5;
constexpr auto kDueOver = std::chrono::seconds(10);  // the cases' SLAs run out over this span
const char* const kLeads = "this engine now runs the singletons";

class MultiEngineEscalation : public outreach::test::EngineCluster {
 protected:
  MultiEngineEscalation() : EngineCluster("outreach-escalations-", kEngines) {}
  // Each start of engine i logs into files of its own: serve<i>.<generation>.out and .err.
  void start_engine(int i) {
    const std::string name = "serve" + std::to_string(i) + "." + std::to_string(generation_[i]++);
    out_[i] = dir_ / (name + ".out");
    err_[i] = dir_ / (name + ".err");
    engines_[i] = serve(name);
  }
  bool leads(int i) const {
    return slurp(out_[i]).find(kLeads) != std::string::npos || slurp(err_[i]).find(kLeads) != std::string::npos;
  }
  // The running engine that said it took the lead, or -1. (One that lost it would say so too;
  // nothing here breaks an engine's own connection, so a leader leads until it is killed.)
  int leader() const {
    for (int i = 0; i < kEngines; ++i)
      if (engines_[i] > 0 && leads(i)) return i;
    return -1;
  }
  std::int64_t count(const std::string& sql) {
    outreach::storage::Statement st(*db_, sql);
    return st.executeStep() ? st.getColumn(0).getInt64() : -1;
  }

  std::vector<int> generation_ = std::vector<int>(kEngines, 0);
  std::vector<fs::path> out_ = std::vector<fs::path>(kEngines), err_ = std::vector<fs::path>(kEngines);
  std::unique_ptr<outreach::storage::Database> db_;
};

TEST_F(MultiEngineEscalation, EscalationsRunOncePerDueCaseWhileTheirLeaderIsKilled) {
  using namespace std::chrono;
  const auto started = Clock::now();
  const std::string hook = "http://127.0.0.1:" + std::to_string(port_) + "/hooks/";
  std::string owners;
  for (const char* code : {"GM0599", "GM0606", "GM0363", "national"})
    owners += std::string("  ") + code + ": {webhook_url: \"" + hook + code + "\", secret: owner-secret-0123456789, dedupe: false}\n";
  write_config("cases: {sla_working_days: 5, hub_sla_working_days: 0, escalation_check_interval: 300ms}\n"
               "channels:\n"
               "  sms: {scheme: tel, provider: sandbox}\n"
               "notifications:\n" + owners);
  // The schema and the server secret, once, before the engines start together.
  ASSERT_EQ(run({"init"}), 0) << slurp(dir_ / "cli.err");

  // Rijnmond with its hub Rotterdam; Schiedam a member; Amsterdam in no region.
  db_ = outreach::storage::Database::open(url_).take();
  outreach::storage::MunicipalityStore municipalities(*db_);
  ASSERT_TRUE(municipalities.upsert_region({"rijnmond", "Rijnmond", "GM0599"}));
  ASSERT_TRUE(municipalities.upsert({"GM0599", "Rotterdam", "rijnmond"}));
  ASSERT_TRUE(municipalities.upsert({"GM0606", "Schiedam", "rijnmond"}));
  ASSERT_TRUE(municipalities.upsert({"GM0363", "Amsterdam", ""}));
  // The cases, their SLAs running out from 2 s from now over kDueOver (the engines' clock is real).
  const auto now = outreach::core::SystemClock().now();
  std::map<std::int64_t, int> levels;  // case -> moves due: hub and fallback (2), or the fallback (1)
  {
    outreach::storage::ContactStore contacts(*db_);
    outreach::storage::CaseStore cases(*db_);
    const char* codes[] = {"GM0606", "GM0599", "GM0363"};
    for (int i = 0; i < 3 * kPerMunicipality; ++i) {
      const std::string code = codes[i % 3];
      outreach::storage::Contact c;
      c.name = "Persoon " + std::to_string(i);
      c.municipality = code;
      auto contact = contacts.add(c, now).take();
      const auto due = now + seconds(2) + duration_cast<milliseconds>(kDueOver) * i / (3 * kPerMunicipality);
      auto id = cases.open(contact, code, std::nullopt, now, due, "test").take();
      levels[id] = code == "GM0606" ? 2 : 1;
    }
  }
  const auto all_due = Clock::now() + seconds(2) + kDueOver;

  // Kill whichever engine leads, after it led for a random 0.2-1.5 s, and start it again; keep at it
  // until every SLA ran out and at least kMinKills leaders died. The one-holder check asks pg_locks
  // for the singletons' lock (a bigint key: its low 32 bits are the objid).
  for (int i = 0; i < kEngines; ++i) {
    start_engine(i);
    ASSERT_GT(engines_[i], 0);
  }
  std::mt19937 rng(std::random_device{}());
  int kills = 0;
  double longest_without_leader = 0;
  int taken_over = 0;  // kills after which another running engine took the lead (not the restarted one)
  int last_victim = -1;
  auto killed_at = Clock::now();
  while (kills < kMinKills || Clock::now() < all_due) {
    int victim = -1;
    const auto lead_deadline = Clock::now() + seconds(30);
    while ((victim = leader()) < 0 && Clock::now() < lead_deadline) std::this_thread::sleep_for(milliseconds(20));
    ASSERT_GE(victim, 0) << "no engine took the lead within 30 s after " << kills << " kills";
    if (kills > 0) longest_without_leader = std::max(longest_without_leader, duration<double>(Clock::now() - killed_at).count());
    if (last_victim >= 0 && victim != last_victim) ++taken_over;
    if (last_victim >= 0 && engines_[last_victim] < 0) {
      // The victim stayed down until another engine led (below): start it again now.
      start_engine(last_victim);
      ASSERT_GT(engines_[last_victim], 0);
    }
    // One lock, one holder: the engine that says it leads holds it.
    EXPECT_EQ(count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database()) AND objid = " +
                    std::to_string(static_cast<std::uint32_t>(outreach::storage::kSingletonsLock & 0xffffffff))),
              1);
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(200, 1500)(rng)));
    kill(engines_[victim], SIGKILL);
    killed_at = Clock::now();
    EXPECT_EQ(wait_exit(engines_[victim]), -SIGKILL) << slurp(err_[victim]);
    engines_[victim] = -1;
    ++kills;
    last_victim = victim;
    // Every other time it starts again at once (and, checking at its start, often leads again
    // first); otherwise only after one of the others took over (they check every 2 s).
    if (kills % 2 == 1) {
      start_engine(victim);
      ASSERT_GT(engines_[victim], 0);
    }
  }
  if (engines_[last_victim] < 0) {
    start_engine(last_victim);
    ASSERT_GT(engines_[last_victim], 0);
  }

  // The survivors finish: every case at the fallback, no notice waiting or in flight.
  const std::int64_t moves_due = [&] {
    std::int64_t n = 0;
    for (const auto& [id, l] : levels) n += l;
    return n;
  }();
  const auto deadline = Clock::now() + seconds(40);
  std::int64_t at_fallback = 0, open_notices = 0;
  while (Clock::now() < deadline) {
    at_fallback = count("SELECT count(*) FROM cases WHERE status = 'escalated_fallback'");
    open_notices = count("SELECT count(*) FROM notices WHERE status IN ('pending', 'sending')");
    if (at_fallback == static_cast<std::int64_t>(levels.size()) && open_notices == 0) break;
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(at_fallback, static_cast<std::int64_t>(levels.size())) << "cases at the fallback";
  EXPECT_EQ(open_notices, 0) << "notices still pending or in flight";
  for (int i = 0; i < kEngines; ++i) {
    const auto ready = Clock::now() + seconds(20);  // SIGTERM stops cleanly once serve runs
    while (Clock::now() < ready && slurp(out_[i]).find("engine running") == std::string::npos)
      std::this_thread::sleep_for(milliseconds(20));
    kill(engines_[i], SIGTERM);
    EXPECT_EQ(wait_exit(engines_[i]), 0) << slurp(err_[i]);
    engines_[i] = -1;
  }

  // Each case as far as it should be, each move once in the case's history and the audit log.
  const std::int64_t moves = outreach::test::expect_each_case_escalated_once(*db_, levels);

  // Each notice once in the queue, delivered or (in flight at a kill) unknown; the server saw each
  // at most once, and each delivered one exactly once.
  std::map<std::string, int> seen;  // delivery id -> requests
  std::istringstream log(slurp(log_));
  for (std::string path, delivery; log >> path >> delivery;) ++seen[delivery];
  outreach::storage::NoticeQueue queue(*db_);
  auto notices = queue.list(std::nullopt, 100000).take();
  std::set<std::string> expected;
  for (const auto& [id, l] : levels) {
    expected.insert("case-" + std::to_string(id) + "-open");
    expected.insert("escalation-" + std::to_string(id) + "-escalated_fallback");
    if (l == 2) expected.insert("escalation-" + std::to_string(id) + "-escalated_hub");
  }
  // A move's delivery id ends in its time ("escalation-12-escalated_hub-<ms>"); each case makes
  // each move once here, so the ids without it must be those expected, each once.
  const auto move_of = [](const std::string& delivery) {
    if (delivery.rfind("escalation-", 0) != 0) return delivery;
    return delivery.substr(0, delivery.rfind('-'));
  };
  std::set<std::string> queued;
  int delivered = 0, unknown = 0;
  for (const auto& n : notices) {
    EXPECT_TRUE(queued.insert(move_of(n.delivery_id)).second) << n.delivery_id << " queued twice";
    const auto status = outreach::storage::to_string(n.status);
    EXPECT_TRUE(n.status == outreach::storage::NoticeStatus::delivered ||
                n.status == outreach::storage::NoticeStatus::unknown)
        << n.delivery_id << " is " << status << " (" << n.last_error << ")";
    EXPECT_LE(seen[n.delivery_id], 1) << n.delivery_id << " reached its owner " << seen[n.delivery_id] << " times";
    if (n.status == outreach::storage::NoticeStatus::delivered) {
      ++delivered;
      EXPECT_EQ(seen[n.delivery_id], 1) << n.delivery_id << " is delivered but never reached its owner";
    }
    if (n.status == outreach::storage::NoticeStatus::unknown) ++unknown;
  }
  EXPECT_EQ(queued, expected) << "one notice per new case and per move";
  for (const auto& [delivery, n] : seen) EXPECT_TRUE(expected.count(move_of(delivery))) << delivery << " was never queued";
  EXPECT_EQ(moves, moves_due);

  const double secs = duration<double>(Clock::now() - started).count();
  std::printf("multi-engine escalation test: %d engines, %d leader kills (%d taken over by a running engine, longest "
              "without a leader %.1f s), %zu cases, %lld moves (%lld due), %zu notices: %d delivered, %d unknown; %zu "
              "reached the server, %.1f s\n",
              kEngines, kills, taken_over, longest_without_leader, levels.size(), static_cast<long long>(moves),
              static_cast<long long>(moves_due), notices.size(), delivered, unknown, seen.size(), secs);
}

}  // namespace
