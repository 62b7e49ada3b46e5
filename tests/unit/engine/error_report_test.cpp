// Errors in the process, end to end on a ManualClock: an open report stops a queued reminder at
// send time (named reason) and resolving it lets the next one go; a FOUT reply opens a report.
#include <gtest/gtest.h>

#include "engine/inbound.h"
#include "services/error_reports.h"
#include "storage/error_report_store.h"
#include "storage/notice_queue.h"
#include "tests/support/engine_fixture.h"

namespace outreach::test {
namespace {

using namespace std::chrono_literals;

// Three steps two days apart, none skipped by a reply.
const std::string kThreeSteps =
    "  - id: one\n    after: 0d\n    channels: [sms]\n    template: first\n"
    "  - id: two\n    after: 2d\n    channels: [sms]\n    template: second\n"
    "  - id: three\n    after: 2d\n    channels: [sms]\n    template: second\n";

class ErrorReportFlow : public EngineTest {
 protected:
  services::ErrorReports& reports() {
    if (!reports_) reports_ = std::make_unique<services::ErrorReports>(*db, clock, config);
    return *reports_;
  }
  core::Result<engine::InboundResult> reply(const std::string& id, const std::string& text, int n = 1) {
    engine::InboundProcessor inbound(*db, clock, config, &sms);
    return inbound.handle("sms", {id, core::Urn::parse(phone_of(n)).take(), text, clock.now()});
  }
  std::unique_ptr<services::ErrorReports> reports_;
};

TEST_F(ErrorReportFlow, AnOpenReportStopsTheQueuedReminderAndResolvingLetsTheNextGo) {
  auto a = person(1);
  auto b = person(2);
  launch(campaign_yaml("err", kThreeSteps));
  run(clock.now() + 1h);
  ASSERT_EQ(sms.count_to(phone_of(1)), 1u);

  auto clerk = actor_as("rotterdam", storage::PrincipalKind::municipality, "GM0599");
  auto id = reports().report(clerk, {.contact_id = a, .kind = "wrong_person", .description = "Not our resident"});
  ASSERT_TRUE(id) << id.error().what();

  run(clock.now() + 3 * 24h);  // step two falls due for both
  EXPECT_EQ(sms.count_to(phone_of(1)), 1u) << "nothing more to the reported person";
  EXPECT_EQ(sms.count_to(phone_of(2)), 2u) << "the control gets the reminder";
  EXPECT_EQ(row(1, 1, a).status, storage::MessageStatus::suppressed);
  EXPECT_EQ(row(1, 1, a).reason, "error_report");

  auto resolved = reports().resolve(actor("amira"), *id, "Checked: right person, address corrected");
  ASSERT_TRUE(resolved) << resolved.error().what();
  EXPECT_EQ(resolved->report.status, "resolved");
  EXPECT_EQ(resolved->report.resolved_by, "amira");
  run();
  EXPECT_EQ(row(1, 2, a).status, storage::MessageStatus::sent) << "the next reminder goes after resolution";
  EXPECT_EQ(sms.count_to(phone_of(1)), 2u);
  EXPECT_EQ(row(1, 2, b).status, storage::MessageStatus::sent);
}

TEST_F(ErrorReportFlow, AFoutReplyOpensOneReportConfirmsAndStopsTheReminder) {
  auto a = person(1);
  launch(campaign_yaml("fout", kThreeSteps));
  run(clock.now() + 1h);
  auto r = reply("SM-fout", "Fout!");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->keyword, engine::Keyword::error);
  ASSERT_TRUE(r->error_report_id.has_value());
  EXPECT_EQ(r->reply_text,
            "Dank u voor uw melding. Wij sturen u geen berichten meer tot een medewerker de fout heeft bekeken.");
  auto again = reply("SM-fout-2", "FOUT");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->error_report_id, r->error_report_id) << "a second FOUT adds no second report";

  auto stored = storage::ErrorReportStore(*db).get(*r->error_report_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->contact_id, a);
  EXPECT_EQ(stored->reporter_kind, "person");
  EXPECT_EQ(stored->reporter, "inbound:sms");
  EXPECT_EQ(stored->municipality, "GM0599");
  EXPECT_EQ(stored->sla_due_at, stored->opened_at + 48h);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'error_reports.open' AND actor = 'inbound:sms'"), 1);

  const std::size_t before = sms.count_to(phone_of(1));
  run();
  EXPECT_EQ(sms.count_to(phone_of(1)), before);
  EXPECT_EQ(row(1, 1, a).reason, "error_report");
  EXPECT_EQ(row(1, 2, a).reason, "error_report");
}

TEST_F(ErrorReportFlow, TheReportIsANoticeForTheConfiguredOwner) {
  config.owner_notifications["coordinators"] = {.webhook_url = "http://127.0.0.1:9/hook", .secret = std::string(16, 's')};
  config.error_reports.notify_owner = "coordinators";
  config.error_reports.sla_hours = 24;
  auto a = person(1);
  auto id = reports().report(actor("amira"), {.contact_id = a, .kind = "wrong_letter"});
  ASSERT_TRUE(id) << id.error().what();
  auto notice = storage::NoticeQueue(*db).get("error-report-" + std::to_string(*id) + "-opened");
  ASSERT_TRUE(notice) << notice.error().what();
  EXPECT_EQ(notice->event, "error_report.opened");
  EXPECT_EQ(notice->owner, "coordinators");
  EXPECT_EQ(notice->payload.find("Persoon"), std::string::npos) << "no personal data in a notice";
  EXPECT_NE(notice->payload.find("\"kind\":\"wrong_letter\""), std::string::npos) << notice->payload;
}

TEST_F(ErrorReportFlow, TheQueueShowsOverdueReports) {
  config.error_reports.sla_hours = 24;
  auto a = person(1);
  auto b = person(2);
  auto first = reports().report(actor("amira"), {.contact_id = a, .kind = "wrong_municipality"});
  ASSERT_TRUE(first);
  clock.advance(20h);
  auto second = reports().report(actor("amira"), {.contact_id = b, .kind = "other"});
  ASSERT_TRUE(second);
  clock.advance(5h);
  auto open = reports().list(actor("amira"), {.status = "open"});
  ASSERT_TRUE(open) << open.error().what();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ(open->at(0).report.id, *first) << "oldest due first";
  EXPECT_TRUE(open->at(0).overdue);
  EXPECT_FALSE(open->at(1).overdue);
  auto overdue = reports().list(actor("amira"), {.overdue_only = true});
  ASSERT_TRUE(overdue);
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_EQ(overdue->at(0).report.id, *first);
}

}  // namespace
}  // namespace outreach::test
