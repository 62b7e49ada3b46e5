#include "app/serve_lanes.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "core/log_context.h"
#include "storage/database.h"

namespace outreach::app {

struct ServeLanes::Reader {
  std::unique_ptr<storage::Database> db;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> queue;  // GUARDED_BY(mutex)
  bool stopping = false;                    // GUARDED_BY(mutex)
  std::thread thread;
  std::unique_ptr<api::ReadLane> lane;

  void post(std::function<void()> work) {
    {
      std::lock_guard lock(mutex);
      queue.push_back(std::move(work));
    }
    wake.notify_one();
  }

  std::size_t depth() {
    std::lock_guard lock(mutex);
    return queue.size();
  }

  void run() {
    core::LogScope scope("api", {});
    for (;;) {
      std::function<void()> work;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        work = std::move(queue.front());
        queue.pop_front();
      }
      try {
        work();
      } catch (const std::exception& e) {
        spdlog::error("reader: {}", e.what());
      }
    }
  }
};

struct ServeLanes::Pacing {
  explicit Pacing(boost::asio::io_context& io) : timer(io) {}
  std::chrono::steady_clock::time_point last_commit{};
  boost::asio::steady_timer timer;
  bool waiting = false;
};

ServeLanes::ServeLanes(boost::asio::io_context& writer, storage::Database& writer_db,
                       std::chrono::microseconds commit_pacing)
    : writer_(writer), writer_db_(writer_db), commit_pacing_(commit_pacing), pacing_(std::make_unique<Pacing>(writer)) {}

core::Result<std::unique_ptr<ServeLanes>> ServeLanes::start(const std::string& db_path, int readers,
                                                           boost::asio::io_context& writer,
                                                           storage::Database& writer_db,
                                                           std::chrono::microseconds commit_pacing) {
  std::unique_ptr<ServeLanes> lanes(new ServeLanes(writer, writer_db, commit_pacing));
  for (int i = 0; i < std::max(1, readers); ++i) {
    auto db = storage::Database::open_reader(db_path);
    if (!db) return db.error();
    auto r = std::make_unique<Reader>();
    r->db = std::move(*db);
    Reader* raw = r.get();
    r->lane = std::make_unique<api::ReadLane>(
        api::ReadLane{*raw->db, [raw](std::function<void()> work) { raw->post(std::move(work)); }});
    lanes->readers_.push_back(std::move(r));
  }
  for (auto& r : lanes->readers_) r->thread = std::thread([raw = r.get()] { raw->run(); });
  return lanes;
}

ServeLanes::~ServeLanes() {
  for (auto& r : readers_) {
    {
      std::lock_guard lock(r->mutex);
      r->stopping = true;
    }
    r->wake.notify_one();
  }
  for (auto& r : readers_) {
    if (r->thread.joinable()) r->thread.join();
  }
}

void ServeLanes::read(std::function<void(api::ReadLane&)> work) {
  // The reader with the shortest queue (ties: the first).
  Reader* best = readers_.front().get();
  std::size_t best_depth = best->depth();
  for (std::size_t i = 1; i < readers_.size() && best_depth > 0; ++i) {
    std::size_t d = readers_[i]->depth();
    if (d < best_depth) {
      best = readers_[i].get();
      best_depth = d;
    }
  }
  best->post([best, work = std::move(work)] { work(*best->lane); });
}

void ServeLanes::write(std::function<core::Status()> work, std::function<void(const core::Status&)> done) {
  if (writes_.push(std::move(work), std::move(done))) boost::asio::post(writer_, [this] { schedule_drain(); });
}

void ServeLanes::schedule_drain() {
  // Every commit costs each reader its page cache: SQLite drops a connection's cache when its next
  // read transaction finds the WAL moved on, and the reader reads its pages again from the file.
  // Under load (a commit per request) that was most of a list page's system time. So batches are
  // started at least commit_pacing_ apart: a write that finds the writer idle for that long
  // commits at once, others wait at most commit_pacing_ and share a commit.
  const auto now = std::chrono::steady_clock::now();
  const auto due = storage::GroupCommit::next_commit_at(pacing_->last_commit, now, commit_pacing_);
  if (due <= now) {
    boost::asio::post(writer_, [this] { drain(); });
    return;
  }
  if (pacing_->waiting) return;
  pacing_->waiting = true;
  pacing_->timer.expires_at(due);
  pacing_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the lanes are going away
    pacing_->waiting = false;
    drain();
  });
}

void ServeLanes::drain() {
  // One batch per turn, then the engine's other work gets its turn before the next batch. Paced
  // from the batch's start, so a writer whose batches take longer than the pacing never waits.
  pacing_->last_commit = std::chrono::steady_clock::now();
  if (writes_.drain(writer_db_).more) schedule_drain();
}

void ServeLanes::post(std::function<void()> work) { boost::asio::post(writer_, std::move(work)); }

}  // namespace outreach::app
