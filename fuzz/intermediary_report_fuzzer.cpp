// intermediary_report: a report back from an intermediary (parse_intermediary_report, and the
// signature and freshness check verify_report), and its answer to a digest (parse_send).
#include "channels/intermediary_connector.h"
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const channels::IntermediaryConnector connector(
      channels::validate_intermediary_settings({"buurthuis", "Buurthuis De Brug", channels::IntermediaryDelivery::webhook, "",
                                                "https://buurthuis.example.nl/outreach", "intermediary-secret-0123",
                                                std::chrono::seconds(10)})
          .take());
  fuzz::RawMessage m = fuzz::split_message(data, size);
  channels::WebhookRequest req{"POST", "https://outreach.example.org" + m.second, m.second, m.headers, m.body};
  fuzz::check(connector.verify_report(req, fuzz::fuzz_clock().now()));
  auto report = channels::parse_intermediary_report(m.body);
  if (!report && report.error().message.empty()) std::abort();
  if (report) {
    for (const auto& r : report->reports) {
      if (!channels::parse_contact_outcome(channels::to_string(r.outcome))) std::abort();
    }
  }
  channels::TransportResponse res{m.status(), m.headers, m.body, {}, false};
  connector.parse_send(res);
  return 0;
}
