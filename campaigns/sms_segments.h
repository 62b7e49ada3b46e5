#pragma once
// How many SMS parts a text needs. GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one
// part, 153 per part when split; characters of the extension table (euro, { } [ ] ^ ~ \ | and
// form feed) take two septets and are never split across parts. Any character outside GSM-7
// switches the whole text to UCS-2: 70 UTF-16 code units in one part, 67 per part (characters
// outside the BMP, such as emoji, take two units and are not split).
// Invalid UTF-8 bytes count as U+FFFD (UCS-2). Pure.

#include <string_view>

namespace outreach::campaigns {

enum class SmsEncoding { gsm7, ucs2 };

const char* to_string(SmsEncoding e);  // "GSM-7", "UCS-2"

struct SmsInfo {
  SmsEncoding encoding = SmsEncoding::gsm7;
  int characters = 0;  // Unicode code points
  int units = 0;       // GSM-7 septets or UTF-16 code units
  int segments = 0;    // 0 for an empty text
};

SmsInfo count_sms(std::string_view utf8);

}  // namespace outreach::campaigns
