// whatsapp: Cloud API webhooks (messages, statuses), X-Hub-Signature-256, GET handshake, send answers.
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto connector = fuzz::must_make({"whatsapp", "", {{"access_token", "wa-access"}, {"phone_number_id", "1234"}, {"app_secret", "wa-app-secret"}, {"verify_token", "wa-verify"}, {"template", "outreach_text"}}, nullptr});
  return fuzz::fuzz_connector(*connector, data, size);
}
