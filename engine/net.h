#pragma once
// The one place that includes Boost.Asio and defines the aliases the engine's .cpp files use.
// Include it only from engine/*.cpp and tests; widely included headers forward-declare
// `boost::asio::io_context` instead.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace boost::beast {}  // declared only, so the alias below costs nothing to files without Beast

namespace outreach::engine {
namespace net = boost::asio;
namespace beast = boost::beast;  // .cpp files using Beast include its headers themselves
using error_code = boost::system::error_code;
}  // namespace outreach::engine
