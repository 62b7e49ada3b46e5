#include "storage/campaign_store.h"

#include "storage/database.h"
#include "storage/hashing.h"
#include "storage/sql_util.h"

namespace outreach::storage {
namespace {

constexpr const char* kSelect =
    "SELECT id, key, name, state, version, author, created_at, updated_at, launched_at FROM campaigns";

CampaignRecord read_campaign(Statement& st) {
  CampaignRecord c;
  c.id = st.getColumn(0).getInt64();
  c.key = st.getColumn(1).getString();
  c.name = st.getColumn(2).getString();
  c.state = st.getColumn(3).getString();
  c.version = st.getColumn(4).getInt();
  c.author = st.getColumn(5).getString();
  c.created_at = core::from_millis(st.getColumn(6).getInt64());
  c.updated_at = core::from_millis(st.getColumn(7).getInt64());
  if (auto l = optional_int64(st.getColumn(8))) c.launched_at = core::from_millis(*l);
  return c;
}

}  // namespace

core::Result<SaveOutcome> CampaignStore::save(const std::string& key, const std::string& name,
                                              const std::string& source_path, const std::string& source_text,
                                              const std::string& author, core::TimePoint now) {
  SaveOutcome out;
  const std::string sha = sha256_hex(source_text);
  const auto t = static_cast<int64_t>(core::to_millis(now));
  auto st = db_.transaction([&]() -> core::Status {
    auto insert_version = [&](std::int64_t id, int version) {
      Statement v(db_,
                  "INSERT INTO campaign_versions(campaign_id, version, source_path, source_text, "
                  "source_sha256, author, created_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
      v.bind(1, static_cast<int64_t>(id));
      v.bind(2, version);
      v.bind(3, source_path);
      v.bind(4, source_text);
      v.bind(5, sha);
      v.bind(6, author);
      v.bind(7, t);
      v.exec();
    };
    auto existing = find(key);
    if (!existing) {
      Statement ins(db_,
                    "INSERT INTO campaigns(key, name, state, version, author, created_at, updated_at) "
                    "VALUES(?, ?, 'draft', 1, ?, ?, ?) RETURNING id");
      ins.bind(1, key);
      ins.bind(2, name);
      ins.bind(3, author);
      ins.bind(4, t);
      ins.bind(5, t);
      std::int64_t id = returning_id(ins);
      insert_version(id, 1);
      out.new_version = true;
      return {};
    }
    auto current = version(existing->id, existing->version);
    if (current && current->source_sha256 == sha) return {};  // unchanged
    const std::string& s = existing->state;
    if (s == "running") {
      return core::Error::conflict("campaign '" + key + "' is running; pause it before changing it", "state");
    }
    if (s == "completed" || s == "cancelled") {
      return core::Error::conflict("campaign '" + key + "' is " + s + " and can no longer change", "state");
    }
    if (s == "draft") {  // a draft is edited in place: nobody approved it yet
      Statement up(db_,
                   "UPDATE campaign_versions SET source_path = ?, source_text = ?, source_sha256 = ?, "
                   "author = ? WHERE campaign_id = ? AND version = ?");
      up.bind(1, source_path);
      up.bind(2, source_text);
      up.bind(3, sha);
      up.bind(4, author);
      up.bind(5, static_cast<int64_t>(existing->id));
      up.bind(6, existing->version);
      up.exec();
    } else {  // in_review, approved or paused: a new version that needs approval again
      insert_version(existing->id, existing->version + 1);
      Statement ev(db_,
                   "INSERT INTO campaign_events(campaign_id, version, at, actor, from_state, to_state, note) "
                   "VALUES(?, ?, ?, ?, ?, 'draft', 'new version')");
      ev.bind(1, static_cast<int64_t>(existing->id));
      ev.bind(2, existing->version + 1);
      ev.bind(3, t);
      ev.bind(4, author);
      ev.bind(5, s);
      ev.exec();
    }
    Statement up(db_,
                 "UPDATE campaigns SET name = ?, author = ?, updated_at = ?, state = 'draft', "
                 "version = version + ? WHERE id = ?");
    up.bind(1, name);
    up.bind(2, author);
    up.bind(3, t);
    up.bind(4, s == "draft" ? 0 : 1);
    up.bind(5, static_cast<int64_t>(existing->id));
    up.exec();
    out.new_version = true;
    return {};
  });
  if (!st) return st.error();
  auto c = find(key);
  if (!c) return c.error();
  out.campaign = *c;
  return out;
}

core::Result<CampaignRecord> CampaignStore::get(std::int64_t id) const {
  auto st_cached = db_.cached(std::string(kSelect) + " WHERE id = ?");
  Statement& st = *st_cached;
  st.bind(1, static_cast<int64_t>(id));
  if (!st.executeStep()) return core::Error::not_found("no campaign with id " + std::to_string(id));
  return read_campaign(st);
}

core::Result<CampaignRecord> CampaignStore::find(const std::string& key) const {
  Statement st(db_, std::string(kSelect) + " WHERE key = ?");
  st.bind(1, key);
  if (!st.executeStep()) return core::Error::not_found("no campaign '" + key + "'");
  return read_campaign(st);
}

core::Result<CampaignVersion> CampaignStore::version(std::int64_t campaign_id, int version) const {
  auto st_cached = db_.cached(
      "SELECT source_path, source_text, source_sha256, author, created_at, submitted_by, "
      "approved_by, approved_at FROM campaign_versions WHERE campaign_id = ? AND version = ?");
  Statement& st = *st_cached;
  st.bind(1, static_cast<int64_t>(campaign_id));
  st.bind(2, version);
  if (!st.executeStep()) return core::Error::not_found("campaign version not found");
  CampaignVersion v;
  v.campaign_id = campaign_id;
  v.version = version;
  v.source_path = st.getColumn(0).getString();
  v.source_text = st.getColumn(1).getString();
  v.source_sha256 = st.getColumn(2).getString();
  v.author = st.getColumn(3).getString();
  v.created_at = core::from_millis(st.getColumn(4).getInt64());
  v.submitted_by = st.getColumn(5).getString();
  v.approved_by = st.getColumn(6).getString();
  if (auto a = optional_int64(st.getColumn(7))) v.approved_at = core::from_millis(*a);
  return v;
}

std::vector<CampaignRecord> CampaignStore::list() const {
  std::vector<CampaignRecord> out;
  Statement st(db_, std::string(kSelect) + " ORDER BY id");
  while (st.executeStep()) out.push_back(read_campaign(st));
  return out;
}

core::Status CampaignStore::set_state(std::int64_t id, const std::string& from, const std::string& to,
                                      const std::string& actor, core::TimePoint now, const std::string& note) {
  const auto t = static_cast<int64_t>(core::to_millis(now));
  return db_.transaction([&]() -> core::Status {
    Statement up(db_,
                 "UPDATE campaigns SET state = ?, updated_at = ?, "
                 "launched_at = CASE WHEN ? = 'running' AND launched_at IS NULL THEN ? ELSE launched_at END "
                 "WHERE id = ? AND state = ?");
    up.bind(1, to);
    up.bind(2, t);
    up.bind(3, to);
    up.bind(4, t);
    up.bind(5, static_cast<int64_t>(id));
    up.bind(6, from);
    if (up.exec() == 0) {
      return core::Error::conflict("campaign changed state meanwhile (expected " + from + ")", "state");
    }
    auto c = get(id);
    if (!c) return c.error();
    if (to == "in_review" || to == "approved") {
      Statement v(db_,
                  to == "in_review"
                      ? "UPDATE campaign_versions SET submitted_by = ?, submitted_at = ? WHERE campaign_id = ? AND version = ?"
                      : "UPDATE campaign_versions SET approved_by = ?, approved_at = ? WHERE campaign_id = ? AND version = ?");
      v.bind(1, actor);
      v.bind(2, t);
      v.bind(3, static_cast<int64_t>(id));
      v.bind(4, c->version);
      v.exec();
    }
    Statement ev(db_,
                 "INSERT INTO campaign_events(campaign_id, version, at, actor, from_state, to_state, note) "
                 "VALUES(?, ?, ?, ?, ?, ?, ?)");
    ev.bind(1, static_cast<int64_t>(id));
    ev.bind(2, c->version);
    ev.bind(3, t);
    ev.bind(4, actor);
    ev.bind(5, from);
    ev.bind(6, to);
    bind_text_or_null(ev, 7, note);
    ev.exec();
    return {};
  });
}

}  // namespace outreach::storage
