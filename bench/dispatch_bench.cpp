// Dispatch benchmarks, run by hand (bench/run.sh), never in CI. Prints one figure per line.
//   dispatch_bench setup N DB      N contacts with consent, a one-step campaign, approved
//   dispatch_bench launch DB       (c) snapshot the audience into the outbox: seconds, peak RSS
//   dispatch_bench dispatch DB     (a) due -> recorded through the sandbox channel: messages/s
//   dispatch_bench precision N     (d) how late a due message starts on the live Scheduler: p50/p99
//   dispatch_bench dispatch-http DB URL [wire]  (b) due -> recorded through the Twilio connector
//                                  over HttpTransport against URL (a local nginx answering 201);
//                                  `wire`: the transports on their own thread (ChannelSet wire_thread)
//   dispatch_bench http-ratio N [NGINX]  (b') in one run, against one private loopback nginx: the
//                                  bare curl-multi loop (N POSTs, 64 in flight) and the full path
//                                  (N contacts: claim, policy check, render, rate limit, Twilio
//                                  connector, record) on SQLite, once on the engine's thread alone and
//                                  once with the wire thread; requests/s of each and the ratios
#include <sys/wait.h>
#include <unistd.h>

#include <sys/resource.h>

#include <algorithm>
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "bench/loopback_nginx.h"
#include "services/campaign_desk.h"
#include "engine/channel_set.h"
#include "engine/dispatcher.h"
#include "engine/engine_config.h"
#include "engine/scheduler.h"
#include "engine/sender.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"
#include "storage/principal_store.h"
#include "storage/suppression_list.h"
#include "tests/support/actors.h"

using namespace outreach;
using Clock = std::chrono::steady_clock;

namespace {

const char* kCampaign = R"(campaign: bench
name: "Benchmark"
sender: "Herstelteam"
reply_number: "+3197010203040"
consent_purpose: outreach
asks_for: share
audience:
  municipalities: [GM0599]
  languages: [nl]
send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-24:00", timezone: Europe/Amsterdam}
steps:
  - id: first
    after: 0d
    channels: [sms]
    template: first
partials:
  footer: {nl: "Afzender: {{sender}}."}
  optout: {nl: "Stuur STOP naar {{reply_number}}."}
templates:
  first:
    nl: {text: "Beste {{name}}, uw gemeente kan u helpen. {{> footer}} {{> optout}}"}
)";

engine::EngineConfig bench_config() {
  auto c = engine::sandbox_config();
  for (auto& [name, ch] : c.channels) ch.rate = engine::RateLimit{1e9, 1e9};
  c.frequency_cap_messages = 1000;
  c.claim_batch = 1000;
  // As every engine has one (app/app_context.cpp derives it from the server secret): without it the
  // dispatcher would skip the suppression check that production pays for.
  c.suppression_key = std::string(32, 'k');
  return c;
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


int setup(long n, const std::string& path) {
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(path + sfx);
  auto db = storage::Database::open(path).take();
  core::ManualClock clock(core::from_millis(1'700'000'000'000));
  storage::MunicipalityStore(*db).upsert_region({"rijnmond", "Rijnmond", "GM0599"}).take();
  storage::MunicipalityStore(*db).upsert({"GM0599", "Rotterdam", "rijnmond"}).take();
  storage::PrincipalStore(*db).add("author", storage::PrincipalKind::coordinator, "", clock.now()).take();
  auto t0 = Clock::now();
  bench::add_people(*db, n, "sms", clock.now());
  auto config = bench_config();
  // Each address with its keyed suppression hash, as an import stores it and the engine's start-up
  // fills it in for addresses added otherwise.
  storage::ContactStore(*db).fill_address_hashes(storage::SuppressionList(*db, config.suppression_key)).take();
  services::CampaignDesk desk(*db, clock, config);
  desk.save(test::actor("author"), kCampaign, "bench.yaml").take();
  desk.submit(test::actor("author"), "bench").take();
  desk.approve(test::actor("approver"), "bench").take();
  std::printf("setup: %ld contacts in %.1f s\n", n, seconds_since(t0));
  return 0;
}

int launch(const std::string& path) {
  auto db = storage::Database::open(path).take();
  core::ManualClock clock(core::from_millis(1'700'000'000'000));
  auto config = bench_config();
  services::CampaignDesk desk(*db, clock, config);
  auto rss_before = peak_rss_mb();
  auto t0 = Clock::now();
  auto r = desk.launch(test::actor("author"), "bench").take();
  double s = seconds_since(t0);
  std::printf("(c) launch: %d people, %lld outbox rows in %.2f s (%.0f rows/s); peak RSS %ld MB (%ld MB before launch); load %s\n",
              r.included, static_cast<long long>(r.rows_added), s, r.rows_added / s, peak_rss_mb(), rss_before, bench::loadavg().c_str());
  return 0;
}

int dispatch(const std::string& path) {
  auto db = storage::Database::open(path).take();
  core::ManualClock clock(core::from_millis(1'700'000'000'000 + 1000));
  auto config = bench_config();
  storage::Outbox outbox(*db);
  engine::SandboxSender sandbox(outbox);
  std::map<std::string, engine::Sender*> senders;
  for (const auto& [name, ch] : config.channels) senders[name] = &sandbox;
  engine::Dispatcher dispatcher(*db, clock, config, senders);
  auto t0 = Clock::now();
  engine::run_simulated(dispatcher, clock, std::nullopt);
  double s = seconds_since(t0);
  const auto& st = dispatcher.stats();
  std::printf("(a) dispatch via sandbox: %llu sent of %llu claimed in %.2f s = %.0f messages/s (due -> recorded); load %s\n",
              static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.claimed), s, st.sent / s,
              bench::loadavg().c_str());
  return 0;
}

// (e) `k` engines, separate processes, dispatching one launched outbox together (PostgreSQL:
// SKIP LOCKED claims; on SQLite the second waits for the first's writes). Each prints its own line;
// the total is what the database recorded as sent, over the wall time of the slowest.
int dispatch_engines(int k, const std::string& path) {
  auto t0 = Clock::now();
  std::vector<pid_t> children;
  for (int i = 0; i < k; ++i) {
    pid_t pid = ::fork();
    if (pid == 0) {
      try {
        ::_exit(dispatch(path));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "engine %d: %s\n", i, e.what());
        ::_exit(1);
      }
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const double s = seconds_since(t0);
  auto db = storage::Database::open(path).take();
  const auto sent = db->query_int64("SELECT count(*) FROM messages WHERE status = 'sent'");
  const auto queued = db->query_int64("SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')");
  std::printf("(e) %d engine(s) on %s: %lld sent in %.2f s = %.0f messages/s together (%lld left queued or sending, %d "
              "engine(s) failed); load %s\n",
              k, db->dialect() == storage::Dialect::postgres ? "PostgreSQL" : "SQLite", static_cast<long long>(sent), s,
              sent / s, static_cast<long long>(queued), failed, bench::loadavg().c_str());
  return failed == 0 ? 0 : 1;
}

// Full path through the Twilio connector against `url`; returns messages sent per second.
double run_dispatch_http(const std::string& path, const std::string& url, bool wire_thread = false) {
  auto db = storage::Database::open(path).take();
  core::ManualClock clock(core::from_millis(1'700'000'000'000 + 1000));
  auto config = bench_config();
  auto& sms = config.channels["sms"];
  sms.provider = "twilio";
  sms.settings.provider = "twilio";
  sms.settings.base_url = url;
  sms.settings.values = {{"account_sid", "AC00000000000000000000000000000000"}, {"auth_token", "bench-token"},
                         {"from", "+3197010203040"}};
  sms.account = "twilio:bench";
  sms.max_in_flight = 64;
  boost::asio::io_context ioc;
  storage::Outbox outbox(*db);
  auto channels = engine::ChannelSet::build(ioc, outbox, config, nullptr, wire_thread).take();
  engine::Dispatcher dispatcher(*db, clock, config, channels->senders());
  auto work = boost::asio::make_work_guard(ioc);  // poll() must not leave the io_context stopped
  auto t0 = Clock::now();
  // Claim while fewer than 512 are in flight; otherwise let the io_context run the transfers.
  while (true) {
    if (dispatcher.in_flight() < 512 && dispatcher.run_due(clock.now()) > 0) {
      ioc.poll();
      continue;
    }
    if (dispatcher.in_flight() == 0) {
      dispatcher.flush();
      if (!dispatcher.next_due()) break;
      clock.set(std::max(clock.now(), *dispatcher.next_due()));
      continue;
    }
    ioc.run_one();
  }
  dispatcher.flush();
  double s = seconds_since(t0);
  const auto& st = dispatcher.stats();
  std::printf("(b) dispatch via Twilio connector over HTTP%s: %llu sent, %llu failed in %.2f s = %.0f messages/s; load %s\n",
              wire_thread ? " (wire thread)" : " (one engine thread)", static_cast<unsigned long long>(st.sent),
              static_cast<unsigned long long>(st.failed), s, st.sent / s, bench::loadavg().c_str());
  return st.sent / s;
}

int dispatch_http(const std::string& path, const std::string& url, bool wire_thread) {
  run_dispatch_http(path, url, wire_thread);
  return 0;
}

int http_ratio(long n, const std::string& nginx_binary) {
  std::printf("http-ratio: %ld messages, 64 in flight, %u hardware threads; load before %s\n", n,
              std::thread::hardware_concurrency(), bench::loadavg().c_str());
  const auto dir = std::filesystem::temp_directory_path() / ("outreach-http-ratio-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "dispatch.db").string();
  setup(n, path);
  launch(path);
  // The same launched outbox for both engine arrangements.
  const std::string wire_path = (dir / "dispatch-wire.db").string();
  for (const char* sfx : {"", "-wal"}) {
    if (std::filesystem::exists(path + sfx)) std::filesystem::copy_file(path + sfx, wire_path + sfx);
  }
  double bare = 0, one = 0, full = 0;
  {
    bench::Nginx nginx(nginx_binary, bench::free_port());
    bench::bare_multi(nginx.url(), static_cast<int>(std::min(n, 2000L)), 64);  // warm-up
    bare = bench::bare_multi(nginx.url(), static_cast<int>(n), 64);
    std::printf("bare curl multi loop: %.0f requests/s; load %s\n", bare, bench::loadavg().c_str());
    one = run_dispatch_http(path, nginx.base_url(), false);
    full = run_dispatch_http(wire_path, nginx.base_url(), true);
  }
  std::printf("one engine thread / bare loop: %.0f / %.0f = %.2f\n", one, bare, one / bare);
  std::filesystem::remove_all(dir);
  std::printf("full path (wire thread) / bare loop: %.0f / %.0f = %.2f; load after %s\n", full, bare, full / bare,
              bench::loadavg().c_str());
  return 0;
}

// Records when each message reached the sender, against its due time.
class TimingSender final : public engine::Sender {
 public:
  TimingSender(const core::Clock& clock, storage::Outbox& outbox, std::vector<double>& lateness_ms)
      : clock_(clock), outbox_(outbox), lateness_(lateness_ms) {}
  void send(std::int64_t id, const std::string&, const channels::OutboundMessage& msg, Done done) override {
    auto row = outbox_.get(id);
    if (row && row->due_at) lateness_.push_back(static_cast<double>((clock_.now() - *row->due_at).count()));
    done(channels::SendOutcome{channels::SendVerdict::sent, "p-" + msg.client_ref, "", std::nullopt});
  }

 private:
  const core::Clock& clock_;
  storage::Outbox& outbox_;
  std::vector<double>& lateness_;
};

int precision(long n) {
  const std::string path = (std::filesystem::temp_directory_path() / "outreach-precision.db").string();
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(path + sfx);
  setup(n, path);
  auto db = storage::Database::open(path).take();
  core::SystemClock clock;
  auto config = bench_config();
  services::CampaignDesk desk(*db, clock, config);
  desk.launch(test::actor("author"), "bench").take();
  // Spread the due times over the next 10 seconds.
  std::mt19937 rnd(7);
  auto base = core::to_millis(clock.now()) + 1000;
  db->transaction([&]() -> core::Status {
    SQLite::Statement up(db->sqlite(), "UPDATE messages SET due_at = ? WHERE id = ?");
    for (long i = 1; i <= n; ++i) {
      up.bind(1, static_cast<int64_t>(base + static_cast<long long>(rnd() % 10000)));
      up.bind(2, static_cast<int64_t>(i));
      up.exec();
      up.reset();
    }
    return {};
  }).take();
  storage::Outbox outbox(*db);
  std::vector<double> lateness;
  TimingSender sender(clock, outbox, lateness);
  std::map<std::string, engine::Sender*> senders{{"sms", &sender}};
  boost::asio::io_context ioc;
  engine::Dispatcher dispatcher(*db, clock, config, senders);
  engine::Scheduler scheduler(ioc, dispatcher, clock, core::Millis(1000));
  scheduler.start();
  boost::asio::steady_timer stop(ioc, std::chrono::seconds(12));
  stop.async_wait([&](auto) { scheduler.stop([&] { ioc.stop(); }); });
  ioc.run();
  std::sort(lateness.begin(), lateness.end());
  auto pct = [&](double p) { return lateness.empty() ? 0 : lateness[static_cast<std::size_t>(p * (lateness.size() - 1))]; };
  std::printf("(d) scheduling lateness over %zu messages due across 10 s: p50 %.0f ms, p99 %.0f ms, max %.0f ms; load %s\n",
              lateness.size(), pct(0.5), pct(0.99), lateness.empty() ? 0 : lateness.back(), bench::loadavg().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (a.size() == 3 && a[0] == "setup") return setup(std::stol(a[1]), a[2]);
    if (a.size() == 2 && a[0] == "launch") return launch(a[1]);
    if (a.size() == 2 && a[0] == "dispatch") return dispatch(a[1]);
    if (a.size() == 3 && a[0] == "dispatch-engines") return dispatch_engines(std::stoi(a[1]), a[2]);
    if (a.size() == 2 && a[0] == "precision") return precision(std::stol(a[1]));
    if ((a.size() == 3 || (a.size() == 4 && a[3] == "wire")) && a[0] == "dispatch-http")
      return dispatch_http(a[1], a[2], a.size() == 4);
    if ((a.size() == 2 || a.size() == 3) && a[0] == "http-ratio")
      return http_ratio(std::stol(a[1]), a.size() == 3 ? a[2] : "/usr/sbin/nginx");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dispatch_bench: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: dispatch_bench setup N DB | launch DB | dispatch DB | dispatch-engines K DB | precision N | dispatch-http DB URL [wire] | http-ratio N [NGINX]\n");
  return 2;
}
