#include "campaigns/channel_kinds.h"

namespace outreach::campaigns {

ChannelKinds default_channel_kinds() {
  return {
      {"sms", {core::UrnScheme::tel}},
      {"email", {core::UrnScheme::mailto}},
      {"whatsapp", {core::UrnScheme::whatsapp}},
      {"intermediary", {core::UrnScheme::intermediary}},
      {"facebook_page", {core::UrnScheme::page}},
  };
}

}  // namespace outreach::campaigns
