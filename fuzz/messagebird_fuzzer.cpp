// messagebird: status reports and inbound SMS, MessageBird-Signature-JWT, send answers.
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto connector = fuzz::must_make({"messagebird", "", {{"access_key", "mb-access"}, {"originator", "Outreach"}, {"signing_key", "mb-signing-key"}, {"report_url", "https://outreach.example.org/webhooks/sms/status"}}, nullptr});
  return fuzz::fuzz_connector(*connector, data, size);
}
