#include "engine/leadership.h"

#include <spdlog/spdlog.h>

#include "net/metrics.h"
#include "storage/leader_lock.h"

namespace outreach::engine {

Leadership::Leadership() : leads_(true) {}

Leadership::Leadership(std::unique_ptr<storage::LeaderLock> lock, core::Millis interval)
    : lock_(std::move(lock)), interval_(interval) {}

Leadership::~Leadership() = default;

void Leadership::set_metrics(net::MetricsRegistry* metrics) {
  if (!metrics) return;
  leads_gauge_ = &metrics->gauge("outreach_singletons_leader",
                                 "1 while this engine runs the singletons (escalations, follow-ups, safety net, "
                                 "mailbox, notices), else 0");
  changes_ = &metrics->counter("outreach_singletons_leader_changes_total",
                               "Times this engine took or lost the singletons' lock");
  leads_gauge_->set(leads_ ? 1 : 0);
}

bool Leadership::check() {
  if (!lock_) return leads_;
  const bool was = leads_;
  leads_ = lock_->try_acquire();
  if (leads_ && !was) spdlog::info("this engine now runs the singletons (escalations, follow-ups, safety net, mailbox, notices)");
  if (!leads_ && was) spdlog::warn("this engine lost the singletons' lock; another engine takes them over");
  if (leads_gauge_) leads_gauge_->set(leads_ ? 1 : 0);
  if (changes_ && leads_ != was) changes_->inc();
  return leads_;
}

void Leadership::start(boost::asio::io_context& ioc) {
  if (!lock_) return;
  check();
  periodic_ = std::make_unique<Periodic>(ioc, interval_, [this] { check(); });
  periodic_->start();
}

void Leadership::stop() {
  if (periodic_) periodic_->stop();
}

}  // namespace outreach::engine
