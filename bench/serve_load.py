#!/usr/bin/env python3
"""Helpers for bench/serve_load.sh (standard library only).

  serve_load.py contacts N FILE           a contacts CSV: N people, 1 in 3 in Rotterdam (GM0599),
                                          the rest spread over the other municipalities; outreach
                                          consent on sms; Dutch, Turkish, Arabic, Polish names
  serve_load.py provider PORTFILE         a fake Twilio API: answers every POST 201 with a fresh
                                          sid; writes its port to PORTFILE; runs until killed
  serve_load.py replies URL TOKEN N STEP TEXT
                                          posts N signed Twilio reply webhooks (keep-alive) from the
                                          people 0, STEP, 2*STEP, ...; exits 1 on any non-2xx
  serve_load.py wrk-script URL TOKEN N FILE
                                          a wrk Lua script cycling through N distinct signed reply
                                          webhooks (distinct MessageSid, sender and text)
"""
import base64
import hashlib
import hmac
import http.client
import itertools
import random
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST = ["Anna", "Mohamed", "Fatima", "Emre", "Sanne", "Priya", "Kasia", "Youssef", "Lotte", "Ayşe",
         "Daan", "Shurandy", "Nour", "Piotr", "Esra", "Jeroen", "Samira", "Gert", "Ilse", "Karim"]
LAST = ["de Vries", "Yılmaz", "El Amrani", "Jansen", "Kowalski", "Bakker", "Martina", "Öztürk",
        "Visser", "Haddou", "Smit", "Nowak", "de Jong", "Kaya", "Meijer", "Bouzid"]
OTHERS = ["GM0363", "GM0518", "GM0344", "GM0034", "GM0014", "GM0772", "GM0202", "GM0268", "GM0392",
          "GM0489", "GM0502", "GM0542", "GM0556", "GM0597", "GM0606", "GM0613", "GM0622"]
LANGS = ["nl", "nl", "nl", "en", "tr", "ar", "pap", "pl"]
TEXTS = ["Dank u wel voor het bericht", "Wie bent u precies?", "Ik bel morgen terug",
         "Mijn zus heeft ook problemen gehad", "Graag meer informatie per post", "Ok"]


def phone(i):
    return "+316%08d" % (10000000 + i)


def contacts(n, path):
    rnd = random.Random(7)
    with open(path, "w", encoding="utf-8") as f:
        f.write("name;phone;email;whatsapp;language;municipality;tags;consent\n")
        for i in range(n):
            muni = "GM0599" if i % 3 == 0 else OTHERS[i % len(OTHERS)]
            name = "%s %s" % (rnd.choice(FIRST), rnd.choice(LAST))
            email = "persoon.%d@example.org" % i if i % 2 == 0 else ""
            f.write("%s;%s;%s;;%s;%s;herstel;outreach@sms\n" % (name, phone(i), email, rnd.choice(LANGS), muni))


def signature(token, url, fields):
    data = url + "".join(k + v for k, v in sorted(fields))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def webhook(url, token, sid, sender, text):
    fields = [("MessageSid", sid), ("AccountSid", "ACbench"), ("From", sender), ("To", "+3197010203040"),
              ("Body", text), ("NumMedia", "0")]
    body = urllib.parse.urlencode(fields)
    return body, signature(token, url, fields)


def replies(url, token, n, step, text):
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for i in range(n):
        body, sig = webhook(url, token, "SMseed%08d" % i, phone(i * step), text)
        conn.request("POST", u.path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                            "X-Twilio-Signature": sig})
        r = conn.getresponse()
        r.read()
        if r.status >= 300:
            print("reply %d: HTTP %d" % (i, r.status), file=sys.stderr)
            sys.exit(1)


def wrk_script(url, token, n, path):
    u = urllib.parse.urlparse(url)
    # The bodies go into a data file the script reads once (a Lua chunk holds at most 65536
    # constants): one "signature<TAB>body" line each.
    with open(path + ".data", "w", encoding="utf-8") as f:
        for i in range(n):
            # Senders cycle over the first 3000 people; every message id is new.
            body, sig = webhook(url, token, "SMload%08d" % i, phone(i % 3000), TEXTS[i % len(TEXTS)])
            f.write("%s\t%s\n" % (sig, body))
    with open(path, "w", encoding="utf-8") as f:
        f.write("""
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
function init(args)
  sigs, bodies = {}, {}
  for line in io.lines("%s") do
    local tab = line:find("\\t", 1, true)
    sigs[#sigs + 1] = line:sub(1, tab - 1)
    bodies[#bodies + 1] = line:sub(tab + 1)
  end
  n = #bodies
  -- each wrk thread walks its own stride, so no two requests carry the same message id
  i = tid - 1
  stride = 2
end
function request()
  i = i + stride
  local k = (i %% n) + 1
  return wrk.format("POST", "%s", {["Content-Type"] = "application/x-www-form-urlencoded",
                                  ["X-Twilio-Signature"] = sigs[k]}, bodies[k])
end
""" % (path + ".data", u.path))


class Provider(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    counter = itertools.count(1)

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = ('{"sid":"SMfake%010d","status":"queued"}' % next(Provider.counter)).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def provider(portfile):
    ThreadingHTTPServer.request_queue_size = 1024  # the engine opens many connections at once
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # a client that hung up is no news
    with open(portfile, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "contacts":
        contacts(int(args[0]), args[1])
    elif cmd == "provider":
        provider(args[0])
    elif cmd == "replies":
        replies(args[0], args[1], int(args[2]), int(args[3]), args[4])
    elif cmd == "wrk-script":
        wrk_script(args[0], args[1], int(args[2]), args[3])
    else:
        sys.exit(__doc__)
