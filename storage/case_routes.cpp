#include "storage/case_routes.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

int64_t ms(core::TimePoint t) { return static_cast<int64_t>(core::to_millis(t)); }

constexpr const char* kSelect =
    "SELECT id, municipality_code, owner_kind, owner_code, reason, flag_id, set_by, set_at, lifted_at, "
    "coalesce(lifted_by, '') FROM case_routes";

CaseRoute read_route(Statement& st) {
  CaseRoute r;
  r.id = st.getColumn(0).getInt64();
  r.municipality = st.getColumn(1).getString();
  r.owner_kind = st.getColumn(2).getString();
  r.owner_code = st.getColumn(3).getString();
  r.reason = st.getColumn(4).getString();
  r.flag_id = optional_int64(st.getColumn(5));
  r.set_by = st.getColumn(6).getString();
  r.set_at = core::from_millis(st.getColumn(7).getInt64());
  if (auto v = optional_int64(st.getColumn(8))) r.lifted_at = core::from_millis(*v);
  r.lifted_by = st.getColumn(9).getString();
  return r;
}

}  // namespace

core::Result<std::optional<CaseRoute>> CaseRoutes::active(const std::string& municipality) const {
  try {
    Statement st(db_, std::string(kSelect) + " WHERE municipality_code = ? AND lifted_at IS NULL");
    st.bind(1, municipality);
    if (!st.executeStep()) return std::optional<CaseRoute>();
    return std::optional<CaseRoute>(read_route(st));
  } catch (const std::exception& e) {
    return storage_error(e, "CaseRoutes::active");
  }
}

core::Result<std::vector<CaseRoute>> CaseRoutes::active_all() const {
  try {
    Statement st(db_, std::string(kSelect) + " WHERE lifted_at IS NULL ORDER BY municipality_code");
    std::vector<CaseRoute> out;
    while (st.executeStep()) out.push_back(read_route(st));
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "CaseRoutes::active_all");
  }
}

core::Result<std::int64_t> CaseRoutes::set(const CaseRoute& route) {
  if (route.owner_kind != "hub" && route.owner_kind != "fallback")
    return core::Error::invalid("'" + route.owner_kind + "' is not a route target (hub, fallback)", "owner_kind");
  if (route.reason != "safety_net" && route.reason != "delegated")
    return core::Error::invalid("'" + route.reason + "' is not a route reason (safety_net, delegated)", "reason");
  std::int64_t id = 0;
  auto st = db_.transaction([&]() -> core::Status {
    auto current = active(route.municipality);
    if (!current) return current.error();
    if (*current) {
      return core::Error::conflict("the new cases of " + route.municipality + " already go to " +
                                   (*current)->owner_code + " (" + (*current)->reason + ")", "municipality");
    }
    Statement ins(db_,
                  "INSERT INTO case_routes(municipality_code, owner_kind, owner_code, reason, flag_id, set_by, "
                  "set_at) VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id");
    ins.bind(1, route.municipality);
    ins.bind(2, route.owner_kind);
    ins.bind(3, route.owner_code);
    ins.bind(4, route.reason);
    bind_optional(ins, 5, route.flag_id);
    ins.bind(6, route.set_by);
    ins.bind(7, ms(route.set_at));
    id = returning_id(ins);
    return {};
  });
  if (!st) return st.error();
  return id;
}

core::Result<std::optional<CaseRoute>> CaseRoutes::lift(const std::string& municipality, const std::string& by,
                                                         core::TimePoint now) {
  std::optional<CaseRoute> lifted;
  auto st = db_.transaction([&]() -> core::Status {
    auto current = active(municipality);
    if (!current) return current.error();
    if (!*current) return {};
    Statement up(db_, "UPDATE case_routes SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL");
    up.bind(1, ms(now));
    up.bind(2, by);
    up.bind(3, static_cast<int64_t>((*current)->id));
    up.exec();
    lifted = *current;
    lifted->lifted_at = now;
    lifted->lifted_by = by;
    return {};
  });
  if (!st) return st.error();
  return lifted;
}

core::Result<std::map<std::string, core::TimePoint>> CaseRoutes::last_lifted() const {
  try {
    Statement st(db_,
                 "SELECT municipality_code, max(lifted_at) FROM case_routes WHERE lifted_at IS NOT NULL GROUP BY 1");
    std::map<std::string, core::TimePoint> out;
    while (st.executeStep()) out[st.getColumn(0).getString()] = core::from_millis(st.getColumn(1).getInt64());
    return out;
  } catch (const std::exception& e) {
    return storage_error(e, "CaseRoutes::last_lifted");
  }
}

core::Result<bool> CaseRoutes::ever(const std::string& municipality, const std::string& reason) const {
  try {
    Statement st(db_, "SELECT 1 FROM case_routes WHERE municipality_code = ? AND reason = ? LIMIT 1");
    st.bind(1, municipality);
    st.bind(2, reason);
    return st.executeStep();
  } catch (const std::exception& e) {
    return storage_error(e, "CaseRoutes::ever");
  }
}

core::Result<std::vector<CaseRoutes::Moved>> CaseRoutes::take_back_cases(const std::string& municipality,
                                                                         core::TimePoint sla_due,
                                                                         const std::string& actor,
                                                                         core::TimePoint now) {
  std::vector<Moved> moved;
  auto st = db_.transaction([&]() -> core::Status {
    Statement find(db_,
                   "SELECT id, owner_code FROM cases WHERE municipality_code = ? "
                   "AND status IN ('open', 'escalated_hub', 'escalated_fallback') "
                   "AND NOT (owner_kind = 'municipality' AND owner_code = municipality_code) ORDER BY id");
    find.bind(1, municipality);
    while (find.executeStep()) moved.push_back({find.getColumn(0).getInt64(), find.getColumn(1).getString()});
    Statement up(db_,
                 "UPDATE cases SET status = 'open', owner_kind = 'municipality', owner_code = municipality_code, "
                 "sla_due_at = ?, updated_at = ? WHERE id = ?");
    Statement ev(db_,
                 "INSERT INTO case_events(case_id, at, actor, status, owner_code, note) "
                 "VALUES(?, ?, ?, 'open', ?, 'taken_back')");
    for (const auto& m : moved) {
      up.bind(1, ms(sla_due));
      up.bind(2, ms(now));
      up.bind(3, static_cast<int64_t>(m.case_id));
      up.exec();
      up.reset();
      ev.bind(1, static_cast<int64_t>(m.case_id));
      ev.bind(2, ms(now));
      ev.bind(3, actor);
      ev.bind(4, municipality);
      ev.exec();
      ev.reset();
    }
    return {};
  });
  if (!st) return st.error();
  return moved;
}

}  // namespace outreach::storage
