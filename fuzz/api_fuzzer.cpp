// api: the api's routes with JSON, form and query bodies, called in memory (no socket): the input
// is a request as fuzz_input.h reads it ("POST /v1/contact-logs", headers, body), handed to the
// router the way the server hands it over (path and decoded query split off the target). The
// fixture (api_fixture.h) seeds data, swaps principal names for their tokens and rolls back.
#include "channels/form_encoding.h"
#include "fuzz/api_fixture.h"
#include "fuzz/fuzz_input.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::ApiFixture api;
  fuzz::RawMessage m = fuzz::split_message(data, size);
  api::Request req;
  req.method = m.first;
  req.target = m.second;
  auto qpos = req.target.find('?');
  req.path = req.target.substr(0, qpos);
  if (qpos != std::string::npos) {
    auto fields = channels::form_decode(std::string_view(req.target).substr(qpos + 1));
    if (!fields) return 0;  // the server answers 400 before the router sees it
    for (auto& [k, v] : *fields) req.query.emplace(k, v);
  }
  req.headers = m.headers;
  req.body = m.body;
  req.remote_address = "127.0.0.1:50000";
  api.handle(std::move(req));
  return 0;
}
