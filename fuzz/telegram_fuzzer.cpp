// telegram: Bot API updates, X-Telegram-Bot-Api-Secret-Token, send answers.
#include "fuzz/connector_harness.h"

using namespace outreach;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto connector = fuzz::must_make({"telegram", "", {{"bot_token", "123:abc"}, {"secret_token", "tg-secret-token"}}, nullptr});
  return fuzz::fuzz_connector(*connector, data, size);
}
