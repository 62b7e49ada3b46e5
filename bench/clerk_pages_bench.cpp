// The clerk's pages with 10,000 cases in one municipality: server time to render the case list
// (50 per page: the first page, and one deep in the list by its cursor) and a case page, measured
// in-process through the same PageRouter::handle that `outreach serve` runs (session lookup, the
// service with its policy checks and audit records, Mustache, the layout), beside a baseline in the
// same run: the bare service call (services::CaseDesk::list / detail) without the page. Prints
// p50/p99 over N renders and each page's weight in KB, with the load average.
//   clerk_pages_bench [cases=10000] [renders=200] [db path=/tmp/outreach-clerk-bench-<pid>.db]
// Targets (issue 11): the case list under 50 ms, every page under 100 KB.

#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "engine/engine_config.h"
#include "services/case_desk.h"
#include "services/sign_in.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/principal_store.h"
#include "storage/response_store.h"
#include "web/web.h"

using namespace outreach;
using Clock = std::chrono::steady_clock;

namespace {

// `cases` residents of GM0599 who said JA and consented to sharing, each with an open case; every
// tenth case's SLA has run out.
void seed(storage::Database& db, const core::Clock& clock, int cases) {
  storage::MunicipalityStore m(db);
  m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).take();
  m.upsert({"GM0599", "Rotterdam", "rijnmond"}).take();
  const auto now = clock.now();
  db.transaction([&]() -> core::Status {
      for (int i = 0; i < cases; ++i) {
        storage::Contact c;
        c.name = "Bench Inwoner " + std::to_string(i);
        c.municipality = "GM0599";
        c.language = i % 7 == 0 ? "tr" : "nl";
        char phone[32];
        std::snprintf(phone, sizeof phone, "+316%08d", 10000000 + i);
        c.addresses.push_back({core::Urn::phone(phone).take()});
        c.addresses.push_back({core::Urn::parse("mailto:inwoner" + std::to_string(i) + "@example.org").take()});
        auto id = storage::ContactStore(db).add(c, now).take();
        for (const char* purpose : {"outreach", "share:GM0599"}) {
          storage::ConsentEvent e{.contact_id = id, .purpose = purpose, .channel = "*", .source = "bench",
                                  .collector = "bench", .at = now};
          if (auto r = storage::ConsentLedger(db).record(e); !r) return r.error();
        }
        storage::Response r;
        r.contact_id = id;
        r.channel = "sms";
        r.urn = std::string("tel:") + phone;
        r.provider_message_id = "SM" + std::to_string(i);
        r.text = "JA, ik wil graag hulp";
        r.keyword = "yes";
        r.received_at = now - std::chrono::minutes(cases - i);
        if (auto rec = storage::ResponseStore(db).record(r); !rec) return rec.error();
        const auto opened = now - std::chrono::minutes(cases - i);
        const auto due = i % 10 == 0 ? now - std::chrono::hours(1) : now + std::chrono::hours(120);
        if (auto k = storage::CaseStore(db).open(id, "GM0599", std::nullopt, opened, due, "bench"); !k) return k.error();
      }
      return {};
    }).take();
}

struct Figures {
  double p50 = 0, p99 = 0;
};

Figures time_it(int n, const std::function<void()>& fn) {
  std::vector<double> ms;
  ms.reserve(n);
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, static_cast<std::size_t>(ms.size() * 0.99))]};
}

net::HttpRequest get(const std::string& target, const std::string& session) {
  net::HttpRequest r;
  r.method = "GET";
  r.target = target;
  r.path = target.substr(0, target.find('?'));
  if (auto q = target.find('?'); q != std::string::npos) {
    std::string rest = target.substr(q + 1);
    while (!rest.empty()) {
      std::string pair = rest.substr(0, rest.find('&'));
      rest = rest.find('&') == std::string::npos ? std::string() : rest.substr(rest.find('&') + 1);
      r.query[pair.substr(0, pair.find('='))] = pair.find('=') == std::string::npos ? "" : pair.substr(pair.find('=') + 1);
    }
  }
  r.headers.emplace_back("Cookie", std::string(web::kSessionCookie) + "=" + session);
  r.remote_address = "127.0.0.1:40000";
  return r;
}

void print(const char* what, const Figures& f, const char* unit = "ms") {
  std::printf("%-52s p50 %7.2f %s  p99 %7.2f %s   load %s\n", what, f.p50, unit, f.p99, unit, bench::loadavg().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const int cases = argc > 1 ? std::stoi(argv[1]) : 10000;
  const int renders = argc > 2 ? std::stoi(argv[2]) : 200;
  const std::string path = argc > 3 ? argv[3] : "/tmp/outreach-clerk-bench-" + std::to_string(::getpid()) + ".db";
  if (sodium_init() < 0) return 1;
  std::filesystem::remove(path);
  auto db = storage::Database::open(path).take();
  core::SystemClock clock;
  engine::EngineConfig config = engine::sandbox_config();
  config.suppression_key = std::string(32, 's');
  const auto t0 = Clock::now();
  seed(*db, clock, cases);
  std::printf("seeded %d cases in one municipality in %.1f s\n", cases,
              std::chrono::duration<double>(Clock::now() - t0).count());

  // A clerk with a password and a live session, as after the sign-in form.
  const std::string totp_key(32, 't');
  storage::PrincipalStore(*db).add("rotterdam", storage::PrincipalKind::municipality, "GM0599", clock.now()).take();
  services::SignIn sign_in(*db, clock, totp_key);
  sign_in.set_password(services::Actor::system("bench"), "rotterdam", "bench-wachtwoord-2026").take();
  const std::string session =
      sign_in.with_password({.name = "rotterdam", .password = "bench-wachtwoord-2026", .client_address = "127.0.0.1"})
          .take()
          .session_token;

  web::WebContext ctx;
  ctx.db = db.get();
  ctx.clock = &clock;
  ctx.config = &config;
  ctx.csrf_key = std::string(32, 'c');
  ctx.totp_key = totp_key;
  auto router = web::make_page_router(ctx);

  const auto clerk = services::Actor{"rotterdam", storage::PrincipalKind::municipality, "GM0599", "bench", "bench"};
  services::CaseDesk desk(*db, clock, config);
  auto deep = desk.list(clerk, {.state = "active", .after_id = cases / 2, .limit = 50}).take();
  const std::int64_t a_case = deep.items.front().row.c.id;

  std::size_t list_bytes = 0, deep_bytes = 0, case_bytes = 0;
  int bad = 0;
  auto render = [&](const std::string& target, std::size_t& bytes) {
    auto r = router->handle(get(target, session));
    if (r.status != 200) ++bad;
    bytes = r.body.size();
  };
  const std::string deep_target = "/cases?state=active&after=" + std::to_string(cases / 2);
  render("/cases", list_bytes);  // warm the statement cache, as a running server has it
  std::printf("%d renders each; 50 cases per page\n", renders);
  print("service: CaseDesk::list, first page (baseline)", time_it(renders, [&] { desk.list(clerk, {.state = "active"}).take(); }));
  print("page: GET /cases, first page", time_it(renders, [&] { render("/cases", list_bytes); }));
  print("service: CaseDesk::list, page at case 5,000 (baseline)",
        time_it(renders, [&] { desk.list(clerk, {.state = "active", .after_id = cases / 2}).take(); }));
  print("page: GET /cases?after=..., page at case 5,000", time_it(renders, [&] { render(deep_target, deep_bytes); }));
  print("page: GET /cases?overdue=1 (every tenth case late)",
        time_it(renders, [&] { std::size_t b; render("/cases?state=active&overdue=1", b); }));
  print("page: GET /cases?name=Inwoner%20999 (name search)",
        time_it(renders, [&] { std::size_t b; render("/cases?state=active&name=Inwoner+999", b); }));
  print("service: CaseDesk::detail (baseline)", time_it(renders, [&] { desk.detail(clerk, a_case).take(); }));
  print("page: GET /cases/{id}", time_it(renders, [&] { render("/cases/" + std::to_string(a_case), case_bytes); }));
  std::printf("weight: case list %.1f KB, case list deep %.1f KB, case page %.1f KB (HTML, uncompressed; "
              "site.css and site.js are separate, cached files)\n",
              list_bytes / 1024.0, deep_bytes / 1024.0, case_bytes / 1024.0);
  if (bad > 0) std::printf("WARNING: %d render(s) did not answer 200\n", bad);
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  return bad == 0 ? 0 : 1;
}
