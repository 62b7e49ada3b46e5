// Commands that run the engine: simulate reply, run, serve, and the response export.
#include <csignal>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>

#include "app/commands.h"
#include "app/serve_lanes.h"
#include "app/serve_routing.h"
#include "api/context.h"
#include "api/router.h"
#include "core/csv_writer.h"
#include "core/json_writer.h"
#include "core/log_context.h"
#include "core/text_encoding.h"
#include "services/campaign_desk.h"
#include "services/response_export.h"
#include "services/response_lists.h"
#include "services/response_files.h"
#include "services/unsubscribe.h"
#include "engine/audit_checkpointer.h"
#include "engine/channel_set.h"
#include "net/curl_multi.h"
#include "engine/digest_recovery.h"
#include "engine/dispatcher.h"
#include "engine/escalation.h"
#include "engine/safety_net.h"
#include "engine/escalation_notifier.h"
#include "engine/followup_job.h"
#include "net/http_server.h"
#include "net/metrics.h"
#include "engine/engine_config.h"
#include "engine/inbound.h"
#include "engine/leadership.h"
#include "engine/mailbox_poller.h"
#include "engine/post_publisher.h"
#include "engine/scheduler.h"
#include "engine/sender.h"
#include "storage/audit_log.h"
#include "storage/contact_store.h"
#include "storage/engine_lock.h"
#include "storage/engine_session.h"
#include "storage/leader_lock.h"
#include "storage/outbox.h"
#include "storage/postgres_backend.h"
#include "storage/principal_store.h"
#include "storage/response_store.h"
#include "storage/suppression_list.h"
#include "web/web.h"

namespace outreach::app {
namespace {
// How often an engine on PostgreSQL tries for the singletons' lock (and the leader checks that it
// still holds it): the longest a dead leader's singletons wait for another engine.
constexpr core::Millis kLeadershipCheck{2000};
// How long a leader's lock session may stay silent before another engine ends it: a hung leader
// (stopped, or its thread stuck) would otherwise keep the singletons from running anywhere. Far
// above kLeadershipCheck, so a busy engine thread is not mistaken for a hung one.
constexpr core::Millis kLeaderSilence{30000};
// How often the leader looks for digests of engines that stopped: far inside the 5-minute lease,
// after which their people would only be `unknown`.
constexpr core::Millis kOrphanedDigestsCheck{10000};
}  // namespace

int cmd_simulate_reply(AppContext& ctx, const std::string& from, const std::string& text, const std::string& channel_arg,
                       std::ostream& out) {
  auto urn = core::Urn::parse(from).take();
  std::string channel = channel_arg;
  if (channel.empty()) {
    for (const auto& [name, ch] : ctx.config.engine.channels) {
      if (ch.scheme == urn.scheme()) {
        channel = name;
        break;
      }
    }
  }
  if (channel.empty()) throw core::ErrorException(core::Error::invalid("no channel reaches " + urn.str(), "--from"));
  storage::Outbox outbox(*ctx.db);
  engine::SandboxSender replies(outbox);
  engine::InboundProcessor inbound(*ctx.db, *ctx.clock, ctx.config.engine, &replies);
  channels::InboundMessage msg{.provider_message_id = "sim-" + std::to_string(std::random_device{}()) +
                                                      std::to_string(core::to_millis(ctx.clock->now())),
                               .from = urn,
                               .text = text,
                               .at = ctx.clock->now()};
  auto r = inbound.handle(channel, msg).take();
  out << "recorded response " << r.response_id << " from " << urn.str();
  if (r.contact_id) out << " (contact " << *r.contact_id << ")"; else out << " (unknown sender)";
  if (r.keyword != engine::Keyword::none) out << ", keyword " << engine::to_string(r.keyword);
  if (!r.consent_change.empty()) out << ", " << r.consent_change;
  if (r.case_id) out << ", case " << *r.case_id << " opened";
  if (r.error_report_id) out << ", error report " << *r.error_report_id << " open";
  out << "\n";
  if (!r.reply_text.empty()) out << "replied: " << r.reply_text << "\n";
  return 0;
}

void print_responses(AppContext& ctx, const services::Actor& actor, const std::string& municipality,
                     const std::string& format, std::ostream& out) {
  services::ResponseLists lists(*ctx.db, *ctx.clock, ctx.config.engine);
  lists.open(actor, municipality, format, format != "table").take();
  storage::ResponseQuery q;
  q.municipality = municipality;
  q.limit = 1000;
  if (format == "json") out << "[";
  bool first = true;
  std::int64_t total = 0;
  while (true) {
    auto page = lists.page(actor, q).take();
    for (const storage::SharedResponse& s : page.rows) {
      ++total;
      const auto& r = s.response;
      if (format == "json") {
        core::JsonWriter row;
        services::write_response_json(row, s);
        out << (first ? "" : ",") << "\n  " << row.text();
      } else {
        out << "  " << std::setw(4) << r.id << "  " << core::format_utc(r.received_at).substr(0, 16) << "  "
            << std::left << std::setw(24) << s.name << std::setw(4) << s.language << std::setw(14) << s.phone
            << std::setw(9) << r.channel << std::setw(22) << ("\"" + r.text + "\"") << std::right
            << (s.case_id ? " case " + std::to_string(s.case_id) + " " + s.case_status : "") << "\n";
      }
      first = false;
    }
    if (!page.more) break;
    q.after_id = page.next_after;
  }
  if (format == "json") out << "\n]\n";
  if (format == "table") out << "  " << total << " response(s) from residents who consented to sharing with " << municipality << "\n";
}

int cmd_responses_export(AppContext& ctx, const std::string& municipality, const std::string& format,
                         const std::string& actor, const std::string& output, std::ostream& out) {
  if (format != "csv" && format != "json" && format != "table" && format != "xlsx") {
    throw core::ErrorException(core::Error::invalid("expected csv, json, table or xlsx, got '" + format + "'", "--format"));
  }
  if (format == "xlsx" && output.empty()) {
    throw core::ErrorException(core::Error::invalid("an .xlsx workbook goes to a file: add --output FILE", "--output"));
  }
  std::ofstream file;
  if (!output.empty()) {
    file.open(output, std::ios::binary | std::ios::trunc);
    if (!file) throw core::ErrorException(core::Error::invalid("cannot write '" + output + "'", "--output"));
  }
  std::ostream& to = output.empty() ? out : file;
  if (format == "xlsx" || format == "csv") {  // the whole file, as the pages' download has it
    services::ResponseLists lists(*ctx.db, *ctx.clock, ctx.config.engine);
    storage::ResponseQuery q;
    q.municipality = municipality;
    to << (format == "xlsx" ? services::response_list_xlsx(lists, ctx.actor(actor), q)
                            : services::response_list_csv(lists, ctx.actor(actor), q))
              .take();
  } else {
    print_responses(ctx, ctx.actor(actor), municipality, format, to);
  }
  if (!output.empty()) {
    file.close();
    if (!file) throw core::ErrorException(core::Error::invalid("cannot write '" + output + "'", "--output"));
    out << "wrote " << output << "\n";
  }
  return 0;
}

// One engine per SQLite database (storage/engine_lock.h), then what a crashed predecessor left:
// digests first (their rows are still `sending` and must not simply expire), then expired leases.
// On PostgreSQL the digests found may be another live engine's: this engine takes a session of its
// own (storage/engine_session.h) that its digests carry, and the leader recovers those of engines
// whose session has ended (engine::OrphanedDigests).
std::unique_ptr<storage::EngineLock> start_engine(AppContext& ctx, std::ostream& out) {
  auto lock = storage::EngineLock::acquire(ctx.db_path).take();
  if (lock->shared()) {
    storage::claim_engine_session(*ctx.db).take();
    return lock;
  }
  auto digests = engine::recover_digests(*ctx.db, ctx.clock->now()).take();
  if (digests.total() > 0) {
    out << "intermediary digests left by the previous run: " << digests.requeued << " person(s) queued again (never sent), "
        << digests.sent << " recorded as sent, " << digests.unknown << " unknown (the digest may have arrived)\n";
  }
  return lock;
}

int cmd_run(AppContext& ctx, std::ostream& out) {
  boost::asio::io_context ioc;
  auto lock = start_engine(ctx, out);
  storage::Outbox outbox(*ctx.db);
  auto expired = outbox.expire_leases(ctx.clock->now()).take();
  const auto& config = ctx.config.engine;
  // The channels serve uses: sandbox channels record at once; provider channels send over HTTP or
  // SMTP, and this waits for their answers before it records and exits.
  auto channels = engine::ChannelSet::build(ioc, outbox, config, ctx.clock.get(), config.wire_thread).take();
  engine::Dispatcher dispatcher(*ctx.db, *ctx.clock, config, channels->senders());
  engine::PostPublisher posts(*ctx.db, *ctx.clock, config, channels->senders());
  auto settle = [&] {
    channels->flush_digests();  // no linger: this run ends when its work is answered
    while (dispatcher.in_flight() > 0 || posts.in_flight() > 0) {
      if (ioc.run_one() == 0) break;  // nothing left that could answer
    }
    dispatcher.flush();
  };
  int n = 0;
  while (int batch = dispatcher.run_due(ctx.clock->now())) {
    n += batch;
    settle();
  }
  // A post that must wait (send window, rate limit, retry) is due later, so this ends.
  while (posts.run_due(ctx.clock->now()) > 0) settle();
  const auto& s = dispatcher.stats();
  out << "processed " << n << " due message(s): " << s.sent << " sent, " << s.deferred << " deferred, " << s.retried
      << " to retry, " << s.failed << " failed, " << s.skipped << " skipped, " << s.suppressed << " suppressed, "
      << s.expired << " expired";
  if (posts.stats().claimed > 0) out << "; page posts: " << posts.stats().published << " published, " << posts.stats().failed << " failed";
  if (expired) out << "; " << expired << " lease(s) had expired and are now unknown";
  out << "\n";
  checkpoint_audit_log(ctx, *make_audit_checkpointer(ctx), out);
  return 0;
}

int cmd_serve(AppContext& ctx, const ServeOptions& serve_options, std::ostream& out) {
  const std::string& listen = serve_options.listen;
  // The HTTP connections' io_context. Declared first so that it is destroyed last: a request still
  // queued for the engine's thread at shutdown holds its connection, which must go before this.
  boost::asio::io_context http_ioc;
  // The engine's thread: the dispatcher, scheduler, inbound processing and every write to the
  // database (the one writing connection, ctx.db) run here, on this io_context.
  boost::asio::io_context ioc;
  auto lock = start_engine(ctx, out);
  // Which engine runs the singletons: this one alone on SQLite; on PostgreSQL whichever holds the
  // advisory lock, taken over within kLeadershipCheck when its holder dies.
  std::unique_ptr<engine::Leadership> leadership;
  if (lock->shared()) {
    leadership = std::make_unique<engine::Leadership>(
        storage::LeaderLock::connect(ctx.db_path, storage::kSingletonsLock, kLeaderSilence).take(), kLeadershipCheck);
  } else {
    leadership = std::make_unique<engine::Leadership>();
  }
  storage::Outbox outbox(*ctx.db);
  if (auto n = outbox.expire_leases(ctx.clock->now()).take(); n > 0) {
    out << n << " message(s) were being sent when the engine last stopped; they are now 'unknown' "
        << "(see `outreach messages list --status unknown`)\n";
  }
  const auto& config = ctx.config.engine;
  // Addresses stored without their keyed hash (before migration 17, or under a replaced secret):
  // hashed once here instead of on every list page that shows their people.
  if (auto n = storage::ContactStore(*ctx.db).fill_address_hashes(storage::SuppressionList(*ctx.db, config.suppression_key))
                   .take();
      n > 0) {
    out << n << " stored address(es) hashed for the suppression check\n";
  }
  auto channels = engine::ChannelSet::build(ioc, outbox, config, ctx.clock.get(), config.wire_thread).take();
  net::MetricsRegistry metrics;
  leadership->set_metrics(&metrics);
  engine::Dispatcher dispatcher(*ctx.db, *ctx.clock, config, channels->senders(), &metrics);
  engine::PostPublisher posts(*ctx.db, *ctx.clock, config, channels->senders());
  posts.set_metrics(&metrics);
  engine::Scheduler scheduler(ioc, dispatcher, *ctx.clock, config.max_idle_poll, &posts);
  engine::InboundProcessor inbound(*ctx.db, *ctx.clock, config, nullptr);
  inbound.set_reply_senders(channels->senders());
  inbound.set_metrics(&metrics);
  services::CampaignDesk desk(*ctx.db, *ctx.clock, config);
  services::Unsubscribe unsubscribe(*ctx.db, *ctx.clock, config.unsubscribe_key);
  auto checkpointer = make_audit_checkpointer(ctx);

  // The reply/bounce mailbox, when configured, on its own CurlMulti (no shared connection limits
  // with the providers). Replies and bounces are recorded on the smtp channel ("email" by default).
  std::unique_ptr<net::CurlMulti> imap_multi;
  std::unique_ptr<engine::MailboxPoller> mailbox;
  if (config.imap) {
    engine::MailboxPollerOptions o;
    o.interval = config.imap_poll;
    for (const auto& [name, ch] : config.channels) {
      if (ch.provider != "smtp") continue;
      o.channel = name;
      o.match.reply_local_part = ch.settings.get("reply_local_part", "reply");
      o.match.message_id_domain = ch.settings.get("message_id_domain");
      const std::string from = ch.settings.get("from_address");
      if (o.match.message_id_domain.empty() && from.rfind('@') != std::string::npos)
        o.match.message_id_domain = from.substr(from.rfind('@') + 1);
      // A mail to the List-Unsubscribe mailto: address withdraws e-mail consent like one click.
      o.match.unsubscribe_address = ch.settings.get("unsubscribe_mailto");
      break;
    }
    o.on_unsubscribe = [&unsubscribe](const core::Urn& from, const std::string& message_id) {
      return unsubscribe.withdraw_address(from, "imap:" + message_id);
    };
    o.state_db = ctx.db.get();  // the last recorded UID survives a restart
    o.leadership = leadership.get();
    imap_multi = std::make_unique<net::CurlMulti>(ioc);
    mailbox = std::make_unique<engine::MailboxPoller>(ioc, *imap_multi, channels::ImapMailbox(*config.imap), inbound,
                                                      *ctx.clock, o);
    mailbox->set_on_pass_done([&metrics](const engine::MailboxPollReport& report) {
      const bool ok = report.searched && report.errors.empty();
      metrics.counter("outreach_imap_polls_total", "IMAP mailbox passes by result (failed: the search or a message failed)",
                      {{"result", ok ? "ok" : "failed"}})
          .inc();
    });
  }

  api::ApiContext api_ctx;
  api_ctx.db = ctx.db.get();
  api_ctx.clock = ctx.clock.get();
  api_ctx.config = &config;
  api_ctx.metrics = &metrics;
  api_ctx.inbound = &inbound;
  api_ctx.desk = &desk;
  api_ctx.unsubscribe = &unsubscribe;
  api_ctx.public_base_url = config.public_base_url;
  api_ctx.national_fallback = config.national_fallback;
  api_ctx.case_sla_working_days = config.case_sla_working_days;
  for (const auto& [name, ch] : config.channels) api_ctx.webhooks[name] = channels->connector(name);
  for (const auto& i : config.intermediaries) {
    if (const auto* c = channels->intermediary(i.settings.key)) api_ctx.intermediaries[i.settings.key] = c;
  }
  auto router = api::make_router(api_ctx);
  // The web pages at / (web/page.h), on the same server and the same lanes.
  web::WebContext web_ctx;
  web_ctx.db = ctx.db.get();
  web_ctx.clock = ctx.clock.get();
  web_ctx.config = &config;
  web_ctx.public_base_url = config.public_base_url;
  web_ctx.csrf_key = ctx.secret->derive("web-csrf");
  web_ctx.totp_key = ctx.secret->derive("totp");
  web_ctx.national_fallback = config.national_fallback;
  web_ctx.case_sla_working_days = config.case_sla_working_days;
  web_ctx.trusted_proxies = ctx.config.trusted_proxies;
  web_ctx.sign_in_rules.demo_links_for_every_kind = serve_options.demo_links;
  auto pages = web::make_page_router(web_ctx);
  net::HttpServerOptions options;
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw core::ErrorException(core::Error::invalid("expected HOST:PORT, got '" + listen + "'", "--listen"));
  options.address = listen.substr(0, colon);
  try {
    options.port = static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1)));
  } catch (const std::exception&) {
    throw core::ErrorException(core::Error::invalid("expected HOST:PORT, got '" + listen + "'", "--listen"));
  }
  // The API: HTTP connections on their own threads; reads on a pool of reader threads with read-only
  // connections; writes posted to the engine's thread and their answers posted back (api/router.h).
  std::unique_ptr<ServeLanes> lanes;
  if (ctx.db->path() != ":memory:") {
    lanes = ServeLanes::start(ctx.db->path(), serve_options.readers, ioc, *ctx.db).take();
    api_ctx.lanes = lanes.get();
    web_ctx.lanes = lanes.get();
  }
  auto http_work = boost::asio::make_work_guard(http_ioc);
  net::HttpServer server(lanes ? http_ioc : ioc, options, route_by_path(*router, *pages));
  server.start().take();
  std::vector<std::thread> http_threads;
  if (lanes) {
    for (int i = 0; i < serve_options.http_threads; ++i) {
      http_threads.emplace_back([&http_ioc] {
        core::LogScope scope("http", {});
        http_ioc.run();
      });
    }
  }
  auto stop_http = [&] {
    server.stop();
    http_work.reset();
    http_ioc.stop();
    for (auto& t : http_threads) t.join();
    http_threads.clear();
  };
  scheduler.start();
  leadership->start(ioc);
  // Escalation notifications to the new owner, when configured, on their own CurlMulti.
  std::unique_ptr<net::CurlMulti> notify_multi;
  std::unique_ptr<engine::WebhookEscalationNotifier> notifier;
  if (!config.owner_notifications.empty()) {
    notify_multi = std::make_unique<net::CurlMulti>(ioc);
    notifier = engine::WebhookEscalationNotifier::create(ioc, *notify_multi, *ctx.clock, *ctx.db,
                                                        config.owner_notifications).take();
    notifier->set_leadership(leadership.get());
    notifier->start();  // notices left by the previous run first
  }
  engine::Escalator escalator(*ctx.db, *ctx.clock, config);
  if (notifier) escalator.set_notifier(notifier.get());
  escalator.set_leadership(leadership.get());
  escalator.start(ioc, config.escalation_check_interval);
  // "Did it help?": one question per closed (or stalled) case, counted in the frequency cap.
  engine::FollowupJob followups(*ctx.db, *ctx.clock, config, channels->senders());
  followups.set_on_sent([&dispatcher](std::int64_t contact, core::TimePoint at) { dispatcher.note_send(contact, at); });
  followups.set_leadership(leadership.get());
  followups.start(ioc);
  engine::SafetyNet safety_net(*ctx.db, *ctx.clock, config);  // issue 12: flags, routes, delegations
  safety_net.set_leadership(leadership.get());
  safety_net.start(ioc);
  if (mailbox) mailbox->start();
  checkpointer->start(ioc);
  // On PostgreSQL: the digests another engine was gathering when it stopped (start_engine).
  engine::OrphanedDigests orphaned_digests(ioc, *ctx.db, *ctx.clock, *leadership, kOrphanedDigestsCheck);
  if (lock->shared()) orphaned_digests.start();

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    out << "signal " << sig << ": stopping (finishing messages in flight)\n" << std::flush;
    server.stop();
    leadership->stop();
    escalator.stop();
    followups.stop();
    safety_net.stop();
    orphaned_digests.stop();
    if (notifier) notifier->stop();
    checkpointer->stop();
    // The mailbox first (a message being read is recorded and marked seen), then the scheduler.
    // Open intermediary digests go out now rather than after their linger.
    auto stop_scheduler = [&] {
      scheduler.stop([&] { ioc.stop(); });
      channels->flush_digests();
    };
    if (mailbox) mailbox->stop(stop_scheduler); else stop_scheduler();
  });
  out << "engine running on " << storage::redact_postgres_url(ctx.db_path) << ", HTTP API and pages on http://" << options.address << ":" << server.port()
      << "; SIGINT or SIGTERM stops it cleanly\n" << std::flush;
  if (notifier) out << "notifying new cases and escalations to " << config.owner_notifications.size() << " owner(s) by webhook\n" << std::flush;
  if (config.imap) out << "reading replies and bounces from " << config.imap->url << "/" << config.imap->mailbox << "\n" << std::flush;
  if (checkpointer->enabled()) out << "signing audit checkpoints into " << ctx.config.audit.file << "\n" << std::flush;
  {
    core::LogScope scope("engine", {});
    ioc.run();
  }
  stop_http();
  lanes.reset();
  const auto& s = dispatcher.stats();
  out << "stopped cleanly: " << s.sent << " sent, " << s.retried << " to retry, " << s.failed << " failed this run\n";
  checkpoint_audit_log(ctx, *checkpointer, out);
  return 0;
}

}  // namespace outreach::app
