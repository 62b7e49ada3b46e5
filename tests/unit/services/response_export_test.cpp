// A municipality's list row as JSON: the API's page and `responses export --format json` write it
// with core::JsonWriter. The bytes must stay those of the nlohmann object they were built as before
// (the reference below), whatever residents wrote.
#include "services/response_export.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/json_text.h"
#include "core/json_writer.h"
#include "storage/response_store.h"

namespace outreach::services {
namespace {

std::string as_nlohmann_wrote_it(const storage::SharedResponse& s) {
  using nlohmann::json;
  const auto& r = s.response;
  return core::json_text(json{{"id", r.id},
                              {"received_at", core::format_utc(r.received_at)},
                              {"channel", r.channel},
                              {"contact_id", r.contact_id ? json(*r.contact_id) : json(nullptr)},
                              {"name", s.name},
                              {"language", s.language},
                              {"phone", s.phone},
                              {"email", s.email},
                              {"text", r.text},
                              {"keyword", r.keyword},
                              {"case_id", s.case_id ? json(s.case_id) : json(nullptr)},
                              {"case_status", s.case_status}});
}

std::string written(const storage::SharedResponse& s) {
  core::JsonWriter w;
  write_response_json(w, s);
  return w.take();
}

storage::SharedResponse row() {
  storage::SharedResponse s;
  s.response.id = 41;
  s.response.contact_id = 7;
  s.response.channel = "sms";
  s.response.text = "JA";
  s.response.keyword = "yes";
  s.response.received_at = core::from_millis(1795647599123);
  s.name = "Fatima el Amrani";
  s.language = "nl";
  s.phone = "+31612345678";
  s.email = "fatima@example.nl";
  s.case_status = "open";
  s.case_id = 3;
  return s;
}

TEST(ResponseJson, AnOrdinaryRowIsWhatTheClientsAlwaysGot) {
  const auto s = row();
  EXPECT_EQ(written(s), as_nlohmann_wrote_it(s));
  EXPECT_EQ(written(s),
            R"({"case_id":3,"case_status":"open","channel":"sms","contact_id":7,"email":"fatima@example.nl","id":41,)"
            R"("keyword":"yes","language":"nl","name":"Fatima el Amrani","phone":"+31612345678",)"
            R"("received_at":"2026-11-25T22:59:59.123Z","text":"JA"})");
}

TEST(ResponseJson, AbsentIdsAreNullAndOddTextIsEscapedTheSameWay) {
  auto s = row();
  s.response.contact_id.reset();
  s.case_id = 0;
  s.case_status.clear();
  s.response.text = "Ik wil \"graag\" hulp\r\nmet \\ en \t en \x01 en \xC3\xA9\xE2\x82 en </script>";
  s.name = "Jos\xE9";  // Latin-1 that reached the database before the boundary was checked
  EXPECT_EQ(written(s), as_nlohmann_wrote_it(s));
}

}  // namespace
}  // namespace outreach::services
