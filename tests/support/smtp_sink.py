#!/usr/bin/env python3
"""SMTP sink for outreach integration tests (aiosmtpd).

Accepts every message on 127.0.0.1 and stores it in DIR as NNNN.eml (the raw bytes received,
after SMTP dot-unstuffing) and NNNN.json (the envelope: mail_from, rcpt_tos). Prints
"READY <port>" on stdout once it listens; stops on SIGTERM or SIGINT.

usage: smtp_sink.py DIR [--port N] [--auth USER:PASSWORD] [--reject ADDRESS ...]
  --port 0 (the default) picks a free port.
  --auth requires AUTH PLAIN/LOGIN with these credentials (allowed without TLS: loopback only).
  --reject answers RCPT TO for ADDRESS with "550 5.1.1 ... User unknown".
"""
import argparse
import json
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class SaveHandler:
    def __init__(self, directory, reject):
        self.directory = directory
        self.reject = {a.lower() for a in reject}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        base = os.path.join(self.directory, "%04d" % n)
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        with open(base + ".json.tmp", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".json.tmp", base + ".json")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.rename(base + ".eml.tmp", base + ".eml")  # the .eml appears complete or not at all
        return "250 2.0.0 Ok: queued as %04d" % n


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", default="")
    parser.add_argument("--reject", nargs="*", default=[])
    args = parser.parse_args()
    os.makedirs(args.directory, exist_ok=True)

    kwargs = {}
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login.decode() == user and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False)

        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)

    port = args.port or free_port()
    controller = Controller(SaveHandler(args.directory, args.reject), hostname="127.0.0.1", port=port,
                            **kwargs)
    controller.start()
    print("READY %d" % port, flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.5):
        pass
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
