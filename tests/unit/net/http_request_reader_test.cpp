#include <gtest/gtest.h>

#include <string>

#include "net/http_request_reader.h"

namespace outreach::net {

namespace {

HttpServerOptions limits(std::size_t body = 1024, std::uint32_t header = 1024) {
  HttpServerOptions o;
  o.body_limit = body;
  o.header_limit = header;
  return o;
}

}  // namespace

TEST(HttpRequestReader, GivesTheRequestAsTheHandlerSeesIt) {
  auto r = read_http_request(
      "POST /v1/cases/7/acknowledge?note=opgepakt%21&x=1&x=2 HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\r\n"
      "Content-Length: 4\r\n\r\n{\"a\"",
      limits(), "127.0.0.1:5");
  ASSERT_TRUE(r.request);
  EXPECT_EQ(r.request->method, "POST");
  EXPECT_EQ(r.request->target, "/v1/cases/7/acknowledge?note=opgepakt%21&x=1&x=2");
  EXPECT_EQ(r.request->path, "/v1/cases/7/acknowledge");
  EXPECT_EQ(r.request->query.at("note"), "opgepakt!");
  EXPECT_EQ(r.request->query.at("x"), "1") << "the first value of a repeated name wins";
  EXPECT_EQ(*r.request->header("authorization"), "Bearer t");
  EXPECT_EQ(r.request->body, "{\"a\"");
  EXPECT_EQ(r.request->remote_address, "127.0.0.1:5");
}

TEST(HttpRequestReader, ChunkedBodiesAreJoined) {
  auto r = read_http_request("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", limits());
  ASSERT_TRUE(r.request);
  EXPECT_EQ(r.request->body, "abcde");
}

TEST(HttpRequestReader, RefusesAsTheServerDoes) {
  auto malformed = read_http_request("GET /x HTTP/1.1\r\nBad Header\r\n\r\n", limits());
  EXPECT_FALSE(malformed.request);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.code, "invalid_input");

  auto query = read_http_request("GET /x?a=%zz HTTP/1.1\r\n\r\n", limits());
  EXPECT_EQ(query.status, 400);

  auto body = read_http_request("POST /x HTTP/1.1\r\nContent-Length: 2000\r\n\r\n", limits(1024));
  EXPECT_EQ(body.status, 413);
  EXPECT_EQ(body.message, "request body exceeds 1024 bytes");

  auto header = read_http_request("GET /x HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", limits(1024, 1024));
  EXPECT_EQ(header.status, 431);
}

TEST(HttpRequestReader, AnUnfinishedRequestIsNoRequestAndNoAnswer) {
  for (const char* bytes : {"", "GET /x HTTP/1.1\r\nHost: a\r\n", "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"}) {
    auto r = read_http_request(bytes, limits());
    EXPECT_FALSE(r.request) << bytes;
    EXPECT_EQ(r.status, 0) << bytes;
  }
}

}  // namespace outreach::net
