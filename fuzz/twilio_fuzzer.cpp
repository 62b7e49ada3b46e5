// twilio: inbound SMS and status callbacks (form bodies), X-Twilio-Signature, send answers.
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto connector = fuzz::must_make({"twilio", "", {{"account_sid", "AC123"}, {"auth_token", "twilio-test-auth-token"}, {"from", "+3197010203040"}, {"status_callback", "https://outreach.example.org/webhooks/sms/status"}}, nullptr});
  return fuzz::fuzz_connector(*connector, data, size);
}
