// webhook: the signed calls back from a system we notify (X-Outreach-Timestamp and
// X-Outreach-Signature, verify_v1) and the answers to our notifications (classify_http).
#include "channels/webhook_connector.h"
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const channels::WebhookConnector connector(
      channels::validate_webhook_settings({"GM0599", "https://gm0599.example.nl/outreach", "webhook-secret-0123456789", std::chrono::seconds(10)})
          .take());
  fuzz::RawMessage m = fuzz::split_message(data, size);
  channels::WebhookRequest req{"POST", "https://outreach.example.org" + m.second, m.second, m.headers, m.body};
  fuzz::check(connector.verify(req, fuzz::fuzz_clock().now()));
  channels::TransportResponse res{m.status(), m.headers, m.body, {}, false};
  connector.parse_response(res);
  return 0;
}
