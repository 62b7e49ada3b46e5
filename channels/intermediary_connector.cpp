#include "channels/intermediary_connector.h"

#include <nlohmann/json.hpp>

#include "channels/webhook_connector.h"
#include "core/json_text.h"

namespace outreach::channels {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxNote = 280;  // as storage::kMaxContactNote
constexpr std::size_t kMaxReports = 10000;

core::Error field_error(const std::string& field, std::string message) {
  return core::Error::invalid(std::move(message), field);
}

// A required non-empty string member.
core::Result<std::string> need_string(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  std::string field = path.empty() ? key : path + "." + key;
  if (it == obj.end() || it->is_null()) return field_error(field, "missing");
  if (!it->is_string()) return field_error(field, std::string("expected a string, got ") + it->type_name());
  std::string v = it->get<std::string>();
  if (v.empty()) return field_error(field, "must not be empty");
  return v;
}

core::Result<ReportConsent> parse_consent(const json& c, const std::string& path) {
  if (!c.is_object()) return field_error(path, std::string("expected an object, got ") + c.type_name());
  ReportConsent out;
  auto purposes = c.find("purposes");
  if (purposes == c.end()) return field_error(path + ".purposes", "missing");
  if (!purposes->is_array() || purposes->empty())
    return field_error(path + ".purposes", "expected a non-empty array of strings");
  for (std::size_t i = 0; i < purposes->size(); ++i) {
    const json& p = (*purposes)[i];
    std::string f = path + ".purposes[" + std::to_string(i) + "]";
    if (!p.is_string() || p.get<std::string>().empty()) return field_error(f, "expected a non-empty string");
    out.purposes.push_back(p.get<std::string>());
  }
  auto text_id = need_string(c, "text_id", path);
  if (!text_id) return text_id.error();
  out.text_id = *text_id;
  auto version = c.find("text_version");
  if (version == c.end() || version->is_null()) return field_error(path + ".text_version", "missing");
  if (version->is_number_integer()) out.text_version = std::to_string(version->get<std::int64_t>());
  else if (version->is_string() && !version->get<std::string>().empty()) out.text_version = version->get<std::string>();
  else return field_error(path + ".text_version", "expected a string or an integer");
  auto language = need_string(c, "language", path);
  if (!language) return language.error();
  out.language = *language;
  return out;
}

}  // namespace

const char* to_string(ContactOutcome o) {
  switch (o) {
    case ContactOutcome::reached_wants_help: return "reached_wants_help";
    case ContactOutcome::reached_no_help: return "reached_no_help";
    case ContactOutcome::not_reached: return "not_reached";
    case ContactOutcome::wrong_number: return "wrong_number";
    case ContactOutcome::asked_no_contact: return "asked_no_contact";
  }
  return "not_reached";
}

std::optional<ContactOutcome> parse_contact_outcome(std::string_view text) {
  for (auto o : {ContactOutcome::reached_wants_help, ContactOutcome::reached_no_help, ContactOutcome::not_reached,
                 ContactOutcome::wrong_number, ContactOutcome::asked_no_contact})
    if (text == to_string(o)) return o;
  return std::nullopt;
}

core::Result<IntermediaryReport> parse_intermediary_report(std::string_view body) {
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for a number such as 1e999
    return field_error("body", std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object()) return field_error("body", std::string("expected an object, got ") + doc.type_name());
  IntermediaryReport out;
  auto batch = need_string(doc, "batch_id", "");
  if (!batch) return batch.error();
  out.batch_id = *batch;
  auto reports = doc.find("reports");
  if (reports == doc.end()) return field_error("reports", "missing");
  if (!reports->is_array()) return field_error("reports", std::string("expected an array, got ") + reports->type_name());
  if (reports->size() > kMaxReports) return field_error("reports", "more than 10000 entries");
  for (std::size_t i = 0; i < reports->size(); ++i) {
    const json& r = (*reports)[i];
    std::string path = "reports[" + std::to_string(i) + "]";
    if (!r.is_object()) return field_error(path, std::string("expected an object, got ") + r.type_name());
    ReportEntry entry;
    auto ref = need_string(r, "ref", path);
    if (!ref) return ref.error();
    entry.ref = *ref;
    auto outcome_text = need_string(r, "outcome", path);
    if (!outcome_text) return outcome_text.error();
    auto outcome = parse_contact_outcome(*outcome_text);
    if (!outcome) return field_error(path + ".outcome", "unknown outcome '" + *outcome_text + "'");
    entry.outcome = *outcome;
    if (auto c = r.find("consent"); c != r.end() && !c->is_null()) {
      if (entry.outcome != ContactOutcome::reached_wants_help && entry.outcome != ContactOutcome::reached_no_help)
        return field_error(path + ".consent", "consent can only be given when the person was reached, outcome is '" +
                                                  *outcome_text + "'");
      auto consent = parse_consent(*c, path + ".consent");
      if (!consent) return consent.error();
      entry.consent = std::move(*consent);
    }
    if (auto m = r.find("mode"); m != r.end() && !m->is_null()) {
      if (!m->is_string() || m->get<std::string>().size() > 32)
        return field_error(path + ".mode", "expected a short string such as phone or visit");
      entry.mode = m->get<std::string>();
    }
    if (auto n = r.find("note"); n != r.end() && !n->is_null()) {
      if (!n->is_string()) return field_error(path + ".note", std::string("expected a string, got ") + n->type_name());
      entry.note = n->get<std::string>();
      if (entry.note.size() > kMaxNote)
        return field_error(path + ".note", "longer than 280 bytes (" + std::to_string(entry.note.size()) + ")");
    }
    out.reports.push_back(std::move(entry));
  }
  return out;
}

core::Result<IntermediarySettings> validate_intermediary_settings(IntermediarySettings s) {
  if (s.key.empty()) return core::Error::invalid("must not be empty", "intermediary.key");
  if (s.secret.size() < 16) return core::Error::invalid("must be at least 16 bytes", "intermediary.secret");
  if (s.delivery == IntermediaryDelivery::email) {
    auto e = core::normalise_email(s.email);
    if (!e) return core::Error::invalid(e.error().message, "intermediary.email");
    s.email = *e;
  } else {
    auto w = validate_webhook_settings({s.key, s.webhook_url, s.secret, s.timeout});
    if (!w) return core::Error::invalid(w.error().message, "intermediary.webhook_url");
  }
  return s;
}

IntermediaryConnector::IntermediaryConnector(IntermediarySettings settings, std::optional<EmailSettings> email)
    : settings_(std::move(settings)) {
  if (email) email_.emplace(std::move(*email));
}

std::string IntermediaryConnector::digest_json(const Digest& d) const {
  nlohmann::ordered_json body;
  body["intermediary"] = settings_.key;
  body["batch_id"] = d.batch_id;
  body["sent_at"] = core::format_utc(d.sent_at);
  body["people"] = nlohmann::ordered_json::array();
  for (const DigestPerson& p : d.people) {
    nlohmann::ordered_json person;
    person["ref"] = p.ref;
    person["name"] = p.name;
    person["language"] = p.language;
    person["municipality"] = p.municipality;
    if (p.phone) person["phone"] = *p.phone;
    if (p.email) person["email"] = *p.email;
    if (!p.message.empty()) person["message"] = p.message;
    body["people"].push_back(std::move(person));
  }
  body["material"] = {{"subject", d.subject}, {"text", d.text}};
  return core::json_text(body);
}

std::string IntermediaryConnector::digest_text(const Digest& d) const {
  std::string t = d.text;
  if (!t.empty() && t.back() != '\n') t += '\n';
  t += "\n-- \nPersonen voor " + settings_.name + " (batch " + d.batch_id + ", " +
       std::to_string(d.people.size()) + "):\n";
  std::size_t n = 0;
  for (const DigestPerson& p : d.people) {
    t += std::to_string(++n) + ". " + p.name + " | ref " + p.ref + " | taal " + p.language + " | gemeente " +
         p.municipality;
    if (p.phone) t += " | tel " + *p.phone;
    if (p.email) t += " | e-mail " + *p.email;
    t += "\n";
    if (!p.message.empty()) t += "   " + p.message + "\n";
  }
  return t;
}

core::Result<TransportRequest> IntermediaryConnector::build_digest(const Digest& d) const {
  if (d.batch_id.empty()) return core::Error::invalid("must not be empty", "batch_id");
  if (d.text.empty()) return core::Error::invalid("must not be empty", "text");
  for (std::size_t i = 0; i < d.people.size(); ++i) {
    std::string path = "people[" + std::to_string(i) + "]";
    if (d.people[i].ref.empty()) return core::Error::invalid("must not be empty", path + ".ref");
    if (d.people[i].name.empty()) return core::Error::invalid("must not be empty", path + ".name");
  }
  if (settings_.delivery == IntermediaryDelivery::email) {
    if (!email_) return core::Error::invalid("email delivery needs smtp settings", "intermediary.delivery");
    auto to = core::Urn::email(settings_.email);
    if (!to) return to.error().within("intermediary.email");
    OutboundMessage msg{.client_ref = "digest-" + d.batch_id, .to = *to};
    msg.language = "nl";
    msg.subject = d.subject;
    msg.text = digest_text(d);
    msg.now = d.sent_at;
    auto mail = email_->build_mail(msg);
    if (!mail) return mail.error();
    mail->extra_headers.emplace_back("X-Outreach-Batch", encode_ref(d.batch_id));
    TransportRequest req = email_->submission(mime::build_message(*mail), mail->to_address);
    req.headers.emplace_back("Message-ID", mail->message_id);
    return req;
  }
  TransportRequest req;
  req.kind = TransportRequest::Kind::http;
  req.method = "POST";
  req.url = settings_.webhook_url;
  req.timeout = settings_.timeout;
  req.body = digest_json(d);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("X-Outreach-Event", "intermediary.digest");
  add_signature_headers(req.headers, settings_.secret, d.sent_at, req.body);
  return req;
}

SendOutcome IntermediaryConnector::parse_send(const TransportResponse& response) const {
  if (settings_.delivery == IntermediaryDelivery::email) return classify_smtp(response);
  return classify_http(response, "intermediary " + settings_.key);
}

core::Status IntermediaryConnector::verify_report(const WebhookRequest& request, core::TimePoint now) const {
  return verify_v1(request.headers, request.body, settings_.secret, now);
}

}  // namespace outreach::channels
