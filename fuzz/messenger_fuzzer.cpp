// messenger: Messenger webhooks (messages, deliveries), X-Hub-Signature-256, GET handshake, send
// answers; and the Facebook Page connector (the same Graph API answers and webhook shape).
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto messenger = fuzz::must_make(
      {"messenger", "", {{"page_access_token", "page-token"}, {"app_secret", "fb-app-secret"}, {"verify_token", "fb-verify"}}, nullptr});
  static const auto page = fuzz::must_make(
      {"facebook_page", "", {{"page_id", "1234567890"}, {"page_access_token", "page-token"}}, nullptr});
  fuzz::fuzz_connector(*messenger, data, size);
  return fuzz::fuzz_connector(*page, data, size);
}
