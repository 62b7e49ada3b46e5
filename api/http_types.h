#pragma once
// The api's view of HTTP: plain request and response structs. They are the engine server's own
// structs (engine/http_server.h), aliased here so that the arrows keep pointing down
// (api -> engine): the server never includes the api, and routes never see a socket.

#include "net/http_server.h"

namespace outreach::api {

using Request = net::HttpRequest;
using Response = net::HttpResponse;
using Headers = net::HttpHeaders;

}  // namespace outreach::api
