#pragma once
// Checks the messages a campaign will send, rendered with sample_vars() in every language:
//  - a template used by a step with a direct channel (SMS, e-mail, WhatsApp, DM) must, in every
//    language, name the campaign sender and offer an opt-out (the rendered optout partial, the
//    word STOP, or the {{unsubscribe_url}}), in its text and, when present, its html (error);
//  - a template sent by e-mail needs a subject in every language (error);
//  - a template sent by SMS longer than kMaxSmsSegments parts (warning);
//  - a page post whose text does not name the campaign sender (warning).
// Templates that fail to render are reported as errors. Pure. `samples` are the campaign's own.

#include <string>
#include <vector>

#include "campaigns/campaign.h"
#include "campaigns/channel_kinds.h"
#include "campaigns/finding.h"
#include "campaigns/sms_segments.h"

namespace outreach::campaigns {

class SampleMessages;

constexpr int kMaxSmsSegments = 6;

std::vector<Finding> lint(const Campaign& campaign, const ChannelKinds& channels, const SampleMessages& samples);

// The SMS cost of one template language, rendered with sample_vars().
struct SmsReport {
  std::string template_id;
  std::string language;
  SmsInfo sms;
};

// One row per (template, language) of the campaign, sorted by template then language. Templates
// that fail to render, and templates only page posts use, are left out.
std::vector<SmsReport> sms_report(const Campaign& campaign, const SampleMessages& samples);

}  // namespace outreach::campaigns
