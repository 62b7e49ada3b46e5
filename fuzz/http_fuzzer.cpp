// http: the bytes a client sends to `outreach serve`, through the server's own request reader
// (net::read_http_request: Beast's parser with the server's header and body limits, then the
// target split into path and decoded query) and, for a request the server would accept, the whole
// router (api_fixture.h). Checked besides the fixture's checks: a refused request gets 400, 413 or
// 431 with an error code and message.
#include "fuzz/api_fixture.h"
#include "net/http_request_reader.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ApiFixture api;
  static const net::HttpServerOptions options = [] {
    net::HttpServerOptions o;
    o.body_limit = 64 * 1024;  // small enough that the fuzzer meets it
    o.header_limit = 8 * 1024;
    return o;
  }();
  net::ReadOutcome read =
      net::read_http_request(std::string_view(reinterpret_cast<const char*>(data), size), options, "127.0.0.1:50000");
  if (!read.request) {
    if (read.status != 0 && read.status != 400 && read.status != 413 && read.status != 431) std::abort();
    if (read.status != 0 && (read.code.empty() || read.message.empty())) std::abort();
    return 0;
  }
  api.handle(std::move(*read.request));
  return 0;
}
