#pragma once
// Every (template, language) of a campaign rendered once with sample_vars(): the texts that the
// checks of `campaign validate` and the approver's view read (lint(), sms_report(),
// promise_findings(), readability()). Rendering is most of what those checks cost, and they all
// read the same texts, so they share one SampleMessages instead of each rendering again.

#include <map>
#include <string>
#include <utility>

#include "campaigns/campaign.h"
#include "campaigns/template_renderer.h"
#include "core/error.h"

namespace outreach::campaigns {

class SampleMessages {
 public:
  // Renders every language of every template of `campaign` (posts use the same templates).
  explicit SampleMessages(const Campaign& campaign);

  // sample_vars() of the campaign.
  const RenderVars& vars() const { return vars_; }

  // render(campaign, template_id, language, vars()), for a language the template has (the
  // checks walk campaign.templates). Throws std::out_of_range for any other, as map::at does.
  const core::Result<RenderedMessage>& at(const std::string& template_id, const std::string& language) const {
    return rendered_.at({template_id, language});
  }

 private:
  RenderVars vars_;
  std::map<std::pair<std::string, std::string>, core::Result<RenderedMessage>> rendered_;
};

}  // namespace outreach::campaigns
