#pragma once
// The campaign model: plain structs filled by parse_campaign() from a campaign YAML file (see
// config/campaigns/herstel-rijnmond.yaml) or built in code by tests. Nothing here does I/O or reads a
// clock. Values are checked by validate() (campaign_validator.h), not by the structs themselves.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "campaigns/finding.h"
#include "core/clock.h"

namespace outreach::campaigns {

enum class Weekday { mon, tue, wed, thu, fri, sat, sun };

const char* to_string(Weekday d);
std::optional<Weekday> parse_weekday(std::string_view text);  // "mon".."sun"

// "30m", "12h", "4d", "0d": a non-negative whole number and one unit letter.
std::optional<core::Millis> parse_duration(std::string_view text);
// The shortest exact spelling: 4 days -> "4d", 90 minutes -> "90m", 0 -> "0d".
std::string format_duration(core::Millis d);

// "09:00-20:00" -> minutes after local midnight [start, end). Requires start < end (no windows
// across midnight); "24:00" is allowed as an end.
bool parse_hours(std::string_view text, int& start_minute, int& end_minute);

// 1-based place of a value in the campaign file.
struct Location {
  int line = 0;
  int column = 0;
};

// Who a campaign may reach. A contact is in the audience when its municipality is listed OR lies in
// `region` (both empty: every municipality), and it carries at least one of `tags` (empty: any).
// `languages` lists the languages the campaign is written in; it does not filter anyone (a contact
// whose language has no template gets the nl text). `exclude` may hold "responded", "opted_out",
// "do_not_contact"; opted-out and do-not-contact contacts are suppressed whether listed or not.
struct Audience {
  std::vector<std::string> municipalities;  // CBS codes, "GM0599"
  std::string region;                        // region key, "rijnmond"; may be empty
  std::vector<std::string> languages;        // "nl", "en", "tr", "ar", "pap", "pl", ...
  std::vector<std::string> tags;
  std::vector<std::string> exclude;

  bool excludes(std::string_view what) const;
};

// When messages may go out, in the local time of `timezone` (the engine resolves the name).
// Default when the file has none: every day, 09:00-21:00, Europe/Amsterdam.
struct SendWindow {
  std::vector<Weekday> days = {Weekday::mon, Weekday::tue, Weekday::wed, Weekday::thu,
                               Weekday::fri, Weekday::sat, Weekday::sun};
  std::string hours = "09:00-21:00";  // as written
  int start_minute = 9 * 60;          // parsed from hours
  int end_minute = 21 * 60;
  std::string timezone = "Europe/Amsterdam";
};

// One message of the sequence. `after` counts from the previous step's send (the first step: from
// launch). `channels` are tried in order: the first the contact has an address and consent for.
struct Step {
  std::string id;
  core::Millis after{0};
  bool unless_responded = false;             // "unless: responded"
  std::vector<std::string> channels;          // channel names, "sms", "email", "intermediary"
  std::string template_id;
  std::optional<core::Millis> expires_after;  // not sent by due + this: the message expires
  // WhatsApp and Messenger allow free text only within 24 hours of the person's last message;
  // otherwise this approved template goes instead, its body parameters filled, in order, with the
  // named variables ("name", "municipality_name"). Without one, the provider's configured default
  // template carries the text, if any.
  std::string whatsapp_template;
  std::vector<std::string> whatsapp_params;
};

// One generic post on a public page (a Facebook Page), published once per campaign, not per
// contact: a story or a "contact us" invitation. The Dutch privacy authority advises government to
// use Facebook only for such posts, so a post's template may use campaign-level variables only
// (sender, reply_number, campaign_name), never a person's data; validate() checks it. `after`
// counts from launch. `channel` is a channel whose scheme is `page`.
struct Post {
  std::string id;
  core::Millis after{0};
  std::string channel;      // "facebook_page"
  std::string template_id;
  std::string language = "nl";  // the template language published; nl (the main language) by default
};

// One language of a template. `text` is the plain body (SMS, WhatsApp, e-mail text part); `subject`
// and `html` are used by e-mail and may be empty.
struct TemplateText {
  std::string subject;
  std::string text;
  std::string html;
};

struct Campaign {
  std::string key;              // "herstel-rijnmond", [a-z0-9-]+
  std::string name;
  std::string sender;           // must appear in every SMS, e-mail and WhatsApp message
  std::string reply_number;     // where STOP replies go; may be empty for e-mail-only campaigns
  std::string consent_purpose;  // "outreach": a send on channel c needs consent "outreach:c"
  std::string asks_for;         // what a JA reply grants: "share", "peer-contact" or "" (nothing)
  // A member of the parents' panel must review (comment on) the submitted version before an
  // approver may approve it (services/campaign_desk.h).
  bool review_by_parent_panel = false;
  Audience audience;
  SendWindow send_window;
  std::vector<Step> steps;
  std::vector<Post> posts;  // may be empty
  // partial name -> language -> mustache text ("footer" -> "nl" -> "Afzender: {{sender}}").
  std::map<std::string, std::map<std::string, std::string>> partials;
  // template id -> language -> texts. Every template has "nl", the fallback language.
  std::map<std::string, std::map<std::string, TemplateText>> templates;
  // What a volunteer says when approaching a person: language -> text, one point per line
  // (optional; the volunteer's person page shows it in the UI language, else nl).
  std::map<std::string, std::string> talking_points;

  // Where things came from, for findings: the file name and the place of each field path
  // ("steps[1].channels[0]" -> 23:17). Empty for campaigns built in code.
  std::string file;
  std::map<std::string, Location> locations;

  const Step* find_step(std::string_view id) const;
};

// The consent purpose a JA reply grants for a contact of `municipality`: "share:GM0599" for
// asks_for "share", "peer-contact" for asks_for "peer-contact", nothing otherwise.
std::optional<std::string> granted_purpose(const Campaign& c, const std::string& municipality);

// The place recorded for `field`, or for its nearest recorded parent ("steps[1].channels[0]" ->
// "steps[1].channels" -> "steps[1]" -> "steps"); {0, 0} when none is known.
Location locate(const Campaign& c, std::string_view field);

// A finding about `field` of `c`, placed with locate().
Finding finding_at(const Campaign& c, Finding::Severity severity, std::string field,
                   std::string message);

}  // namespace outreach::campaigns
