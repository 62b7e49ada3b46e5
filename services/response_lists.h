#pragma once
// What municipalities, regional hubs and the national fallback read: the residents who asked for
// help and consented to sharing with their municipality (their cases: services/case_desk.h). Every row passes
// the contactability policy at the moment it is read (a resident who said STOP, was erased or
// withdrew sharing since is not shown); the list is opened once per request with an audit record
// naming the purpose and the format, before any row is given out.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/audit_trail.h"
#include "services/contactability.h"
#include "storage/response_store.h"

namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

// `db`, `clock` and `config` must outlive the service. On a reader connection pass `pending`: the
// audit records of reads go there for the writer to append before the rows are given out
// (services/audit_trail.h).
class ResponseLists {
 public:
  ResponseLists(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config,
                PendingAudit* pending = nullptr);

  // Checks that the actor may read municipality `code`'s list and records the read ("responses.read"
  // for a screen, "responses.export" for a file) with `format`. Call once per request, first.
  core::Status open(const Actor& actor, const std::string& code, const std::string& format, bool is_export);
  // One page along the id cursor (q.after_id, q.limit rows examined); rows the policy refuses are
  // left out. `next_after` is the last id examined, so paging continues past refused rows.
  struct Page {
    std::vector<storage::SharedResponse> rows;
    std::int64_t next_after = 0;
    bool more = false;  // q.limit rows were examined: there may be more
  };
  core::Result<Page> page(const Actor& actor, const storage::ResponseQuery& q) const;

 private:
  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  PendingAudit* pending_;
  Contactability policy_;
};

}  // namespace outreach::services
