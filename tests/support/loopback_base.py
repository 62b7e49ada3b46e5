"""What the loopback test servers share: a quiet HTTP/1.1 handler with keep-alive and a reply
helper, a threading server that tolerates clients hanging up, and the "PORT <n>" start line the
C++ fixtures wait for (tests/support/http_recorder.h)."""
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms ACK stalls

    def log_message(self, *args):
        pass

    def _reply(self, code, body, content_type="text/plain", extra=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # many connects at once must not overflow the listen backlog

    def handle_error(self, request, client_address):
        pass  # clients that time out, or an engine killed mid-request, leave broken connections: expected


def serve(handler, port=0):
    """Listens on 127.0.0.1:port (0: a free one), prints "PORT <n>" and serves until killed."""
    server = LoopbackServer(("127.0.0.1", port), handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()
