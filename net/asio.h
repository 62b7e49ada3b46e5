#pragma once
// The one place that includes Boost.Asio and defines the aliases the .cpp files of net/ and
// engine/ use. Include it only from .cpp files and tests; widely included headers forward-declare
// what they point to.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace boost::beast {}  // declared only, so the alias below costs nothing to files without Beast

namespace outreach {
namespace asio = boost::asio;
namespace beast = boost::beast;  // .cpp files using Beast include its headers themselves
}  // namespace outreach

namespace outreach::net {
using error_code = boost::system::error_code;
}  // namespace outreach::net

namespace outreach::engine {
using error_code = boost::system::error_code;
}  // namespace outreach::engine
