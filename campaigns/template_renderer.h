#pragma once
// Renders a campaign template with kainjow Mustache. Pure functions over a Campaign.
//  1. Language fallback: a template without the asked language is rendered in nl, and
//     RenderedMessage::language_used says so. Partials ({{> footer}}) come from campaign.partials
//     in the language used, else nl.
//  2. subject and text are plain text: nothing is HTML-escaped. html escapes every variable.
//  3. sender, reply_number and campaign_name are filled from the campaign unless vars has them.
// Also the small template scanner that validate() and lint() use to see variables and partials.

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "campaigns/campaign.h"
#include "core/error.h"

namespace outreach::campaigns {

// Variable name -> value. Names outside known_variables() are ignored by validate()'d templates.
using RenderVars = std::map<std::string, std::string>;

struct RenderedMessage {
  std::string language_used;
  std::string subject;
  std::string text;
  std::string html;
};

// Requires: the campaign has `template_id`, with an nl text (validate() checks both).
// Errors: not_found for an unknown template or a missing nl; invalid_input for Mustache syntax
// errors or partials check_partials() refuses, naming the field ("templates.x.nl.text").
core::Result<RenderedMessage> render(const Campaign& campaign, const std::string& template_id,
                                     const std::string& language, const RenderVars& vars);

// render() for one template in one language, with what does not depend on the person done once:
// the language fallback, parsing the texts, checking the partials, the campaign's own variables.
// render(campaign, id, lang, vars) is prepare(campaign, id, lang) then render(vars): the same
// text, the same errors (from prepare). Not thread-safe (a parsed Mustache template keeps state
// while it renders): one per thread. `campaign` must outlive it.
class PreparedTemplate {
 public:
  static core::Result<std::unique_ptr<PreparedTemplate>> prepare(const Campaign& campaign, const std::string& template_id,
                                                                 const std::string& language);
  ~PreparedTemplate();
  PreparedTemplate(const PreparedTemplate&) = delete;
  PreparedTemplate& operator=(const PreparedTemplate&) = delete;
  RenderedMessage render(const RenderVars& vars);

 private:
  struct Impl;
  explicit PreparedTemplate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One campaign's templates, each prepared on first use (by template and asked language) and kept,
// errors included. Same thread rule as PreparedTemplate; `campaign` must outlive it.
class PreparedTemplates {
 public:
  explicit PreparedTemplates(const Campaign& campaign) : campaign_(campaign) {}
  core::Result<RenderedMessage> render(const std::string& template_id, const std::string& language,
                                       const RenderVars& vars);

 private:
  const Campaign& campaign_;
  std::map<std::pair<std::string, std::string>, core::Result<std::unique_ptr<PreparedTemplate>>> prepared_;
};

// Partials nest at most this deep, and a text expanded through its partials stays this small:
// partials that include each other twice per level would otherwise grow as 2^depth and hold the
// io thread for minutes.
inline constexpr std::size_t kMaxPartialDepth = 8;
inline constexpr std::size_t kMaxExpandedSize = 64 * 1024;

// The partials of one template language, checked without expanding them (memoised, linear in the
// number of partials): invalid_input "template syntax: <why>" for a text scan_template() refuses
// (where "partials.x.<lang>" for a partial, the template's field for its own text: what the scanner
// cannot read it cannot check), "partial 'x' includes itself" (where "partials.x"), or
// "partials nest deeper than 8 levels (a > b > ...)" / "expands to more than 65536 bytes through
// its partials" (where "templates.<id>.<lang>.<subject|text|html>"). Ok for an unknown template.
core::Status check_partials(const Campaign& campaign, const std::string& template_id, const std::string& language);

// The language render() would use for a contact who prefers `preferred`: it, or nl.
std::string language_for(const Campaign& campaign, const std::string& template_id,
                         const std::string& preferred);

// name, first_name, sender, reply_number, municipality_name, unsubscribe_url, campaign_name,
// intermediary_name, people_count.
const std::vector<std::string>& known_variables();

// The known variables filled per recipient (a person's name, municipality, unsubscribe link, or the
// intermediary and its people): every known variable except sender, reply_number, campaign_name.
// A public page post may use none of them (validate() checks it).
const std::vector<std::string>& personal_variables();

// The text of a page post: its template in post.language (nl when the template lacks it), with the
// campaign-level variables only, so nothing personal can be filled in. Errors as render().
core::Result<RenderedMessage> render_post(const Campaign& campaign, const Post& post);

// Plausible values for every known variable (ASCII names, the campaign's own sender and number),
// used by lint and the SMS report.
RenderVars sample_vars(const Campaign& campaign);

// One Mustache tag found in a template text.
struct TemplateTag {
  enum Kind { variable, section, inverted, close, partial, comment };
  Kind kind = variable;
  std::string name;
};

// The tags of `text` in order. Returns false and says why in *error on an unclosed tag, an empty
// tag, a delimiter change ({{=<% %>=}} is not supported) or unbalanced sections.
bool scan_template(std::string_view text, std::vector<TemplateTag>& tags, std::string* error);

}  // namespace outreach::campaigns
