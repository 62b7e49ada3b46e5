#include "engine/engine_config.h"

namespace outreach::engine {

EngineConfig sandbox_config() {
  EngineConfig c;
  auto add = [&](const std::string& name, core::UrnScheme scheme, double per_second) {
    ChannelConfig ch;
    ch.name = name;
    ch.scheme = scheme;
    ch.provider = "sandbox";
    ch.account = "sandbox:" + name;
    ch.rate = RateLimit{per_second, per_second};
    c.channels[name] = ch;
  };
  add("sms", core::UrnScheme::tel, 10);
  add("email", core::UrnScheme::mailto, 50);
  add("whatsapp", core::UrnScheme::whatsapp, 80);
  add("intermediary", core::UrnScheme::intermediary, 10);
  return c;
}

}  // namespace outreach::engine
