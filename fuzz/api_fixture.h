#pragma once
// The whole api (api::make_router) over an in-memory database, for the api and http fuzz targets:
// municipalities, one principal of each kind, five people with consent and a case, a Twilio and a
// WhatsApp connector for webhooks and an intermediary for reports. Each request runs inside one
// outer transaction that is rolled back afterwards, so every input meets the same data.
//
// Tokens: "Authorization: Bearer <name>" with the name of a seeded principal (coord, approver,
// vol1, inter, gm0599, gm0363, rijnmond, national, ops) is replaced by that principal's token, so
// the fuzzer reaches past authentication without guessing 32 random bytes.
//
// Checked per request: no 500 answer (no input may make a route fail internally; the router turns
// every escaped exception into one) and every JSON answer is JSON.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/context.h"
#include "api/router.h"
#include "channels/intermediary_connector.h"
#include "channels/twilio_connector.h"
#include "channels/whatsapp_connector.h"
#include "core/clock.h"
#include "engine/engine_config.h"
#include "engine/inbound.h"
#include "net/metrics.h"
#include "services/campaign_desk.h"
#include "services/unsubscribe.h"
#include "storage/case_store.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/database.h"
#include "storage/municipality_store.h"
#include "storage/principal_store.h"

namespace outreach::fuzz {

class ApiFixture {
 public:
  ApiFixture() {
    db_ = storage::Database::open(":memory:").take();
    config_ = engine::sandbox_config();
    config_.suppression_key = "fuzz-suppression-key";
    config_.unsubscribe_key = "fuzz-unsubscribe-key";
    seed();
    inbound_ = std::make_unique<engine::InboundProcessor>(*db_, clock_, config_, nullptr);
    desk_ = std::make_unique<services::CampaignDesk>(*db_, clock_, config_);
    unsubscribe_ = std::make_unique<services::Unsubscribe>(*db_, clock_, config_.unsubscribe_key);
    twilio_ = std::make_unique<channels::TwilioConnector>(
        channels::TwilioConfig{"https://api.twilio.com", "AC123", "twilio-test-auth-token", "+3197010203040", "", ""});
    channels::WhatsAppConfig wc;
    wc.phone_number_id = "1234";
    wc.access_token = "wa-access";
    wc.app_secret = "wa-app-secret";
    wc.verify_token = "wa-verify";
    whatsapp_ = std::make_unique<channels::WhatsAppConnector>(wc);
    intermediary_ = std::make_unique<channels::IntermediaryConnector>(
        channels::validate_intermediary_settings({"buurthuis", "Buurthuis De Brug", channels::IntermediaryDelivery::webhook, "",
                                                  "https://buurthuis.example.nl/outreach", "intermediary-secret-0123",
                                                  std::chrono::seconds(10)})
            .take());
    ctx_.db = db_.get();
    ctx_.clock = &clock_;
    ctx_.metrics = &metrics_;
    ctx_.config = &config_;
    ctx_.inbound = inbound_.get();
    ctx_.desk = desk_.get();
    ctx_.unsubscribe = unsubscribe_.get();
    ctx_.webhooks["sms"] = twilio_.get();
    ctx_.webhooks["whatsapp"] = whatsapp_.get();
    ctx_.intermediaries["buurthuis"] = intermediary_.get();
    ctx_.public_base_url = "https://outreach.example.org";
    router_ = api::make_router(ctx_);
  }

  // Runs one request and rolls back whatever it wrote. Aborts on a 500 or a JSON answer that is not JSON.
  void handle(api::Request request) {
    for (auto& [name, value] : request.headers) {
      if (value.rfind("Bearer ", 0) != 0) continue;
      auto it = tokens_.find(value.substr(7));
      if (it != tokens_.end()) value = "Bearer " + it->second;
    }
    auto st = db_->transaction([&]() -> core::Status {
      api::Response response = router_->handle(request);
      if (response.status == 500) {
        std::fprintf(stderr, "500 for %s %s: %s\n", request.method.c_str(), request.target.c_str(), response.body.c_str());
        std::abort();
      }
      std::string body = response.body;
      if (response.stream) {
        int pieces = 0;
        while (auto piece = response.stream()) {
          body += *piece;
          if (++pieces > 100000) std::abort();  // a stream that never ends
        }
      }
      if (response.content_type.rfind("application/json", 0) == 0 && !body.empty() && !nlohmann::json::accept(body)) {
        std::fprintf(stderr, "not JSON from %s %s: %s\n", request.method.c_str(), request.target.c_str(), body.c_str());
        std::abort();
      }
      return core::Error::invalid("roll back");
    });
    if (st) std::abort();
  }

 private:
  void seed() {
    storage::MunicipalityStore m(*db_);
    m.upsert_region({"rijnmond", "Rijnmond", "GM0599"}).take();
    m.upsert({"GM0599", "Rotterdam", "rijnmond"}).take();
    m.upsert({"GM0606", "Schiedam", "rijnmond"}).take();
    m.upsert({"GM0363", "Amsterdam", ""}).take();
    storage::PrincipalStore p(*db_);
    using K = storage::PrincipalKind;
    const std::pair<const char*, std::pair<K, const char*>> principals[] = {
        {"coord", {K::coordinator, ""}},       {"approver", {K::approver, ""}},
        {"vol1", {K::volunteer, "rijnmond"}},  {"inter", {K::intermediary, "rijnmond"}},
        {"gm0599", {K::municipality, "GM0599"}}, {"gm0363", {K::municipality, "GM0363"}},
        {"rijnmond", {K::regional_hub, "rijnmond"}}, {"national", {K::national_fallback, ""}},
        {"ops", {K::operator_, ""}}};
    for (const auto& [name, kind_scope] : principals) {
      tokens_[name] = p.add(name, kind_scope.first, kind_scope.second, clock_.now()).take().token;
    }
    const char* people[][4] = {{"Alice Rotterdam", "GM0599", "nl", "+31612340001"},
                               {"Bob Rotterdam", "GM0599", "nl", "+31612340002"},
                               {"Cem Rotterdam", "GM0599", "tr", "+31612340003"},
                               {"Dirk Schiedam", "GM0606", "nl", "+31612340004"},
                               {"Eva Amsterdam", "GM0363", "nl", "+31612340005"}};
    storage::ConsentLedger ledger(*db_);
    for (const auto& person : people) {
      storage::Contact c;
      c.name = person[0];
      c.municipality = person[1];
      c.language = person[2];
      c.addresses.push_back({core::Urn::phone(person[3]).take()});
      std::int64_t id = storage::ContactStore(*db_).add(c, clock_.now()).take();
      storage::ConsentEvent e;
      e.contact_id = id;
      e.purpose = std::string("share:") + person[1];
      e.channel = "*";
      e.action = storage::ConsentAction::grant;
      e.source = "sms_keyword";
      e.collector = "fuzz";
      e.at = clock_.now();
      ledger.record(e).take();
      storage::CaseStore(*db_)
          .open(id, person[1], std::nullopt, clock_.now(), clock_.now() + std::chrono::hours(120), "fuzz")
          .take();
    }
  }

  core::ManualClock clock_{core::from_millis(1795000000000)};  // 2026-11-17
  std::unique_ptr<storage::Database> db_;
  engine::EngineConfig config_;
  net::MetricsRegistry metrics_;
  std::unique_ptr<engine::InboundProcessor> inbound_;
  std::unique_ptr<services::CampaignDesk> desk_;
  std::unique_ptr<services::Unsubscribe> unsubscribe_;
  std::unique_ptr<channels::TwilioConnector> twilio_;
  std::unique_ptr<channels::WhatsAppConnector> whatsapp_;
  std::unique_ptr<channels::IntermediaryConnector> intermediary_;
  std::map<std::string, std::string> tokens_;
  api::ApiContext ctx_;
  std::unique_ptr<api::Router> router_;
};

}  // namespace outreach::fuzz
