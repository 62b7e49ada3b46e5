// http_bench: loopback HTTP throughput of the engine's transport against nginx.
//
// Starts a private nginx (config generated under a temp dir) answering every POST with
// 201 {"sid":"SM123","status":"queued"}, then measures N Twilio-like form POSTs with 64 in flight:
//   (1) a bare libcurl multi loop (curl_multi_perform/curl_multi_poll, handles re-added at once),
//   (2) HttpTransport on CurlMulti on one asio::io_context (all N submitted; the FIFO holds the rest).
// Prints requests/s for both, the ratio transport/bare, and /proc/loadavg before and after.
// Run by hand, never in CI:  http_bench [N=50000] [in_flight=64] [nginx=/usr/sbin/nginx]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "bench/bench_common.h"
#include "bench/loopback_nginx.h"
#include "channels/connector.h"
#include "net/asio.h"
#include "net/curl_multi.h"
#include "net/http_transport.h"

namespace {

using namespace outreach::bench;
using Steady = std::chrono::steady_clock;

double through_transport(const std::string& url, int total, int in_flight) {
  using namespace outreach;
  asio::io_context io;
  net::CurlMulti multi(io);
  net::HttpTransport transport(multi, static_cast<std::size_t>(in_flight));
  channels::TransportRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  request.body = kBody;
  request.username = "AC123";
  request.password = "token";
  request.timeout = std::chrono::milliseconds(10000);
  int done = 0, failed = 0;
  const auto start = Steady::now();
  for (int i = 0; i < total; ++i) {
    transport.execute(request, [&](channels::TransportResponse r) {
      if (r.status != 201) ++failed;
      ++done;
    });
  }
  io.run();
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  if (failed || done != total) std::printf("  transport: %d failed, %d done of %d\n", failed, done, total);
  return total / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int total = argc > 1 ? std::atoi(argv[1]) : 50000;
  const int in_flight = argc > 2 ? std::atoi(argv[2]) : 64;
  const std::string binary = argc > 3 ? argv[3] : "/usr/sbin/nginx";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  std::printf("http_bench: %d POSTs, %d in flight, nginx %s, %u hardware threads\n", total, in_flight,
              binary.c_str(), std::thread::hardware_concurrency());
  std::printf("loadavg before: %s\n", outreach::bench::loadavg().c_str());
  try {
    Nginx nginx(binary, free_port());
    // Warm-up: connections, caches, nginx worker.
    bare_multi(nginx.url(), std::min(total, 2000), in_flight);
    const double bare = bare_multi(nginx.url(), total, in_flight);
    std::printf("bare curl multi loop : %9.0f req/s\n", bare);
    const double transport = through_transport(nginx.url(), total, in_flight);
    std::printf("HttpTransport (asio) : %9.0f req/s\n", transport);
    std::printf("ratio transport/bare : %9.2f\n", transport / bare);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "http_bench: %s\n", e.what());
    return 1;
  }
  std::printf("loadavg after:  %s\n", outreach::bench::loadavg().c_str());
  curl_global_cleanup();
  return 0;
}
