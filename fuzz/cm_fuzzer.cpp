// cm: CM status reports and inbound SMS (query or JSON), the token parameter, send answers.
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto connector = fuzz::must_make({"cm", "", {{"product_token", "00000000-0000-0000-0000-000000000000"}, {"from", "Outreach"}, {"webhook_token", "cm-webhook-token"}}, nullptr});
  return fuzz::fuzz_connector(*connector, data, size);
}
