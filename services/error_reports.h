#pragma once
// Errors in the process (issue 12): someone finds that a message went to the wrong person, that a
// letter was wrong, or that a person belongs to another municipality. A report stops every message
// to that person (the contactability policy refuses with "error_report" on every path, at launch
// and again at send time) until a coordinator resolves it; the open reports are the coordinators'
// queue, each due within EngineConfig::error_reports.sla_hours (past that: overdue).
//
// Who may do what (checked here, for the CLI and the API alike):
//   report   a coordinator about anyone; a municipality clerk, regional hub or the national
//            fallback about people of the municipalities in their scope (services/contactability.h);
//            a volunteer or intermediary about people handed to them (an assignment they hold);
//            the person themselves by replying FOUT / ERROR (engine/inbound.h) or from the page
//            their e-mail links to (report_by_person, the token being the authority);
//   list     coordinators (the queue; open reports first, by due time);
//   resolve  coordinators, with a resolution text; a resolved report stays resolved.
// Every report, listed report and resolution is an audit record (purpose "error-report"). An
// erased person is not_found. Texts are UTF-8, at most 500 bytes, errors name the field.
// `db`, `clock` and `config` must outlive the service; use from one thread.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "services/actor.h"
#include "services/contactability.h"
#include "storage/error_report_store.h"

namespace outreach::storage {
class Database;
struct Contact;
}  // namespace outreach::storage
namespace outreach::engine {
struct EngineConfig;
}

namespace outreach::services {

struct ErrorReportRequest {
  std::int64_t contact_id = 0;
  std::string kind = "other";  // wrong_person, wrong_letter, wrong_municipality, other
  std::string description;     // optional, short; no case narrative
};

struct ErrorReportView {
  storage::ErrorReport report;
  bool overdue = false;  // open and past its SLA now
};

class ErrorReports {
 public:
  ErrorReports(storage::Database& db, const core::Clock& clock, const engine::EngineConfig& config);
  ErrorReports(const ErrorReports&) = delete;
  ErrorReports& operator=(const ErrorReports&) = delete;

  core::Result<std::int64_t> report(const Actor& actor, const ErrorReportRequest& request);
  // The person's own report from the public page of one message (`origin` "unsubscribe:<message
  // id>"): a second one while theirs is open adds nothing and returns its id.
  core::Result<std::int64_t> report_by_person(std::int64_t contact_id, const std::string& kind,
                                              const std::string& description, const std::string& origin,
                                              const std::string& request_id);
  core::Result<std::vector<ErrorReportView>> list(const Actor& actor, const storage::ErrorReportFilter& filter);
  core::Result<ErrorReportView> resolve(const Actor& actor, std::int64_t id, const std::string& resolution);

 private:
  core::Status may_report_about(const Actor& actor, const storage::Contact& contact) const;

  storage::Database& db_;
  const core::Clock& clock_;
  const engine::EngineConfig& config_;
  Contactability policy_;
};

}  // namespace outreach::services
