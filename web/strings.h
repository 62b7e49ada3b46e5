#pragma once
// The UI's words, one table per language (web/strings.cpp): Dutch first (the default), English
// second, the same keys in both (tests/unit/web/strings_test.cpp checks it). Pages never write a
// visible word in C++ or in a template: they name a key.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace outreach::web {

using StringTable = std::map<std::string, std::string, std::less<>>;

// A page group's own words, merged into strings() (same keys in every language).
const StringTable& clerk_strings(std::string_view lang);  // web/clerk_strings.cpp

// The languages the UI speaks, default first.
const std::vector<std::string>& ui_languages();
// The table for `lang` ("nl", "en"); the Dutch one for anything else.
const StringTable& strings(std::string_view lang);
// One string; the key itself when missing (a visible bug, never a crash).
const std::string& text(std::string_view lang, std::string_view key);

// The UI language: the cookie when it names one we speak, else the first language of
// Accept-Language we speak ("en-GB,en;q=0.8" -> en), else nl.
std::string pick_language(const std::string* cookie, const std::string* accept_language);

}  // namespace outreach::web
