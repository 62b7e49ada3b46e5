#include "web/strings.h"

#include <gtest/gtest.h>

namespace outreach::web {
namespace {

TEST(Strings, EveryLanguageHasTheSameKeys) {
  const StringTable& nl = strings("nl");
  for (const auto& lang : ui_languages()) {
    const StringTable& other = strings(lang);
    for (const auto& [key, value] : nl) {
      EXPECT_TRUE(other.count(key)) << lang << " lacks " << key;
      EXPECT_FALSE(other.count(key) && other.at(key).empty()) << lang << ": " << key << " is empty";
    }
    for (const auto& [key, value] : other) EXPECT_TRUE(nl.count(key)) << "nl lacks " << key << " (" << lang << " has it)";
  }
}

TEST(Strings, TheLanguageComesFromTheCookieThenAcceptLanguageThenDutch) {
  const std::string en = "en", fr = "fr", nl_first = "nl-NL,en;q=0.5", en_gb = "en-GB,en;q=0.8", only_fr = "fr-FR,de;q=0.5";
  EXPECT_EQ(pick_language(&en, &nl_first), "en");
  EXPECT_EQ(pick_language(&fr, &en_gb), "en") << "an unknown cookie value is ignored";
  EXPECT_EQ(pick_language(nullptr, &nl_first), "nl");
  EXPECT_EQ(pick_language(nullptr, &only_fr), "nl");
  EXPECT_EQ(pick_language(nullptr, nullptr), "nl");
  EXPECT_EQ(text("en", "sign_in_title"), "Sign in");
  EXPECT_EQ(text("nl", "no_such_key"), "no_such_key");
}

}  // namespace
}  // namespace outreach::web
