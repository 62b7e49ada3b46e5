// A self-contained API server for bench/api_bench.sh: a temporary database seeded with one
// municipality, N residents who replied and consented to sharing, and a municipality token; the
// whole api on one io_context thread. Prints "PORT <port>" and "TOKEN <token>", then serves until
// SIGINT or SIGTERM.
//   api_bench [responses=1000] [db path=/tmp/outreach-api-bench.db]

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "api/context.h"
#include "api/router.h"
#include "engine/engine_config.h"
#include "net/http_server.h"
#include "net/metrics.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/principal_store.h"
#include "storage/response_store.h"

using namespace outreach;

int main(int argc, char** argv) {
  int n = argc > 1 ? std::stoi(argv[1]) : 1000;
  std::string path = argc > 2 ? argv[2] : "/tmp/outreach-api-bench-" + std::to_string(::getpid()) + ".db";
  std::filesystem::remove(path);
  auto db = storage::Database::open(path).take();
  core::SystemClock clock;
  storage::MunicipalityStore(*db).upsert({"GM0599", "Rotterdam", ""}).take();
  std::string token = storage::PrincipalStore(*db).add("gm0599", storage::PrincipalKind::municipality, "GM0599",
                                                       clock.now()).take().token;
  db->transaction([&]() -> core::Status {
      for (int i = 0; i < n; ++i) {
        storage::Contact c;
        c.name = "Bench Person " + std::to_string(i);
        c.municipality = "GM0599";
        char phone[32];
        std::snprintf(phone, sizeof phone, "+316%08d", 10000000 + i);
        c.addresses.push_back({core::Urn::phone(phone).take()});
        auto id = storage::ContactStore(*db).add(c, clock.now()).take();
        storage::ConsentEvent e;
        e.contact_id = id;
        e.purpose = "share:GM0599";
        e.source = "bench";
        e.collector = "bench";
        e.at = clock.now();
        storage::ConsentLedger(*db).record(e).take();
        storage::Response r;
        r.contact_id = id;
        r.channel = "sms";
        r.urn = std::string("tel:") + phone;
        r.provider_message_id = "SM" + std::to_string(i);
        r.text = "JA";
        r.received_at = clock.now();
        storage::ResponseStore(*db).record(r).take();
      }
      return {};
    }).take();

  net::MetricsRegistry metrics;
  engine::EngineConfig config = engine::sandbox_config();
  config.suppression_key = "api-bench-suppression-key";
  api::ApiContext ctx;
  ctx.db = db.get();
  ctx.clock = &clock;
  ctx.metrics = &metrics;
  ctx.config = &config;  // the contactability policy reads its suppression key
  auto router = api::make_router(ctx);
  boost::asio::io_context ioc;
  net::HttpServerOptions options;
  net::HttpServer server(ioc, options, api::http_handler(*router));
  server.start().take();
  std::cout << "PORT " << server.port() << "\nTOKEN " << token << std::endl;
  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) {
    server.stop();
    ioc.stop();
  });
  ioc.run();
  std::filesystem::remove(path);
  return 0;
}
