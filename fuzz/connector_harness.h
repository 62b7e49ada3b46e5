#pragma once
// One provider's connector, fed a fuzzed request (fuzz_input.h): verify_signature and parse_webhook
// on it as a webhook (parse_webhook too when the signature is refused: a provider holding the
// secret can still send any body), and parse_send on it as the provider's answer to a send.
// Nothing may crash, hang or return an error without a message.
#include <cstdlib>
#include <memory>

#include "channels/connector.h"
#include "channels/connector_factory.h"
#include "core/clock.h"
#include "fuzz/fuzz_input.h"

namespace outreach::fuzz {

inline const core::ManualClock& fuzz_clock() {
  static const core::ManualClock clock(core::from_millis(1795000000000));  // 2026-11-17
  return clock;
}

inline std::unique_ptr<channels::Connector> must_make(channels::ProviderSettings settings) {
  settings.clock = &fuzz_clock();
  auto made = channels::make_connector(settings);
  if (!made) std::abort();  // the harness's settings are wrong, not the input
  return std::move(made).take();
}

inline void check(const core::Status& st) {
  if (!st && st.error().message.empty()) std::abort();
}

inline int fuzz_connector(const channels::Connector& connector, const std::uint8_t* data, std::size_t size,
                          const char* public_base = "https://outreach.example.org") {
  RawMessage m = split_message(data, size);
  channels::WebhookRequest req;
  req.method = m.status() ? "POST" : m.first;
  req.target = m.second;
  req.url = m.second.rfind("http", 0) == 0 ? m.second : public_base + m.second;
  req.headers = m.headers;
  req.body = m.body;
  check(connector.verify_signature(req));
  auto events = connector.parse_webhook(req);
  if (!events && events.error().message.empty()) std::abort();

  channels::TransportResponse res;
  res.status = m.status();
  res.headers = m.headers;
  res.body = m.body;
  res.timed_out = res.status == 0 && m.first == "TIMEOUT";
  // Not checked: that `sent` comes with a provider id. An answer that accepts the message but lacks
  // the id (CM's "Accepted" without its reference) is still sent; classifying it otherwise could
  // send twice. The engine fills in its own id where it has one (engine/sender.cpp).
  (void)connector.parse_send(res);
  return 0;
}

}  // namespace outreach::fuzz
