#pragma once
// The `plain_language:` section of config/outreach.yaml (campaigns/plain_language.h):
//   plain_language:
//     max_sentence_words: 15       # B1 limits; over them is a warning
//     max_long_word_share: 0.15
//     long_word_letters: 13
//     min_flesch_douma: 60
//     min_flesch: 60
//     certainty_words: {nl: [garanderen, altijd, zeker], en: [guarantee, always]}  # replaces those languages' lists
//     hyphenation: {nl: /usr/share/hyphen/hyph_nl_NL.dic}                            # pattern file per language

#include <string>

#include "campaigns/plain_language.h"
#include "core/error.h"

namespace YAML {
class Node;
}

namespace outreach::app {

// Reads `section` (may be undefined: the defaults stay) into `rules`. Errors name file, line and field.
core::Status load_plain_language(const YAML::Node& section, const std::string& path,
                                 campaigns::PlainLanguageRules& rules);

}  // namespace outreach::app
