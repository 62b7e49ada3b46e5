#!/usr/bin/env python3
"""Twilio-shaped loopback server for the engine crash test.

Usage: recording_server.py LOG_FILE [TIMES_FILE]
Prints "PORT <n>" once listening on 127.0.0.1. Every POST to
/2010-04-01/Accounts/<sid>/Messages.json is appended to LOG_FILE as its decoded `To` value (one
line, flushed) BEFORE the answer is written, so the log holds every request the server saw, even
when the client dies before reading the answer (a request whose body never arrived in full is not
a send and is not logged). Answers 201 {"sid": "SM<n>", "status": "queued"}. With TIMES_FILE, the time of each send
(time.monotonic(), seconds) goes there too, one line per send, for rate checks.
A POST to any other path that carries an X-Outreach-Delivery header (a signed webhook, such as a
case notice to its owner) is appended as "<path> <delivery id>", the same way, and answered 200.
"""
import json
import sys
import threading
import time
from urllib.parse import parse_qs

from loopback_base import QuietHandler, serve

lock = threading.Lock()
counter = [0]


class Handler(QuietHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:
            return  # the client died before the body was complete: no provider would act on it
        body = raw.decode("utf-8", "replace")
        delivery = self.headers.get("X-Outreach-Delivery")
        if delivery and not self.path.endswith("/Messages.json"):
            with lock:
                log.write("%s %s\n" % (self.path, delivery))
                log.flush()
            return self._reply(200, {"ok": True})
        if not self.path.endswith("/Messages.json"):
            return self._reply(404, {"message": "not found"})
        to = parse_qs(body).get("To", [""])[0]
        with lock:
            counter[0] += 1
            sid = "SM%d" % counter[0]
            log.write(to + "\n")
            log.flush()
            if times:
                times.write("%.6f\n" % time.monotonic())
                times.flush()
        self._reply(201, {"sid": sid, "status": "queued", "to": to})

    def _reply(self, code, obj):
        super()._reply(code, json.dumps(obj), "application/json")


if __name__ == "__main__":
    log = open(sys.argv[1], "a", encoding="utf-8")
    times = open(sys.argv[2], "a", encoding="utf-8") if len(sys.argv) > 2 else None
    serve(Handler)
