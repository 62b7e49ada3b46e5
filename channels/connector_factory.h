#pragma once
// Builds the connector named by ProviderSettings::provider. Setting keys (values map):
//   twilio        account_sid*, auth_token*, from* or messaging_service_sid*, status_callback
//   cm            product_token*, from*, webhook_token*
//   messagebird   access_key*, originator*, signing_key*, report_url
//   whatsapp      access_token*, phone_number_id*, app_secret*, verify_token*, version (v23.0),
//                 template (an approved one-parameter template for text outside the 24-hour window)
//   messenger     page_access_token*, app_secret*, verify_token*, version (v23.0)
//   telegram      bot_token*, secret_token*
//   facebook_page page_id*, page_access_token*, version (v23.0)
// (* required). base_url empty means the provider's public API. A missing key is invalid_input
// "providers.<provider>.<key>: missing setting"; an unknown provider is invalid_input too.
// twilio.from, cm.from and messagebird.originator must be SMS sender ids (channels/sender_id.h):
// otherwise invalid_input "providers.cm.from: '<value>' is no sender id: ...".

#include <memory>

#include "channels/connector.h"
#include "channels/email_connector.h"
#include "channels/provider_settings.h"

namespace outreach::channels {

core::Result<std::unique_ptr<Connector>> make_connector(const ProviderSettings& settings);

// The e-mail settings of an "smtp" provider block (keys listed in the .cpp), validated; used by the
// e-mail channel and by intermediaries that get their digest by e-mail.
core::Result<EmailSettings> email_settings_from(const ProviderSettings& settings);

}  // namespace outreach::channels
