#pragma once
// The configured channels, built once: for each channel either the sandbox or a provider connector
// with its own net::HttpTransport (bounded requests in flight, keep-alive) on one shared net::CurlMulti.
// Owns everything it builds; `ioc`, `outbox` and `config` must outlive it. Engine thread only.

#include <map>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/error.h"

namespace boost::asio {
class io_context;
}
namespace outreach::net {
class CurlMulti;
class HttpTransport;
class WireLane;
}  // namespace outreach::net

namespace outreach::storage {
class Outbox;
}
namespace outreach::channels {
class Connector;
class IntermediaryConnector;
}

namespace outreach::engine {

struct EngineConfig;
class Sender;
class IntermediarySender;

class ChannelSet {
 public:
  // `clock` stamps intermediary digests; nullptr means the system clock. Must outlive the set.
  // With `wire_thread`, the provider connectors' transports run on a thread of their own
  // (net::WireLane): requests are built on `ioc`'s thread, sent and their answers classified on
  // the wire, and every Sender still completes on `ioc`'s thread. The intermediary channel and
  // the sandbox stay on `ioc`. The set owns the thread; destroying the set stops it.
  static core::Result<std::unique_ptr<ChannelSet>> build(boost::asio::io_context& ioc, storage::Outbox& outbox,
                                                         const EngineConfig& config,
                                                         const core::Clock* clock = nullptr,
                                                         bool wire_thread = false);
  ~ChannelSet();
  ChannelSet(const ChannelSet&) = delete;
  ChannelSet& operator=(const ChannelSet&) = delete;

  // channel name -> sender, for the Dispatcher.
  std::map<std::string, Sender*> senders() const;
  // The connector behind a channel (nullptr for sandbox channels): webhooks verify and parse with it.
  const channels::Connector* connector(const std::string& channel) const;
  // Requests waiting for a transport slot, summed over channels (queue depth for metrics). Channels
  // on the wire thread are not counted (their queues belong to that thread).
  std::size_t queued() const;
  // Intermediary `key`'s connector (verifies its reports back); nullptr when no channel uses the
  // intermediary provider or the key is unknown.
  const channels::IntermediaryConnector* intermediary(const std::string& key) const;
  // Sends the open intermediary digests now (before a graceful stop).
  void flush_digests();

 private:
  ChannelSet() = default;
  std::unique_ptr<net::WireLane> wire_;          // declared before what lives on it: destroyed after
  std::unique_ptr<net::CurlMulti> wire_multi_;   // on wire_'s thread
  std::unique_ptr<net::CurlMulti> multi_;
  std::unique_ptr<Sender> sandbox_;
  core::SystemClock system_clock_;
  IntermediarySender* intermediaries_ = nullptr;  // owned by senders_
  std::map<std::string, std::unique_ptr<channels::Connector>> connectors_;
  std::map<std::string, std::unique_ptr<net::HttpTransport>> transports_;       // on multi_
  std::map<std::string, std::unique_ptr<net::HttpTransport>> wire_transports_;  // on wire_multi_
  std::map<std::string, std::unique_ptr<Sender>> senders_;
};

}  // namespace outreach::engine
