#pragma once
// What the routes work with: the database, the clock, the engine components they call, and the
// api's limits. Plain data wired by the caller (app/ or a test); nothing here is owned.
// Everything pointed to must outlive the router. Without `lanes` every route runs on the thread
// that calls the router (one thread: the server's io thread); with lanes (serve) reads run on a pool
// of reader threads and everything else on the engine's writer thread (api/router.h).

#include <functional>
#include <map>
#include <string>

#include "core/clock.h"
#include "core/error.h"
#include "net/work_lanes.h"

namespace outreach::net {
class MetricsRegistry;
}  // namespace outreach::net

namespace outreach::storage {
class Database;
}
namespace outreach::channels {
class Connector;
class IntermediaryConnector;
}
namespace outreach::engine {
struct EngineConfig;
class InboundProcessor;
}  // namespace outreach::engine

namespace outreach::services {
class CampaignDesk;
class Unsubscribe;
}  // namespace outreach::services

namespace outreach::api {

// Where route work runs: net/work_lanes.h (shared with the web pages).
using ReadLane = net::ReadLane;
using WorkLanes = net::WorkLanes;

struct ApiContext {
  storage::Database* db = nullptr;  // the writer's connection
  WorkLanes* lanes = nullptr;       // may be null: everything on the caller's thread
  const core::Clock* clock = nullptr;
  net::MetricsRegistry* metrics = nullptr;   // /metrics renders it; may be null
  const engine::EngineConfig* config = nullptr;  // what the services need (scopes, keys, caps)
  engine::InboundProcessor* inbound = nullptr;  // webhooks answer 503 while null
  services::CampaignDesk* desk = nullptr;         // campaign routes answer 503 while null
  services::Unsubscribe* unsubscribe = nullptr;   // /u/{token} routes answer 503 while null
  // Channel name ("sms", "whatsapp", ...) -> the connector that verifies and parses its webhooks.
  std::map<std::string, const channels::Connector*> webhooks;
  // Intermediary key -> its connector, which verifies the signed reports it sends back.
  std::map<std::string, const channels::IntermediaryConnector*> intermediaries;
  // The public URL providers call ("https://outreach.example.org"); signatures cover it.
  std::string public_base_url = "http://127.0.0.1:8080";
  std::string national_fallback = "national";  // the fallback team's owner code for cases
  int case_sla_working_days = 5;  // cases opened from field reports are due this many working days later
  int max_page = 1000;      // largest ?limit=
};

}  // namespace outreach::api
