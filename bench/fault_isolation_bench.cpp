// Fault isolation, run by hand (bench/run.sh), never in CI. Prints one figure per line.
//   fault_isolation_bench HEALTHY_URL FAULTY_COMMAND [N] [RATE]
// The live engine (Scheduler on the system clock, ChannelSet with two Twilio channels) sends a
// one-step campaign of N people (default 5000) through channel "sms2" to HEALTHY_URL (a local
// nginx answering 201): first alone, then while a second campaign of N people goes through channel
// "sms" to a fault server that FAULTY_COMMAND starts (a shell command that prints "PORT <n>" once
// listening: tests/support/faulty_provider.py cycling 500, 502, 503, 504, 429, slow answers past
// the 10 s timeout, resets, garbage and hang-ups). The fault server is started afresh for every
// round and stopped after it, so rounds are independent: it has seen no keys (it faults only a
// key's first request) and holds no slow answers or connections from the round before. The figure is the healthy
// channel's throughput in both runs (its answers per second, first to last) and their ratio.
// RATE (default unlimited) caps both channels' token buckets. Three alternating rounds; medians.
#include <boost/asio/io_context.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "engine/channel_set.h"
#include "engine/dispatcher.h"
#include "engine/engine_config.h"
#include "engine/scheduler.h"
#include "engine/sender.h"
#include "services/campaign_desk.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/outbox.h"
#include "storage/principal_store.h"
#include "tests/support/actors.h"

using namespace outreach;
using Steady = std::chrono::steady_clock;

namespace {

std::string campaign(const std::string& key, const std::string& channel) {
  return "campaign: " + key + "\nname: \"Bench " + key + "\"\nsender: \"Herstelteam\"\nreply_number: \"+3197010203040\"\n"
         "consent_purpose: outreach\naudience:\n  municipalities: [GM0599]\n"
         "send_window: {days: [mon, tue, wed, thu, fri, sat, sun], hours: \"00:00-24:00\", timezone: Europe/Amsterdam}\n"
         "steps:\n  - id: first\n    after: 0d\n    channels: [" + channel + "]\n    template: first\n"
         "templates:\n  first:\n    nl: {text: \"Beste {{name}}, uw gemeente kan u helpen. Afzender: Herstelteam. Stuur STOP.\"}\n";
}


// Passes sends on and notes when each answer came back.
class Timed final : public engine::Sender {
 public:
  explicit Timed(engine::Sender& inner) : inner_(inner) {}
  void send(std::int64_t id, const std::string& channel, const channels::OutboundMessage& msg, Done done) override {
    inner_.send(id, channel, msg, [this, done = std::move(done)](channels::SendOutcome o) {
      answers.push_back(Steady::now());
      if (o.verdict == channels::SendVerdict::sent) ++sent;
      done(std::move(o));
    });
  }
  std::vector<Steady::time_point> answers;
  long sent = 0;

 private:
  engine::Sender& inner_;
};

// One round's fault server: `sh -c COMMAND`, its "PORT <n>" line read from its stdout; stopped
// (SIGTERM, then waited for) when the round ends.
class FaultServer {
 public:
  explicit FaultServer(const std::string& command) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      ::setpgid(0, 0);  // its own group: stopping it stops whatever the shell started
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char c = 0;
    while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(out[0]);
    if (line.rfind("PORT ", 0) != 0) {
      stop();
      throw std::runtime_error("fault server did not say its port: '" + line + "'");
    }
    url_ = "http://127.0.0.1:" + line.substr(5);
  }
  ~FaultServer() { stop(); }
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;
  const std::string& url() const { return url_; }

 private:
  void stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  pid_t pid_ = -1;
  std::string url_;
};

engine::EngineConfig config_for(const std::string& healthy, const std::string& faulty, double rate) {
  auto c = engine::sandbox_config();
  c.frequency_cap_messages = 1000;
  c.claim_batch = 500;
  c.retry = engine::RetryConfig{core::Millis(1000), core::Millis(4000), 3};
  for (auto [name, url] : {std::pair<std::string, std::string>{"sms", faulty}, {"sms2", healthy}}) {
    engine::ChannelConfig ch;
    ch.name = name;
    ch.scheme = core::UrnScheme::tel;
    ch.provider = "twilio";
    ch.settings.provider = "twilio";
    ch.settings.base_url = url;
    ch.settings.values = {{"account_sid", "AC00000000000000000000000000000000"}, {"auth_token", "bench-token"},
                          {"from", "+3197010203040"}};
    ch.account = "twilio:" + name;
    ch.rate = engine::RateLimit{rate, rate};
    ch.max_in_flight = 64;
    c.channels[name] = ch;
  }
  return c;
}

// One run: N people; the healthy campaign, and the faulty one beside it when `beside`. Returns the
// healthy channel's answers per second.
double run(const std::string& healthy, const std::string& faulty, long n, double rate, bool beside) {
  const std::string path = (std::filesystem::temp_directory_path() / "outreach-fault-isolation.db").string();
  for (const char* sfx : {"", "-wal", "-shm"}) std::filesystem::remove(path + sfx);
  auto db = storage::Database::open(path).take();
  core::SystemClock clock;
  storage::MunicipalityStore(*db).upsert_region({"rijnmond", "Rijnmond", "GM0599"}).take();
  storage::MunicipalityStore(*db).upsert({"GM0599", "Rotterdam", "rijnmond"}).take();
  storage::PrincipalStore(*db).add("author", storage::PrincipalKind::coordinator, "", clock.now()).take();
  bench::add_people(*db, n, "*", clock.now());
  auto config = config_for(healthy, faulty, rate);
  services::CampaignDesk desk(*db, clock, config);
  std::vector<std::pair<std::string, std::string>> campaigns{{"healthy", "sms2"}};
  if (beside) campaigns.insert(campaigns.begin(), {"faulty", "sms"});  // the faulty rows come first
  for (const auto& [key, channel] : campaigns) {
    desk.save(test::actor("author"), campaign(key, channel), key + ".yaml").take();
    desk.submit(test::actor("author"), key).take();
    desk.approve(test::actor("approver"), key).take();
    desk.launch(test::actor("author"), key).take();
  }

  boost::asio::io_context ioc;
  storage::Outbox outbox(*db);
  auto channels = engine::ChannelSet::build(ioc, outbox, config).take();
  auto senders = channels->senders();
  Timed timed(*senders.at("sms2"));
  senders["sms2"] = &timed;
  engine::Dispatcher dispatcher(*db, clock, config, senders);
  engine::Scheduler scheduler(ioc, dispatcher, clock, core::Millis(100));
  scheduler.start();
  const auto deadline = Steady::now() + std::chrono::minutes(5);
  while (static_cast<long>(timed.answers.size()) < n && Steady::now() < deadline) ioc.run_for(std::chrono::milliseconds(50));
  const auto& st = dispatcher.stats();
  const double seconds =
      timed.answers.size() < 2 ? 0 : std::chrono::duration<double>(timed.answers.back() - timed.answers.front()).count();
  const double per_second = seconds > 0 ? static_cast<double>(timed.answers.size() - 1) / seconds : 0;
  std::printf("healthy channel %s: %zu answers (%ld sent) in %.2f s = %.0f messages/s; engine: sent %llu, unknown %llu, "
              "retried %llu, failed %llu; load %s\n",
              beside ? "beside the faulty one" : "alone", timed.answers.size(), timed.sent, seconds, per_second,
              static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.unknown),
              static_cast<unsigned long long>(st.retried), static_cast<unsigned long long>(st.failed), bench::loadavg().c_str());
  std::fflush(stdout);
  return per_second;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() < 2) {
    std::fprintf(stderr, "usage: fault_isolation_bench HEALTHY_URL FAULTY_URL [N] [RATE]\n");
    return 2;
  }
  try {
    const long n = a.size() > 2 ? std::stol(a[2]) : 5000;
    const double rate = a.size() > 3 ? std::stod(a[3]) : 1e9;
    // Alternating rounds, medians: a 2-core machine shared with other work is noisy.
    std::vector<double> alone, beside;
    for (int round = 0; round < 3; ++round) {
      {
        FaultServer faulty(a[1]);  // unused alone; started so both runs of a round see the same machine
        alone.push_back(run(a[0], faulty.url(), n, rate, false));
      }
      FaultServer faulty(a[1]);  // fresh: no keys seen, nothing pending from earlier runs
      beside.push_back(run(a[0], faulty.url(), n, rate, true));
    }
    std::sort(alone.begin(), alone.end());
    std::sort(beside.begin(), beside.end());
    std::printf("fault isolation: healthy beside faulty / alone = %.2f (medians of 3: %.0f / %.0f messages/s); load %s\n",
                alone[1] > 0 ? beside[1] / alone[1] : 0, beside[1], alone[1], bench::loadavg().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fault_isolation_bench: %s\n", e.what());
    return 1;
  }
}
