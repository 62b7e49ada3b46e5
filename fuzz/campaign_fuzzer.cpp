// campaign: a campaign YAML file through everything `outreach campaign validate` does with it:
// parse_campaign (yaml-cpp, keys, durations, days, hours), validate() against the default channels
// and a few municipalities, and for a campaign without errors lint(), the SMS report, every template
// rendered in every language with sample variables, and every post.
// Checked: no exception escapes, every finding has a message, and a campaign that validates renders
// to valid UTF-8 when its file was valid UTF-8, without control characters (but tab and line ends).
#include <cstdlib>
#include <string>

#include "campaigns/campaign_parser.h"
#include "campaigns/campaign_validator.h"
#include "campaigns/message_lint.h"
#include "campaigns/plain_language.h"
#include "campaigns/sample_messages.h"
#include "campaigns/template_renderer.h"
#include "core/text_encoding.h"

using namespace outreach;
using namespace outreach::campaigns;

namespace {

void check_findings(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    if (f.message.empty()) std::abort();
  }
  (void)format_findings(findings);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ValidationContext context{default_channel_kinds(), {"GM0599", "GM0606", "GM0363"}, {"rijnmond"}};
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOutcome parsed = parse_campaign(text, "campaign.yaml");
  check_findings(parsed.findings);
  if (!parsed.campaign) return 0;
  const Campaign& c = *parsed.campaign;
  auto findings = validate(c, context);
  check_findings(findings);
  if (!parsed.ok() || has_errors(findings)) return 0;

  const SampleMessages samples(c);
  check_findings(lint(c, context.channels, samples));
  (void)sms_report(c, samples);
  static const PlainLanguageRules rules = PlainLanguageRules::defaults();
  check_findings(promise_findings(c, samples, rules));
  check_findings(readability_findings(c, readability(c, samples, {}, rules.b1), rules.b1));
  const bool utf8 = core::is_valid_utf8(text);
  for (const auto& [id, languages] : c.templates) {
    for (const auto& [language, unused] : languages) {
      const auto& rendered = samples.at(id, language);
      if (!rendered) {
        if (rendered.error().message.empty()) std::abort();
        continue;
      }
      if (utf8 && !(core::is_valid_utf8(rendered->subject) && core::is_valid_utf8(rendered->text) &&
                    core::is_valid_utf8(rendered->html))) {
        std::abort();
      }
      if (core::first_control_character(rendered->subject) || core::first_control_character(rendered->text) ||
          core::first_control_character(rendered->html)) {
        std::abort();
      }
    }
  }
  for (const auto& post : c.posts) (void)render_post(c, post);
  return 0;
}
