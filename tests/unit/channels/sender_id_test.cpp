#include "channels/sender_id.h"

#include <gtest/gtest.h>

namespace outreach::channels {
namespace {

TEST(SenderId, AlphanumericIsOneToElevenLettersDigitsAndSpacesWithALetter) {
  for (const char* ok : {"A", "Gemeente", "Herstel RMD", "Gemeente010", "GM0599"}) EXPECT_TRUE(is_alphanumeric_sender(ok)) << ok;
  for (const char* bad : {"", "Herstelteam Rijnmond", "Herstel-RMD", "Gemeenteé", " Herstel", "Herstel ", "12345"}) {
    EXPECT_FALSE(is_alphanumeric_sender(bad)) << bad;
  }
}

TEST(SenderId, NumericIsAnOptionalPlusAndUpToTheProvidersDigits) {
  EXPECT_TRUE(is_numeric_sender("+3197010203040", 15));
  EXPECT_TRUE(is_numeric_sender("0031970102030", 16));
  EXPECT_TRUE(is_numeric_sender("12345678901234567", 17));
  EXPECT_FALSE(is_numeric_sender("123456789012345678", 17));
  EXPECT_FALSE(is_numeric_sender("+31 970 10", 17));
  EXPECT_FALSE(is_numeric_sender("+", 17));
}

TEST(SenderId, ValidateNamesTheFieldAndTheLimits) {
  EXPECT_TRUE(validate_sender("+3197010203040", 17, "providers.messagebird.originator").ok());
  EXPECT_TRUE(validate_sender("Herstel", 16, "providers.cm.from").ok());
  EXPECT_EQ(validate_sender("Herstelteam Rijnmond", 16, "providers.cm.from").error().what(),
            "providers.cm.from: 'Herstelteam Rijnmond' is no sender id: use a phone number of at most 16 digits or at "
            "most 11 letters, digits and spaces");
}

}  // namespace
}  // namespace outreach::channels
