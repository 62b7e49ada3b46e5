#pragma once
// What a coordinator does with one person: look them up, record a consent change they gave on
// paper or by phone, read their consent history, and erase them on request (GDPR art. 17). Each
// is one transaction with its audit record; only coordinators may (operators run the engine, they
// do not read people).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "storage/consent_ledger.h"
#include "storage/contact_store.h"
#include "storage/outbox.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct ConsentChange {
  std::int64_t contact_id = 0;
  bool grant = true;
  std::string purpose;        // "outreach", "peer-contact", "share:GM0599"
  std::string channel = "*";
  std::string source = "cli";  // "paper", "phone", "web_form", ...
  std::string text_id;
  std::string text_version;
};

// `db`, `clock` and `config` must outlive the service.
class People {
 public:
  People(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config)
      : db_(db), clock_(clock), config_(config) {}

  core::Result<storage::Contact> show(const Actor& actor, std::int64_t contact_id);
  core::Result<storage::Contact> find_by_address(const Actor& actor, const core::Urn& address);
  core::Result<std::int64_t> change_consent(const Actor& actor, const ConsentChange& change);
  core::Result<std::vector<storage::ConsentEvent>> consent_history(const Actor& actor, std::int64_t contact_id);
  // Removes the person's details everywhere, keeps an anonymous tombstone and a suppression entry
  // for each address (storage/suppression_list.h).
  core::Status erase(const Actor& actor, std::int64_t contact_id);
  // What the sandbox channels "sent" (address and text): coordinators and operators; audited.
  core::Result<std::vector<storage::SandboxDelivery>> sandbox_deliveries(const Actor& actor, int limit);

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
};

}  // namespace outreach::services
