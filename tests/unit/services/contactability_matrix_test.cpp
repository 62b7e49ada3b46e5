// The promise, tested on every path: whoever said STOP (on any channel), never agreed, asked not
// to be contacted, was erased, has a suppressed address, has an open error report or lives outside the actor's scope is
// never contacted, handed out, listed, exported or previewed. Each case runs one path for one
// reason with a control person beside them, so a path that hands out nobody fails too.

#include <gtest/gtest.h>

#include <algorithm>

#include "services/assignments.h"
#include "services/campaign_views.h"
#include "services/contactability.h"
#include "services/case_desk.h"
#include "services/response_lists.h"
#include "storage/case_store.h"
#include "storage/contact_store.h"
#include "storage/error_report_store.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"
#include "tests/support/actors.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using storage::PrincipalKind;

enum class Reason {
  stop_sms, stop_email, stop_whatsapp, no_consent, do_not_contact, erased, suppressed, suppressed_stored_hash,
  out_of_scope, error_report
};
enum class Path { launch, send_time, assign, held_list, municipality_list, export_list, cases, preview, lookup };

const char* name(Reason r) {
  switch (r) {
    case Reason::stop_sms: return "StopOnSms";
    case Reason::stop_email: return "StopOnEmail";
    case Reason::stop_whatsapp: return "StopOnWhatsapp";
    case Reason::no_consent: return "NoConsent";
    case Reason::do_not_contact: return "DoNotContact";
    case Reason::erased: return "Erased";
    case Reason::suppressed: return "SuppressedAddress";
    case Reason::suppressed_stored_hash: return "SuppressedAddressWithStoredHash";
    case Reason::out_of_scope: return "OutOfScope";
    case Reason::error_report: return "OpenErrorReport";
  }
  return "?";
}
const char* name(Path p) {
  switch (p) {
    case Path::launch: return "Launch";
    case Path::send_time: return "SendTime";
    case Path::assign: return "Assign";
    case Path::held_list: return "HeldList";
    case Path::municipality_list: return "MunicipalityList";
    case Path::export_list: return "Export";
    case Path::cases: return "Cases";
    case Path::preview: return "Preview";
    case Path::lookup: return "Lookup";
  }
  return "?";
}
// Campaign paths have an audience, not an actor's scope.
bool applies(Path p, Reason r) {
  const bool campaign_path = p == Path::launch || p == Path::send_time || p == Path::preview || p == Path::lookup;
  return !(campaign_path && r == Reason::out_of_scope);
}
// The reason the policy gives (a coordinator's launch report names it).
std::string launch_reason(Reason r) {
  switch (r) {
    case Reason::stop_sms:
    case Reason::stop_email:
    case Reason::stop_whatsapp: return "stopped";
    case Reason::no_consent: return "no_consent";
    case Reason::do_not_contact: return "do_not_contact";
    case Reason::erased: return "";  // erased people are not candidates at all
    case Reason::suppressed:
    case Reason::suppressed_stored_hash: return "suppressed_address";
    case Reason::out_of_scope: return "";
    case Reason::error_report: return "error_report";
  }
  return "";
}

struct Case {
  Path path;
  Reason reason;
};

class Matrix : public EngineTest, public ::testing::WithParamInterface<Case> {
 protected:
  Matrix() {
    config.suppression_key = std::string(32, 'k');
    config.assignment_cap = 50;
  }

  // Consent on every channel for messages, peer contact and sharing with GM0599, a JA reply and
  // an open case: somebody every path would reach.
  std::int64_t reachable(int n, const std::string& municipality = "GM0599", bool consent = true) {
    std::int64_t id = person(n, true, true);
    if (!consent) {
      withdraw_all_but_no_stop(id);
    } else {
      grant(id, "*", "peer-contact");
      grant(id, "*", "share:" + municipality);
    }
    if (municipality != "GM0599") db->sqlite().exec("UPDATE contacts SET municipality_code = '" + municipality + "' WHERE id = " + std::to_string(id));
    storage::Response r;
    r.contact_id = id;
    r.channel = "sms";
    r.urn = phone_of(n);
    r.provider_message_id = "in-" + std::to_string(n);
    r.text = "JA";
    r.keyword = "yes";
    r.received_at = clock.now();
    storage::ResponseStore(*db).record(r).take();
    storage::CaseStore(*db).open(id, municipality, std::nullopt, clock.now(), clock.now() + std::chrono::hours(72), "test").take();
    return id;
  }
  // person() grants outreach on '*'; "no consent" means there never was any: remove the event.
  void withdraw_all_but_no_stop(std::int64_t id) {
    db->sqlite().exec("DROP TRIGGER IF EXISTS consent_events_no_delete");
    db->sqlite().exec("DELETE FROM consent_events WHERE contact_id = " + std::to_string(id));
  }

  void apply(Reason r, std::int64_t id, int n) {
    switch (r) {
      case Reason::stop_sms: withdraw(id, "sms"); break;
      case Reason::stop_email: withdraw(id, "email"); break;
      case Reason::stop_whatsapp: withdraw(id, "whatsapp"); break;
      case Reason::no_consent: break;  // made without consent
      case Reason::do_not_contact: storage::ContactStore(*db).set_do_not_contact(id, true, "asked").take(); break;
      case Reason::erased: {
        storage::SuppressionList suppressions(*db, config.suppression_key);
        storage::ContactStore(*db).erase(id, suppressions, clock.now()).take();
        break;
      }
      case Reason::suppressed:
      case Reason::suppressed_stored_hash: {
        storage::SuppressionList suppressions(*db, config.suppression_key);
        // Imported addresses and those the engine hashed at start carry their hash: the policy
        // looks that one up instead of hashing again, and must find the STOP through it too.
        if (r == Reason::suppressed_stored_hash) {
          EXPECT_GT(storage::ContactStore(*db).fill_address_hashes(suppressions).take(), 0);
        }
        suppressions.add({core::Urn::parse(phone_of(n)).take()}, "opted_out", clock.now()).take();
        break;
      }
      case Reason::out_of_scope: break;  // lives in GM0606, outside the actors' scope
      case Reason::error_report: {  // somebody reported an error about them; nobody resolved it yet
        storage::ErrorReport r;
        r.contact_id = id;
        r.reporter_kind = "municipality";
        r.reporter = "rotterdam";
        r.kind = storage::ErrorKind::wrong_person;
        r.opened_at = clock.now();
        r.sla_due_at = clock.now() + std::chrono::hours(48);
        storage::ErrorReportStore(*db).open(r).take();
        break;
      }
    }
  }

  services::Actor volunteer() { return actor_as("vera", PrincipalKind::volunteer, "GM0599"); }
  services::Actor clerk() { return actor_as("rotterdam", PrincipalKind::municipality, "GM0599"); }

  std::string one_step_all_channels() {
    return "  - id: one\n    after: 0d\n    channels: [sms, email, whatsapp]\n    template: first\n";
  }
};

TEST_P(Matrix, ThePersonIsNeverReached) {
  const auto [path, reason] = GetParam();
  add_municipality("GM0363");  // outside the region: the out-of-scope person's list
  const bool scope_case = reason == Reason::out_of_scope;
  // The municipality list is GM0599's: the out-of-scope person lives in GM0606 and shares with it.
  const std::int64_t control = reachable(1);
  const bool never_agreed = reason == Reason::no_consent && path != Path::held_list;
  const std::int64_t p = reachable(2, scope_case ? "GM0606" : "GM0599", !never_agreed);
  auto sent_to_p = [&] {
    return sms.count_to(phone_of(2)) + email.count_to("mailto:p2@example.nl") + whatsapp.count_to("whatsapp:+31612340002");
  };

  switch (path) {
    case Path::launch: {
      apply(reason, p, 2);
      auto report = launch(campaign_yaml("m", one_step_all_channels()));
      EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE contact_id = " + std::to_string(control)), 1);
      EXPECT_EQ(sql_int("SELECT count(*) FROM messages WHERE contact_id = " + std::to_string(p)), 0);
      if (!launch_reason(reason).empty()) {
        EXPECT_EQ(report.suppressed_by_reason[launch_reason(reason)], 1);
      }
      break;
    }
    case Path::send_time: {
      // Consent was there at launch; the reason arrives before the send.
      if (reason == Reason::no_consent) grant(p);
      launch(campaign_yaml("m", one_step_all_channels()));
      if (reason == Reason::no_consent) withdraw_all_but_no_stop(p);
      apply(reason, p, 2);
      run();
      EXPECT_EQ(sms.count_to(phone_of(1)) + email.count_to("mailto:p1@example.nl"), 1u) << "the control is sent";
      EXPECT_EQ(sent_to_p(), 0u);
      break;
    }
    case Path::preview: {
      apply(reason, p, 2);
      auto y = campaign_yaml("m", one_step_all_channels());
      ASSERT_TRUE(desk().save(actor("amira"), y, "m.yaml"));
      auto preview = desk().preview(actor("amira"), "m");
      ASSERT_TRUE(preview) << preview.error().what();
      EXPECT_EQ(preview->included, 1);
      for (const auto& s : preview->samples) EXPECT_NE(s.contact_id, p);
      break;
    }
    case Path::lookup: {
      // "Who gets what, and why not": a refused person is answered with a reason code only.
      apply(reason, p, 2);
      auto y = campaign_yaml("m", one_step_all_channels());
      ASSERT_TRUE(desk().save(actor("amira"), y, "m.yaml"));
      services::CampaignViews views(*db, clock, config);
      auto refused = views.lookup(actor("amira"), "m", std::to_string(p));
      ASSERT_TRUE(refused) << refused.error().what();
      EXPECT_FALSE(refused->included);
      EXPECT_FALSE(refused->reason.empty());
      EXPECT_EQ(refused->contact_id, 0);
      EXPECT_TRUE(refused->name.empty());
      EXPECT_TRUE(refused->steps.empty());
      auto shown = views.lookup(actor("amira"), "m", std::to_string(control));
      ASSERT_TRUE(shown) << shown.error().what();
      EXPECT_TRUE(shown->included);
      break;
    }
    case Path::assign:
    case Path::held_list: {
      services::Assignments assignments(*db, clock, config, {.cap = 50, .ttl = std::chrono::hours(48)});
      if (path == Path::assign) apply(reason, p, 2);
      services::AssignmentRequest req{.count = 10};
      auto batch = assignments.request(volunteer(), req);
      ASSERT_TRUE(batch) << batch.error().what();
      if (path == Path::held_list) {
        if (reason == Reason::no_consent) withdraw(p, "*", "peer-contact");
        apply(reason, p, 2);
        batch = assignments.held(volunteer());
        ASSERT_TRUE(batch) << batch.error().what();
      }
      std::vector<std::int64_t> ids;
      for (const auto& person : batch->people) ids.push_back(person.contact_id);
      EXPECT_NE(std::find(ids.begin(), ids.end(), control), ids.end()) << "the control is handed out";
      EXPECT_EQ(std::find(ids.begin(), ids.end(), p), ids.end());
      if (scope_case) {
        auto refused = assignments.request(volunteer(), {.count = 1, .municipality = "GM0606"});
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().what(), "municipality: GM0606 is outside the scope of 'vera'");
      }
      break;
    }
    case Path::municipality_list:
    case Path::export_list: {
      apply(reason, p, 2);
      services::ResponseLists lists(*db, clock, config);
      const bool is_export = path == Path::export_list;
      ASSERT_TRUE(lists.open(clerk(), "GM0599", is_export ? "csv" : "json", is_export));
      storage::ResponseQuery q;
      q.municipality = "GM0599";
      auto page = lists.page(clerk(), q);
      ASSERT_TRUE(page) << page.error().what();
      std::vector<std::int64_t> ids;
      for (const auto& row : page->rows) ids.push_back(*row.response.contact_id);
      EXPECT_EQ(ids, std::vector<std::int64_t>{control});
      if (scope_case) {
        auto refused = lists.open(clerk(), "GM0606", "csv", is_export);
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().what(), "municipality: this response list is outside your scope");
      }
      break;
    }
    case Path::cases: {
      apply(reason, p, 2);
      services::CaseDesk desk(*db, clock, config);
      auto cases = desk.list(clerk(), {});
      ASSERT_TRUE(cases) << cases.error().what();
      std::vector<std::int64_t> ids;
      for (const auto& item : cases->items) ids.push_back(item.row.c.contact_id);
      EXPECT_EQ(ids, std::vector<std::int64_t>{control});
      break;
    }
  }
}

std::vector<Case> all_cases() {
  std::vector<Case> out;
  for (Path p : {Path::launch, Path::send_time, Path::assign, Path::held_list, Path::municipality_list,
                 Path::export_list, Path::cases, Path::preview, Path::lookup}) {
    for (Reason r : {Reason::stop_sms, Reason::stop_email, Reason::stop_whatsapp, Reason::no_consent,
                     Reason::do_not_contact, Reason::erased, Reason::suppressed, Reason::suppressed_stored_hash,
                     Reason::out_of_scope, Reason::error_report}) {
      if (applies(p, r)) out.push_back({p, r});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(EveryPathEveryReason, Matrix, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return std::string(name(info.param.path)) + "_" + name(info.param.reason);
                         });

}  // namespace
}  // namespace outreach::test
