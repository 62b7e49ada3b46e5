#pragma once
// "Make no promises that cannot be kept, and write plainly (B1)": checks on a campaign's rendered
// templates (rendered with sample_vars(), every language), for `campaign validate` and the
// approver's view.
//  - A deadline ("binnen 3 werkdagen", "within 2 days", "3 gün içinde", "w ciągu 2 dni") shorter
//    than the case SLA is an error: the process only guarantees that a municipality acknowledges
//    a case within sla_working_days working days. Calendar days and weeks are compared with the
//    longest those working days can take (5 working days can span 7 calendar days).
//  - Words of certainty from a per-language list ("garanderen", "altijd", "guarantee") are warnings.
//  - Readability per template and language: average words per sentence, the share of long words
//    and, where hyphenation patterns give syllables, Flesch-Douma (nl) or Flesch reading ease (en);
//    over a B1 limit is a warning, and every (template, language) gets a report line.
// Pure, apart from the hyphenators the caller loads. `samples` are the campaign's own.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "campaigns/campaign.h"
#include "campaigns/finding.h"

namespace outreach::campaigns {

class Hyphenator;
class SampleMessages;

struct ReadabilityLimits {
  double max_sentence_words = 15;    // average words per sentence
  double max_long_word_share = 0.15; // share of words with long_word_letters letters or more
  int long_word_letters = 13;
  double min_flesch_douma = 60;      // nl: 60-70 reads as "fairly easy"
  double min_flesch = 60;            // en: Flesch reading ease, "plain English" from 60
};

struct PlainLanguageRules {
  int sla_working_days = 5;  // the case SLA (engine config), not a setting of its own
  // Per language, folded words or phrases matched on word boundaries.
  std::map<std::string, std::vector<std::string>> certainty_words;
  ReadabilityLimits b1;
  // Per language, the libhyphen pattern file for syllables.
  std::map<std::string, std::string> hyphenation;

  static PlainLanguageRules defaults();
};

std::vector<Finding> promise_findings(const Campaign& campaign, const SampleMessages& samples,
                                      const PlainLanguageRules& rules);

struct Readability {
  std::string template_id;
  std::string language;
  int sentences = 0;
  int words = 0;
  int long_words = 0;
  double words_per_sentence = 0;
  double long_word_share = 0;
  std::optional<int> syllables;  // when the language has hyphenation patterns
  std::optional<double> flesch_douma;
  std::optional<double> flesch;

  // "first_contact nl: 11.5 words/sentence, 4% long words, Flesch-Douma 71"
  std::string line() const;
};

// One report per (template, language) that renders, sorted by template then language. Hyphenators
// by language; a language without one gets no syllable-based score.
std::vector<Readability> readability(const Campaign& campaign, const SampleMessages& samples,
                                     const std::map<std::string, const Hyphenator*>& hyphenators,
                                     const ReadabilityLimits& limits);

std::vector<Finding> readability_findings(const Campaign& campaign, const std::vector<Readability>& reports,
                                          const ReadabilityLimits& b1);

}  // namespace outreach::campaigns
