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
  static core::Result<std::unique_ptr<ChannelSet>> build(boost::asio::io_context& ioc, storage::Outbox& outbox,
                                                         const EngineConfig& config,
                                                         const core::Clock* clock = nullptr);
  ~ChannelSet();
  ChannelSet(const ChannelSet&) = delete;
  ChannelSet& operator=(const ChannelSet&) = delete;

  // channel name -> sender, for the Dispatcher.
  std::map<std::string, Sender*> senders() const;
  // The connector behind a channel (nullptr for sandbox channels): webhooks verify and parse with it.
  const channels::Connector* connector(const std::string& channel) const;
  // Requests waiting for a transport slot, summed over channels (queue depth for metrics).
  std::size_t queued() const;
  // Intermediary `key`'s connector (verifies its reports back); nullptr when no channel uses the
  // intermediary provider or the key is unknown.
  const channels::IntermediaryConnector* intermediary(const std::string& key) const;
  // Sends the open intermediary digests now (before a graceful stop).
  void flush_digests();

 private:
  ChannelSet() = default;
  std::unique_ptr<net::CurlMulti> multi_;
  std::unique_ptr<Sender> sandbox_;
  core::SystemClock system_clock_;
  IntermediarySender* intermediaries_ = nullptr;  // owned by senders_
  std::map<std::string, std::unique_ptr<channels::Connector>> connectors_;
  std::map<std::string, std::unique_ptr<net::HttpTransport>> transports_;
  std::map<std::string, std::unique_ptr<Sender>> senders_;
};

}  // namespace outreach::engine
