#include "channels/connector_factory.h"

#include "channels/cm_connector.h"
#include "channels/email_connector.h"
#include "channels/facebook_page.h"
#include "channels/messagebird_connector.h"
#include "channels/messenger_connector.h"
#include "channels/sender_id.h"
#include "channels/telegram_connector.h"
#include "channels/twilio_connector.h"
#include "channels/whatsapp_connector.h"

namespace outreach::channels {

namespace {

// Copies a required setting into `out`; returns false (and sets `err`) when it is missing.
bool take(const ProviderSettings& s, std::string_view key, std::string& out, std::optional<core::Error>& err) {
  if (err) return false;
  auto v = s.require(key);
  if (!v) {
    err = v.error();
    return false;
  }
  out = *v;
  return true;
}

void base(const ProviderSettings& s, std::string& out) {
  if (!s.base_url.empty()) out = s.base_url;
}

const core::Clock& clock_of(const ProviderSettings& s) {
  static const core::SystemClock system_clock;
  return s.clock ? *s.clock : system_clock;
}

}  // namespace

core::Result<EmailSettings> email_settings_from(const ProviderSettings& s) {
  // smtp: url* (or base_url; smtp:// or smtps://), from_address*, from_name, username, password,
  // starttls (true|false, default true), bounce_address, reply_local_part (reply), reply_domain,
  // message_id_domain, message_id_secret, unsubscribe_mailto, timeout_ms (30000).
  std::optional<core::Error> err;
  EmailSettings c;
  c.smtp_url = s.base_url;
  if (c.smtp_url.empty()) take(s, "url", c.smtp_url, err);
  take(s, "from_address", c.from_address, err);
  if (err) return *err;
  c.from_name = s.get("from_name");
  c.username = s.get("username");
  c.password = s.get("password");
  const std::string starttls = s.get("starttls", "true");
  if (starttls != "true" && starttls != "false")
    return core::Error::invalid("expected true or false, got '" + starttls + "'", "providers.smtp.starttls");
  c.starttls = starttls == "true";
  c.bounce_address = s.get("bounce_address");
  c.reply_local_part = s.get("reply_local_part", c.reply_local_part);
  c.reply_domain = s.get("reply_domain");
  c.message_id_domain = s.get("message_id_domain");
  c.message_id_secret = s.get("message_id_secret");
  c.unsubscribe_mailto = s.get("unsubscribe_mailto");
  const std::string timeout = s.get("timeout_ms", "30000");
  if (timeout.empty() || timeout.size() > 7 || timeout.find_first_not_of("0123456789") != std::string::npos)
    return core::Error::invalid("expected milliseconds, got '" + timeout + "'", "providers.smtp.timeout_ms");
  c.timeout = std::chrono::milliseconds(std::stol(timeout));
  auto valid = validate_email_settings(std::move(c));
  if (!valid) return core::Error::invalid(valid.error().message, "providers." + valid.error().where);
  return std::move(*valid);
}

core::Result<std::unique_ptr<Connector>> make_connector(const ProviderSettings& s) {
  std::optional<core::Error> err;
  const std::string& p = s.provider;
  if (p == "twilio") {
    TwilioConfig c;
    base(s, c.base_url);
    take(s, "account_sid", c.account_sid, err);
    take(s, "auth_token", c.auth_token, err);
    c.messaging_service_sid = s.get("messaging_service_sid");
    if (c.messaging_service_sid.empty()) take(s, "from", c.from, err);
    c.status_callback = s.get("status_callback");
    if (err) return *err;
    if (c.messaging_service_sid.empty()) {
      if (auto ok = validate_sender(c.from, 15, "providers.twilio.from"); !ok) return ok.error();
    }
    return std::unique_ptr<Connector>(std::make_unique<TwilioConnector>(std::move(c)));
  }
  if (p == "cm") {
    CmConfig c;
    base(s, c.base_url);
    take(s, "product_token", c.product_token, err);
    take(s, "from", c.from, err);
    take(s, "webhook_token", c.webhook_token, err);
    if (err) return *err;
    if (auto ok = validate_sender(c.from, 16, "providers.cm.from"); !ok) return ok.error();
    return std::unique_ptr<Connector>(std::make_unique<CmConnector>(std::move(c)));
  }
  if (p == "messagebird") {
    MessageBirdConfig c;
    base(s, c.base_url);
    take(s, "access_key", c.access_key, err);
    take(s, "originator", c.originator, err);
    take(s, "signing_key", c.signing_key, err);
    c.report_url = s.get("report_url");
    if (err) return *err;
    if (auto ok = validate_sender(c.originator, 17, "providers.messagebird.originator"); !ok) return ok.error();
    return std::unique_ptr<Connector>(std::make_unique<MessageBirdConnector>(std::move(c), clock_of(s)));
  }
  if (p == "whatsapp") {
    WhatsAppConfig c;
    base(s, c.base_url);
    take(s, "access_token", c.access_token, err);
    take(s, "phone_number_id", c.phone_number_id, err);
    take(s, "app_secret", c.app_secret, err);
    take(s, "verify_token", c.verify_token, err);
    c.version = s.get("version", c.version);
    c.default_template = s.get("template");
    if (err) return *err;
    return std::unique_ptr<Connector>(std::make_unique<WhatsAppConnector>(std::move(c)));
  }
  if (p == "messenger") {
    MessengerConfig c;
    base(s, c.base_url);
    take(s, "page_access_token", c.page_access_token, err);
    take(s, "app_secret", c.app_secret, err);
    take(s, "verify_token", c.verify_token, err);
    c.version = s.get("version", c.version);
    if (err) return *err;
    return std::unique_ptr<Connector>(std::make_unique<MessengerConnector>(std::move(c)));
  }
  if (p == "telegram") {
    TelegramConfig c;
    base(s, c.base_url);
    take(s, "bot_token", c.bot_token, err);
    take(s, "secret_token", c.secret_token, err);
    if (err) return *err;
    return std::unique_ptr<Connector>(std::make_unique<TelegramConnector>(std::move(c)));
  }
  if (p == "facebook_page") {
    FacebookPageConfig c;
    base(s, c.base_url);
    take(s, "page_id", c.page_id, err);
    take(s, "page_access_token", c.page_access_token, err);
    c.version = s.get("version", c.version);
    if (err) return *err;
    return std::unique_ptr<Connector>(std::make_unique<FacebookPage>(std::move(c)));
  }
  if (p == "smtp") {
    auto settings = email_settings_from(s);
    if (!settings) return settings.error();
    return std::unique_ptr<Connector>(std::make_unique<EmailConnector>(std::move(*settings)));
  }
  return core::Error::invalid("unknown provider '" + p + "'", "providers");
}

}  // namespace outreach::channels
