#include "app/plain_language_config.h"

#include <yaml-cpp/yaml.h>

#include "campaigns/plain_text.h"

namespace outreach::app {
namespace {

std::string where(const std::string& path, const YAML::Node& n, const std::string& field) {
  return path + ":" + std::to_string(n.Mark().line + 1) + ": plain_language." + field;
}

}  // namespace

core::Status load_plain_language(const YAML::Node& section, const std::string& path,
                                 campaigns::PlainLanguageRules& rules) {
  if (!section) return {};
  if (!section.IsMap()) {
    return core::Error::invalid("expected a map", path + ":" + std::to_string(section.Mark().line + 1) + ": plain_language");
  }
  campaigns::ReadabilityLimits& b1 = rules.b1;
  for (auto [key, target] : {std::pair<const char*, double*>{"max_sentence_words", &b1.max_sentence_words},
                             {"max_long_word_share", &b1.max_long_word_share},
                             {"min_flesch_douma", &b1.min_flesch_douma},
                             {"min_flesch", &b1.min_flesch}}) {
    if (!section[key]) continue;
    try {
      *target = section[key].as<double>();
    } catch (const YAML::Exception&) {
      return core::Error::invalid("expected a number", where(path, section[key], key));
    }
  }
  if (b1.max_long_word_share < 0 || b1.max_long_word_share > 1) {
    return core::Error::invalid("expected a share between 0 and 1", where(path, section["max_long_word_share"],
                                                                        "max_long_word_share"));
  }
  if (const YAML::Node n = section["long_word_letters"]) {
    try {
      b1.long_word_letters = n.as<int>();
    } catch (const YAML::Exception&) {
      return core::Error::invalid("expected a whole number", where(path, n, "long_word_letters"));
    }
    if (b1.long_word_letters < 2) return core::Error::invalid("expected at least 2", where(path, n, "long_word_letters"));
  }
  if (const YAML::Node words = section["certainty_words"]) {
    if (!words.IsMap()) return core::Error::invalid("expected language: [words]", where(path, words, "certainty_words"));
    for (const auto& kv : words) {
      const std::string lang = kv.first.as<std::string>();
      if (!kv.second.IsSequence()) {
        return core::Error::invalid("expected a list of words", where(path, kv.second, "certainty_words." + lang));
      }
      std::vector<std::string> list;
      for (const auto& w : kv.second) list.push_back(campaigns::fold_case(w.as<std::string>()));
      rules.certainty_words[lang] = std::move(list);
    }
  }
  if (const YAML::Node h = section["hyphenation"]) {
    if (!h.IsMap()) return core::Error::invalid("expected language: file", where(path, h, "hyphenation"));
    for (const auto& kv : h) rules.hyphenation[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return {};
}

}  // namespace outreach::app
