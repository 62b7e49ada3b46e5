#!/usr/bin/env python3
"""A Twilio-shaped loopback provider that misbehaves on command, for the at-most-once tests and the
fault-isolation bench.

Usage: faulty_provider.py [FAULT,FAULT,...]
Prints "PORT <n>" once listening on 127.0.0.1. Every POST to
/2010-04-01/Accounts/<sid>/Messages.json is a send. Its key is our reference (`ref` in the
StatusCallback URL), else the `To` field. The FIRST request of a key gets the fault
faults[i % len(faults)], i counting keys in order of arrival; every later request of the same key
gets "ok". Faults:
  ok            201 {"sid": "SM<n>"}                                      accepted
  500 / 502 / 504   that status, an HTML body (a gateway's page)          may be accepted
  503           503 without Retry-After                                   not accepted (Twilio
                documents 503 as "temporarily unable to service the request")
  503ra         503 with Retry-After: 1                                   not accepted
  429           429 with Retry-After: 1, Twilio's 20429 error body       not accepted
  slow          waits SLOW_MS (default 1500) and then answers 201         accepted (late)
  reset         201 headers and half the body, then a TCP reset           accepted
  garbage       201 with a body that is not JSON                          accepted
  hangup        reads the request, closes without answering               accepted
The server records every request BEFORE it answers, with whether the fault counts as accepted.
Control (GET): /_faults?set=a,b,c (replaces the list and forgets keys), /_received (JSON: key ->
list of {"at": unix seconds, "fault": ..., "accepted": bool, "to": ...}), /_stats (text).
"""
import json
import os
import socket
import struct
import sys
import threading
import time
from urllib.parse import parse_qs, urlparse

from loopback_base import QuietHandler, serve

NOT_ACCEPTED = {"503ra", "429", "503"}
lock = threading.Lock()
state = {"faults": ["ok"], "keys": {}, "received": {}, "counter": 0, "requests": 0}
SLOW_MS = int(os.environ.get("SLOW_MS", "1500"))


class Handler(QuietHandler):
    def _reply(self, code, body, content_type="application/json", extra=None):
        super()._reply(code, body, content_type, extra)

    def _reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        if url.path == "/_faults":
            with lock:
                state["faults"] = [f for f in q.get("set", ["ok"])[0].split(",") if f]
                state["keys"].clear()
                state["received"].clear()
            return self._reply(200, "ok", "text/plain")
        if url.path == "/_received":
            with lock:
                text = json.dumps(state["received"])
            return self._reply(200, text)
        if url.path == "/_stats":
            with lock:
                accepted = sum(1 for rs in state["received"].values() for r in rs if r["accepted"])
                text = "requests %d\nkeys %d\naccepted %d\n" % (state["requests"], len(state["received"]), accepted)
            return self._reply(200, text, "text/plain")
        return self._reply(404, "{}")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:
            return  # the client went away before the body was complete: not a send
        body = raw.decode("utf-8", "replace")
        if not self.path.endswith("/Messages.json"):
            return self._reply(404, json.dumps({"code": 20404, "message": "not found"}))
        form = parse_qs(body)
        to = form.get("To", [""])[0]
        callback = form.get("StatusCallback", [""])[0]
        ref = parse_qs(urlparse(callback).query).get("ref", [""])[0]
        key = ref or to
        with lock:
            state["requests"] += 1
            if key in state["keys"]:
                fault = "ok"
            else:
                faults = state["faults"]
                fault = faults[len(state["keys"]) % len(faults)]
                state["keys"][key] = fault
            state["counter"] += 1
            sid = "SM%032d" % state["counter"]
            state["received"].setdefault(key, []).append(
                {"at": time.time(), "fault": fault, "accepted": fault not in NOT_ACCEPTED, "to": to})
        ok = json.dumps({"sid": sid, "status": "queued", "to": to})
        if fault == "ok":
            return self._reply(201, ok)
        if fault in ("500", "502", "503", "504"):
            return self._reply(int(fault), "<html><body>gateway trouble</body></html>", "text/html")
        if fault == "503ra":
            return self._reply(503, json.dumps({"code": 20503, "message": "Service unavailable"}),
                               extra={"Retry-After": "1"})
        if fault == "429":
            return self._reply(429, json.dumps({"code": 20429, "message": "Too Many Requests"}),
                               extra={"Retry-After": "1"})
        if fault == "slow":
            time.sleep(SLOW_MS / 1000.0)
            return self._reply(201, ok)
        if fault == "reset":
            data = ok.encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            return self._reset()
        if fault == "garbage":
            return self._reply(201, "\x00\x01<html>not json", "text/html")
        if fault == "hangup":
            self.close_connection = True
            return None
        return self._reply(500, "unknown fault " + fault, "text/plain")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        state["faults"] = [f for f in sys.argv[1].split(",") if f]
    serve(Handler)
