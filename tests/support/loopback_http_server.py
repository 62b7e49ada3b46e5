#!/usr/bin/env python3
"""Loopback HTTP/1.1 server for engine integration tests (keep-alive, one thread per connection).

Prints "PORT <n>" on stdout once listening on 127.0.0.1 (port 0 = pick a free one).
Endpoints (any method):
  /fast                      200 "fast"
  /slow?ms=N                 waits N ms, then 200 "slow"
  /status/<code>[?retry_after=V]   answers <code>, with Retry-After: V when given
  /big?bytes=N               200 with N bytes of "x"
  /echo                      200, JSON of method, path, headers, body; header X-Echo: yes
  /hangup                    reads and records the request, then closes the connection unanswered
  /vN.M/<page_id>/feed       200 {"id": "<page_id>_<n>"}: a Graph API page post (n counts posts)
  /_stats                    text "name value" lines: connections, requests, in_flight, max_in_flight
  /_reset                    zeroes the counters and forgets recorded requests
  /_requests                 JSON list of recorded requests (method, path, headers, body)
Paths starting with "/_" are not counted: connections count only connections that carried a
counted request.
"""
import json
import re
import sys
import threading
import time
from urllib.parse import parse_qs, urlparse

from loopback_base import QuietHandler, serve

lock = threading.Lock()
stats = {"connections": 0, "requests": 0, "in_flight": 0, "max_in_flight": 0}
recorded = []
feed_posts = [0]


class Handler(QuietHandler):
    def setup(self):
        super().setup()
        self.counted = False

    def _handle(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if url.path == "/_stats":
            with lock:
                text = "".join(f"{k} {v}\n" for k, v in stats.items())
            return self._reply(200, text)
        if url.path == "/_reset":
            with lock:
                for k in stats:
                    stats[k] = 0
                recorded.clear()
            return self._reply(200, "ok")
        if url.path == "/_requests":
            with lock:
                text = json.dumps(recorded)
            return self._reply(200, text, "application/json")

        with lock:
            if not self.counted:
                self.counted = True
                stats["connections"] += 1
            stats["requests"] += 1
            stats["in_flight"] += 1
            stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
            recorded.append({"method": self.command, "path": self.path,
                             "headers": {k: v for k, v in self.headers.items()},
                             "body": body.decode("utf-8", "replace")})
        try:
            if url.path == "/fast":
                self._reply(200, "fast")
            elif url.path == "/slow":
                time.sleep(int(query.get("ms", ["2000"])[0]) / 1000.0)
                self._reply(200, "slow")
            elif url.path.startswith("/status/"):
                extra = {}
                if "retry_after" in query:
                    extra["Retry-After"] = query["retry_after"][0]
                self._reply(int(url.path.split("/")[2]), "status", extra=extra)
            elif url.path == "/big":
                self._reply(200, b"x" * int(query.get("bytes", ["1048576"])[0]))
            elif re.fullmatch(r"/v\d+\.\d+/[^/]+/feed", url.path):
                with lock:
                    feed_posts[0] += 1
                    post_id = "%s_%d" % (url.path.split("/")[2], feed_posts[0])
                self._reply(200, json.dumps({"id": post_id}), "application/json")
            elif url.path == "/hangup":
                self.close_connection = True
            elif url.path == "/echo":
                self._reply(200, json.dumps(recorded[-1]), "application/json", {"X-Echo": "yes"})
            else:
                self._reply(404, "not found")
        finally:
            with lock:
                stats["in_flight"] -= 1

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


if __name__ == "__main__":
    serve(Handler, int(sys.argv[1]) if len(sys.argv) > 1 else 0)
