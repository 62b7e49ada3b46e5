#include "channels/email_connector.h"

#include <cctype>
#include <cstdio>

#include "channels/signature.h"

namespace outreach::channels {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";
constexpr std::size_t kMaxUrl = 900;  // a header line may not pass 998 characters

std::string domain_of(std::string_view address) {
  auto at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

bool valid_address(std::string_view a) {
  auto at = a.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == a.npos &&
         a.find_first_of(" <>\r\n\",") == a.npos;
}

std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  return out;
}

}  // namespace

bool unsubscribe_url_allowed(std::string_view url) {
  if (url.starts_with("https://")) return url.size() > 8;
  if (!url.starts_with("http://")) return false;
  std::string_view rest = url.substr(7);
  std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.starts_with("[::1]")) return host.size() == 5 || host[5] == ':';
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  if (!host.starts_with("127.")) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

std::string encode_ref(std::string_view client_ref) {
  std::string out;
  for (char c : client_ref) {
    auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || b == '-' || b == '_') {
      out += c;
    } else {
      out += '=';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

std::string decode_ref(std::string_view encoded) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '=' && i + 2 < encoded.size() + 0 && hex(encoded[i + 1]) >= 0 && hex(encoded[i + 2]) >= 0) {
      out += static_cast<char>(hex(encoded[i + 1]) * 16 + hex(encoded[i + 2]));
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

core::Result<EmailSettings> validate_email_settings(EmailSettings s) {
  auto bad = [](const char* key, std::string msg) { return core::Error::invalid(std::move(msg), key); };
  if (!(s.smtp_url.starts_with("smtp://") || s.smtp_url.starts_with("smtps://")))
    return bad("smtp.url", "must start with smtp:// or smtps://, got '" + s.smtp_url + "'");
  if (!valid_address(s.from_address))
    return bad("smtp.from_address", "not an e-mail address: '" + s.from_address + "'");
  if (s.bounce_address.empty()) s.bounce_address = s.from_address;
  if (!valid_address(s.bounce_address))
    return bad("smtp.bounce_address", "not an e-mail address: '" + s.bounce_address + "'");
  if (s.reply_domain.empty()) s.reply_domain = domain_of(s.from_address);
  if (s.message_id_domain.empty()) s.message_id_domain = domain_of(s.from_address);
  if (s.reply_local_part.empty() || s.reply_local_part.find_first_of("+@ <>") != std::string::npos)
    return bad("smtp.reply_local_part", "must be a plain local part without '+', got '" + s.reply_local_part + "'");
  if (!s.unsubscribe_mailto.empty() && !valid_address(s.unsubscribe_mailto))
    return bad("smtp.unsubscribe_mailto", "not an e-mail address: '" + s.unsubscribe_mailto + "'");
  if (s.password.size() > 0 && s.username.empty())
    return bad("smtp.username", "a password is set but no username");
  if (s.timeout.count() <= 0) return bad("smtp.timeout_ms", "must be positive");
  return s;
}

EmailConnector::EmailConnector(EmailSettings settings) : settings_(std::move(settings)) {}

bool EmailConnector::can_send_to(const core::Urn& to) const {
  return to.scheme() == core::UrnScheme::mailto;
}

std::string EmailConnector::message_id(std::string_view client_ref) const {
  std::string mac = hex_encode(hmac_sha256(settings_.message_id_secret,
                                           std::string(client_ref) + "\n" + settings_.message_id_domain));
  return encode_ref(client_ref) + "." + mac.substr(0, 16) + "@" + settings_.message_id_domain;
}

std::string EmailConnector::reply_address(std::string_view client_ref) const {
  return settings_.reply_local_part + "+" + encode_ref(client_ref) + "@" + settings_.reply_domain;
}

core::Result<mime::OutgoingMail> EmailConnector::build_mail(const OutboundMessage& msg) const {
  if (msg.client_ref.empty()) return core::Error::invalid("must not be empty", "client_ref");
  if (msg.to.scheme() != core::UrnScheme::mailto)
    return core::Error::invalid("smtp cannot send to '" + msg.to.str() + "'", "to");
  if (msg.text.empty()) return core::Error::invalid("e-mail needs a plain text part", "text");
  if (!msg.unsubscribe_url.empty() && !unsubscribe_url_allowed(msg.unsubscribe_url))
    return core::Error::invalid("must be an https:// URL (RFC 8058; http:// only on a loopback address), got '" +
                                    msg.unsubscribe_url + "'",
                                "unsubscribe_url");
  if (msg.unsubscribe_url.size() > kMaxUrl ||
      msg.unsubscribe_url.find_first_of(" <>\r\n") != std::string::npos)
    return core::Error::invalid("longer than 900 characters or contains spaces or angle brackets",
                                "unsubscribe_url");
  mime::OutgoingMail mail;
  mail.from_name = one_line(msg.sender_name.empty() ? settings_.from_name : msg.sender_name);
  mail.from_address = settings_.from_address;
  mail.to_address = msg.to.path();
  mail.reply_to = reply_address(msg.client_ref);
  mail.subject = one_line(msg.subject);
  mail.message_id = message_id(msg.client_ref);
  mail.date = msg.now;
  mail.text = msg.text;
  mail.html = msg.html;
  mail.unsubscribe_url = msg.unsubscribe_url;
  mail.unsubscribe_mailto = settings_.unsubscribe_mailto;
  if (!msg.language.empty()) mail.extra_headers.emplace_back("Content-Language", one_line(msg.language));
  return mail;
}

TransportRequest EmailConnector::submission(std::string message, std::string recipient) const {
  TransportRequest req;
  req.kind = TransportRequest::Kind::smtp;
  req.url = settings_.smtp_url;
  req.starttls = settings_.starttls && settings_.smtp_url.starts_with("smtp://");
  req.username = settings_.username;
  req.password = settings_.password;
  req.mail_from = settings_.bounce_address;
  req.mail_rcpt = {std::move(recipient)};
  req.body = std::move(message);
  req.timeout = settings_.timeout;
  return req;
}

core::Result<TransportRequest> EmailConnector::build_send(const OutboundMessage& msg) const {
  auto mail = build_mail(msg);
  if (!mail) return mail.error();
  TransportRequest req = submission(mime::build_message(*mail), mail->to_address);
  req.headers.emplace_back("Message-ID", mail->message_id);
  return req;
}

SendOutcome classify_smtp(const TransportResponse& r) {
  SendOutcome out;
  auto text = [&r] {
    std::string t = r.body.empty() ? r.transport_error : r.body;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    return t;
  };
  // Without the final reply: harmless while the message was not yet written; once it was (after
  // DATA), the server may have queued it.
  const SendVerdict unconfirmed = r.request_sent ? SendVerdict::ambiguous : SendVerdict::transient;
  const char* when = r.request_sent ? " after the message was sent" : " before the message was sent";
  if (r.status == 0 || r.timed_out) {
    out.verdict = unconfirmed;
    out.reason = (r.timed_out ? std::string("smtp: timed out") : std::string("smtp: no answer")) + when +
                 (r.transport_error.empty() ? "" : ": " + r.transport_error);
    return out;
  }
  // A final code that is not 2xx/4xx/5xx (a 334 mid-AUTH, a 354 mid-DATA), or a 2xx followed by a
  // transfer error, means the server never confirmed the message.
  bool final_code = (r.status >= 200 && r.status < 300) || (r.status >= 400 && r.status < 600);
  if (!final_code || (r.status < 300 && !r.transport_error.empty())) {
    out.verdict = unconfirmed;
    out.reason = "smtp: incomplete after " + std::to_string(r.status) + when +
                 (r.transport_error.empty() ? "" : ": " + r.transport_error);
    return out;
  }
  std::string detail = text();
  out.reason = "smtp " + std::to_string(r.status) + (detail.empty() ? "" : ": " + detail);
  if (r.status >= 200 && r.status < 300) {
    out.verdict = SendVerdict::sent;
    if (const std::string* id = find_header(r.headers, "Message-ID")) {
      std::string v = *id;
      if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
      out.provider_id = v;
    }
    out.reason.clear();
  } else if (r.status >= 400 && r.status < 500) {
    out.verdict = SendVerdict::transient;
  } else if (r.status == 530 || r.status == 534 || r.status == 535 || r.status == 538) {
    out.verdict = SendVerdict::transient;
    out.reason += " (authentication: check smtp.username/password)";
  } else if (r.status >= 500 && r.status < 600) {
    out.verdict = SendVerdict::permanent;
  } else {
    out.verdict = SendVerdict::transient;
  }
  return out;
}

SendOutcome EmailConnector::parse_send(const TransportResponse& response) const {
  return classify_smtp(response);
}

core::Status EmailConnector::verify_signature(const WebhookRequest&) const {
  return core::Error::forbidden("smtp has no webhooks: replies and bounces are read over IMAP");
}

core::Result<WebhookEvents> EmailConnector::parse_webhook(const WebhookRequest&) const {
  return core::Error::forbidden("smtp has no webhooks: replies and bounces are read over IMAP");
}

}  // namespace outreach::channels
