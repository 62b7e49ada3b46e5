#include "services/plain_language_check.h"

#include <map>
#include <optional>
#include <set>

#include "campaigns/campaign.h"
#include "campaigns/hyphenator.h"
#include "campaigns/plain_language.h"
#include "campaigns/sample_messages.h"
#include "engine/engine_config.h"

namespace outreach::services {

PlainLanguageCheck check_plain_language(const campaigns::Campaign& campaign, const campaigns::SampleMessages& samples,
                                        const engine::EngineConfig& config) {
  campaigns::PlainLanguageRules rules = config.plain_language;
  rules.sla_working_days = config.case_sla_working_days;
  PlainLanguageCheck out;
  out.findings = campaigns::promise_findings(campaign, samples, rules);

  std::set<std::string> languages;
  for (const auto& [id, texts] : campaign.templates) {
    for (const auto& entry : texts) languages.insert(entry.first);
  }
  std::map<std::string, campaigns::Hyphenator> loaded;
  std::map<std::string, const campaigns::Hyphenator*> hyphenators;
  for (const auto& lang : languages) {
    auto path = rules.hyphenation.find(lang);
    if (path == rules.hyphenation.end()) continue;
    auto h = campaigns::Hyphenator::load(path->second);
    if (!h) {
      // The check still runs without syllables; the reader learns why a score is missing.
      out.findings.push_back(campaigns::finding_at(campaign, campaigns::Finding::warning, "",
                                                   "no readability score for '" + lang + "': " + h.error().what()));
      continue;
    }
    hyphenators[lang] = &loaded.emplace(lang, std::move(*h)).first->second;
  }
  auto reports = campaigns::readability(campaign, samples, hyphenators, rules.b1);
  auto findings = campaigns::readability_findings(campaign, reports, rules.b1);
  out.findings.insert(out.findings.end(), findings.begin(), findings.end());
  for (const auto& r : reports) out.readability.push_back(r.line());
  return out;
}

}  // namespace outreach::services
