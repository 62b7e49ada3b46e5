#include "core/log_mask.h"

#include <gtest/gtest.h>

namespace outreach::core {
namespace {

TEST(MaskAddress, HidesTheMiddleOfNumbersAndTheLocalPartOfMail) {
  EXPECT_EQ(mask_address("tel:+31612345678"), "tel:+316******78");
  EXPECT_EQ(mask_address("whatsapp:31612345678"), "whatsapp:3161*****78");
  EXPECT_EQ(mask_address("mailto:anna@example.org"), "mailto:a***@example.org");
  EXPECT_EQ(mask_address("anna.de.vries@example.org"), "a***@example.org");
  EXPECT_EQ(mask_address("+31612345678"), "+316******78");
}

TEST(MaskAddress, ShortIdsAreHiddenEntirelyAndOrganisationsKept) {
  EXPECT_EQ(mask_address("telegram:12345"), "telegram:*****");
  EXPECT_EQ(mask_address("intermediary:buurthuis"), "intermediary:buurthuis");
  EXPECT_EQ(mask_address("page:facebook_page"), "page:facebook_page");
  EXPECT_EQ(mask_address("mailto:\xE9@x.org"), "mailto:\xEF\xBF\xBD***@x.org");
}

}  // namespace
}  // namespace outreach::core
