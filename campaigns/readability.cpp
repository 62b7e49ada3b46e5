// The readability half of plain_language.h.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "campaigns/hyphenator.h"
#include "campaigns/plain_language.h"
#include "campaigns/plain_text.h"
#include "campaigns/sample_messages.h"

namespace outreach::campaigns {
namespace {

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

Readability measure(const std::string& id, const std::string& lang, const RenderedMessage& m,
                    const ReadabilityLimits& limits, const Hyphenator* hyphenator) {
  Readability r;
  r.template_id = id;
  r.language = lang;
  std::vector<Sentence> sentences = split_sentences(m.subject);
  for (auto& s : split_sentences(m.text)) sentences.push_back(std::move(s));
  int syllables = 0;
  for (const auto& s : sentences) {
    ++r.sentences;
    for (const auto& w : s.words) {
      ++r.words;
      if (letter_count(w) >= limits.long_word_letters) ++r.long_words;
      if (hyphenator != nullptr) syllables += hyphenator->syllables(w);
    }
  }
  if (r.words == 0) return r;
  r.words_per_sentence = static_cast<double>(r.words) / r.sentences;
  r.long_word_share = static_cast<double>(r.long_words) / r.words;
  if (hyphenator != nullptr) {
    r.syllables = syllables;
    const double per_word = static_cast<double>(syllables) / r.words;
    // Flesch-Douma (1960), the Dutch adaptation; Flesch (1948) for English.
    if (lang == "nl") r.flesch_douma = 206.84 - 0.77 * 100.0 * per_word - 0.93 * r.words_per_sentence;
    if (lang == "en") r.flesch = 206.835 - 1.015 * r.words_per_sentence - 84.6 * per_word;
  }
  return r;
}

}  // namespace

std::string Readability::line() const {
  std::string out = template_id + " " + language + ": " + fixed(words_per_sentence, 1) + " words/sentence, " +
                    fixed(100.0 * long_word_share, 0) + "% long words";
  if (flesch_douma) out += ", Flesch-Douma " + fixed(*flesch_douma, 0);
  if (flesch) out += ", Flesch reading ease " + fixed(*flesch, 0);
  return out;
}

std::vector<Readability> readability(const Campaign& c, const SampleMessages& samples,
                                     const std::map<std::string, const Hyphenator*>& hyphenators,
                                     const ReadabilityLimits& limits) {
  std::vector<Readability> out;
  for (const auto& [id, texts] : c.templates) {
    for (const auto& entry : texts) {
      const std::string& lang = entry.first;
      const auto& m = samples.at(id, lang);
      if (!m) continue;
      auto h = hyphenators.find(lang);
      out.push_back(measure(id, lang, *m, limits, h == hyphenators.end() ? nullptr : h->second));
    }
  }
  return out;
}

std::vector<Finding> readability_findings(const Campaign& c, const std::vector<Readability>& reports,
                                          const ReadabilityLimits& b1) {
  std::vector<Finding> out;
  for (const auto& r : reports) {
    if (r.words == 0) continue;
    const std::string field = "templates." + r.template_id + "." + r.language + ".text";
    auto warn = [&](const std::string& what) { out.push_back(finding_at(c, Finding::warning, field, what)); };
    if (r.words_per_sentence > b1.max_sentence_words) {
      warn("sentences average " + fixed(r.words_per_sentence, 1) + " words (B1: at most " +
           fixed(b1.max_sentence_words, 0) + "); write shorter sentences");
    }
    if (r.long_word_share > b1.max_long_word_share) {
      warn(fixed(100.0 * r.long_word_share, 0) + "% of the words have " + std::to_string(b1.long_word_letters) +
           " letters or more (B1: at most " + fixed(100.0 * b1.max_long_word_share, 0) + "%)");
    }
    if (r.flesch_douma && *r.flesch_douma < b1.min_flesch_douma) {
      warn("Flesch-Douma " + fixed(*r.flesch_douma, 0) + " (B1: at least " + fixed(b1.min_flesch_douma, 0) +
           "); use shorter words and sentences");
    }
    if (r.flesch && *r.flesch < b1.min_flesch) {
      warn("Flesch reading ease " + fixed(*r.flesch, 0) + " (B1: at least " + fixed(b1.min_flesch, 0) +
           "); use shorter words and sentences");
    }
  }
  return out;
}

}  // namespace outreach::campaigns
