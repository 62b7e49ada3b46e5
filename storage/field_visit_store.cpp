#include "storage/field_visit_store.h"

#include "storage/database.h"
#include "storage/sql_util.h"

namespace outreach::storage {

core::Result<std::vector<SentMessage>> FieldVisitStore::sent_to(std::int64_t contact_id) const {
  return guarded_store("FieldVisitStore::sent_to", [&]() -> core::Result<std::vector<SentMessage>> {
    Statement st(db_,
                 "SELECT id, campaign_id, campaign_version, step, coalesce(channel, ''), sent_at FROM messages "
                 "WHERE contact_id = ? AND status IN ('sent', 'delivered', 'read') ORDER BY coalesce(sent_at, 0), id");
    st.bind(1, static_cast<int64_t>(contact_id));
    std::vector<SentMessage> out;
    while (st.executeStep()) {
      SentMessage m;
      m.id = st.getColumn(0).getInt64();
      m.campaign_id = st.getColumn(1).getInt64();
      m.campaign_version = st.getColumn(2).getInt();
      m.step = st.getColumn(3).getInt();
      m.channel = st.getColumn(4).getString();
      if (auto t = optional_int64(st.getColumn(5))) m.sent_at = core::from_millis(*t);
      out.push_back(std::move(m));
    }
    return out;
  });
}

core::Result<std::vector<MunicipalityName>> FieldVisitStore::municipalities_in(
    const std::vector<std::string>& scope_items) const {
  return guarded_store("FieldVisitStore::municipalities_in", [&]() -> core::Result<std::vector<MunicipalityName>> {
    // Names and languages in byte order on both backends: PostgreSQL otherwise sorts text by the
    // database's collation (en_US puts "de Wolden" before "Zwolle"; SQLite and COLLATE "C" do not).
    static constexpr Sql kInScope{
        /*sqlite*/ "SELECT code, name FROM municipalities WHERE valid_to IS NULL AND (code IN (SELECT value FROM "
                   "json_each(?1)) OR region_code IN (SELECT value FROM json_each(?1))) ORDER BY name",
        /*postgres*/ "SELECT code, name FROM municipalities WHERE valid_to IS NULL AND (code IN (SELECT value FROM "
                     "json_array_elements_text(?1::json)) OR region_code IN (SELECT value FROM "
                     "json_array_elements_text(?1::json))) ORDER BY name COLLATE \"C\""};
    Statement st(db_, kInScope);
    st.bind(1, text_list_json(scope_items));
    std::vector<MunicipalityName> out;
    while (st.executeStep()) out.push_back({st.getColumn(0).getString(), st.getColumn(1).getString()});
    return out;
  });
}

core::Result<std::vector<std::string>> FieldVisitStore::languages_in(const std::vector<std::string>& codes) const {
  return guarded_store("FieldVisitStore::languages_in", [&]() -> core::Result<std::vector<std::string>> {
    static constexpr Sql kLanguages{
        /*sqlite*/ "SELECT DISTINCT language FROM contacts WHERE erased_at IS NULL AND municipality_code IN "
                   "(SELECT value FROM json_each(?)) ORDER BY language",
        /*postgres*/ "SELECT DISTINCT language COLLATE \"C\" AS language FROM contacts WHERE erased_at IS NULL "
                     "AND municipality_code IN (SELECT value FROM json_array_elements_text(?::json)) ORDER BY 1"};
    Statement st(db_, kLanguages);
    st.bind(1, text_list_json(codes));
    std::vector<std::string> out;
    while (st.executeStep()) out.push_back(st.getColumn(0).getString());
    return out;
  });
}

core::Result<std::optional<std::string>> FieldVisitStore::submission(const std::string& key) const {
  return guarded_store("FieldVisitStore::submission", [&]() -> core::Result<std::optional<std::string>> {
    auto st = db_.cached("SELECT result FROM form_submissions WHERE key = ?");
    st->bind(1, key);
    if (!st->executeStep()) return std::optional<std::string>{};
    return std::optional<std::string>{st->getColumn(0).getString()};
  });
}

core::Status FieldVisitStore::add_submission(const std::string& key, const std::string& actor, const std::string& action,
                                             const std::string& result, core::TimePoint at) {
  return guarded_store("FieldVisitStore::add_submission", [&]() -> core::Status {
    auto st = db_.cached("INSERT INTO form_submissions(key, actor, action, result, at) VALUES(?, ?, ?, ?, ?)");
    st->bind(1, key);
    st->bind(2, actor);
    st->bind(3, action);
    st->bind(4, result);
    st->bind(5, static_cast<int64_t>(core::to_millis(at)));
    st->exec();
    return {};
  });
}

}  // namespace outreach::storage
