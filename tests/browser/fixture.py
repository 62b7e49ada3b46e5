"""The browser tests' fixture: a fresh seeded database, a real `outreach serve` on a free loopback
port, and Chromium driven by Selenium (Debian's chromium, chromium-driver and python3-selenium).

    with Site() as site:
        b = site.browser("phone")              # 360x740, or "desktop" (1280x900)
        site.sign_in(b, "vera")
        site.check_page(b, "volunteer-home")   # axe: 0 WCAG 2.1 A/AA violations; screenshot

Seeded: municipalities and regions, the sample contacts (config/data/contacts.csv), and the
principals in PRINCIPALS, each with the password PASSWORD set through `outreach principals
set-password` and, for coordinators and approvers, a TOTP secret from `reset-totp` (site.totp(name)
gives the current code). site.tokens[name] is each principal's API token (site.api(...) calls the
JSON API with it).

Missing tools (chromium, chromedriver, selenium, axe-core, the outreach binary): the test is skipped
with a message (exit code 77), except under CI=true, where it fails (tests/support/require_tool.h).
Run one file: OUTREACH_BINARY=build/app/outreach /usr/bin/python3 tests/browser/test_sign_in.py
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

SOURCE_DIR = os.environ.get("OUTREACH_SOURCE_DIR", os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..")))
BINARY = os.environ.get("OUTREACH_BINARY", os.path.join(SOURCE_DIR, "build", "app", "outreach"))
TOOLS = os.environ.get("OUTREACH_TOOLS", os.path.expanduser("~/.cache/outreach-tools"))
AXE_JS = os.path.join(TOOLS, "node_modules", "axe-core", "axe.min.js")
CHROMIUM = os.environ.get("OUTREACH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("OUTREACH_CHROMEDRIVER", "/usr/bin/chromedriver")
SKIP = 77

PASSWORD = "proef-wachtwoord-2026"
# name -> (kind, scope)
PRINCIPALS = {
    "amira": ("coordinator", ""),
    "joost": ("approver", ""),
    "vera": ("volunteer", "GM0599"),
    "victor": ("volunteer", "GM0606"),
    "rotterdam": ("municipality", "GM0599"),
    "schiedam": ("municipality", "GM0606"),
    "rijnmond": ("regional_hub", "rijnmond"),
    "national": ("national_fallback", ""),
}
SECOND_FACTOR = {"coordinator", "approver"}
VIEWPORTS = {"phone": (360, 740, True), "desktop": (1280, 900, False)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def in_ci():
    return os.environ.get("CI") == "true"


def require_tools():
    """Exits 77 (skip) with the reason when a tool is missing, or fails under CI=true."""
    missing = []
    for path, what in ((BINARY, "the outreach binary"), (CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver"),
                       (AXE_JS, "axe-core (npm ci in tools/npm, see scripts/install-deps.sh)")):
        if not os.path.exists(path):
            missing.append("%s (%s)" % (what, path))
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("python3-selenium (run with /usr/bin/python3)")
    if missing:
        why = "browser test needs: " + ", ".join(missing)
        if in_ci():
            print("required under CI=true, never skipped: " + why, file=sys.stderr)
            sys.exit(1)
        print("SKIPPED: " + why, file=sys.stderr)
        sys.exit(SKIP)


def totp(secret_b32, at=None, step=30, digits=6):
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % (10 ** digits)
    return str(code).zfill(digits)


def cookie_from(headers, name):
    """The value a response's Set-Cookie headers give `name` (None when absent or deleted)."""
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            v = value.split(";", 1)[0][len(name) + 1:]
            return v or None
    return None


def set_cookie_header(headers, name):
    for key, value in headers:
        if key.lower() == "set-cookie" and value.startswith(name + "="):
            return value
    return None


def _replaced(old):
    """A wait condition: the page that held `old` is gone (stale, or its node left the document)."""
    def check(_driver):
        try:
            old.is_enabled()
            return False
        except Exception:  # StaleElementReference, or the inspector's "node does not belong to the document"
            return True
    return check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """A seeded database and a running `outreach serve`; a context manager."""

    def __init__(self, base_url_scheme="http"):
        self.dir = tempfile.mkdtemp(prefix="outreach-browser-")
        self.db = os.path.join(self.dir, "outreach.db")
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        # The configured public URL decides the Secure cookie flag; "https" runs the server as if behind TLS.
        self.public_base = ("https://127.0.0.1:%d" % self.port) if base_url_scheme == "https" else self.base
        self.config = os.path.join(self.dir, "outreach.yaml")
        self.tokens, self.totp_secrets = {}, {}
        self.server = None
        self.browsers = []
        self.screenshots = os.environ.get("OUTREACH_SCREENSHOTS")

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self):
        self._write_config()
        self._seed()
        self._start()
        return self

    def __exit__(self, *exc):
        for b in self.browsers:
            try:
                b.quit()
            except Exception:
                pass
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
        if exc[0] is not None and self.server:
            with open(self.log_path, errors="replace") as f:
                sys.stderr.write("--- outreach serve log ---\n" + f.read()[-4000:])
        shutil.rmtree(self.dir, ignore_errors=True)
        return False

    def _write_config(self):
        with open(os.path.join(SOURCE_DIR, "config", "outreach.yaml"), encoding="utf-8") as f:
            text = f.read()
        text = re.sub(r"(?m)^public_base_url:.*$", "public_base_url: " + self.public_base, text)
        text = re.sub(r"(?m)^database:.*$", "database: " + self.db, text)
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(text)
        shutil.copy(os.path.join(SOURCE_DIR, "config", "keywords.yaml"), self.dir)

    def cli(self, *args, stdin=None, check=True):
        """Runs `outreach --config C --db D ARGS...`; returns its stdout (with check=False, stdout and
        stderr together, for asserting on a refusal)."""
        r = subprocess.run([BINARY, "--config", self.config, "--db", self.db] + list(args), input=stdin,
                           capture_output=True, text=True, cwd=SOURCE_DIR, timeout=120)
        if check and r.returncode != 0:
            raise AssertionError("outreach %s: exit %d\n%s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
        return r.stdout if check else r.stdout + r.stderr

    def _seed(self):
        data = os.path.join(SOURCE_DIR, "config", "data")
        self.cli("municipalities", "load", "--file", os.path.join(data, "municipalities.csv"),
                 "--regions", os.path.join(data, "regions.csv"))
        for name, (kind, scope) in PRINCIPALS.items():
            args = ["principals", "add", name, "--kind", kind] + (["--scope", scope] if scope else [])
            out = self.cli(*args)
            self.tokens[name] = re.search(r"token \(shown once, store it now\): (\S+)", out).group(1)
            self.cli("principals", "set-password", name, stdin=PASSWORD + "\n")
            if kind in SECOND_FACTOR:
                out = self.cli("principals", "reset-totp", name)
                self.totp_secrets[name] = re.search(r"secret: ([A-Z2-7]+)", out).group(1)
        self.cli("contacts", "import", os.path.join(data, "contacts.csv"), "--as", "amira", check=False)

    def _start(self):
        self.log_path = os.path.join(self.dir, "serve.log")
        with open(self.log_path, "w") as log:
            self.server = subprocess.Popen([BINARY, "--config", self.config, "--db", self.db, "serve", "--listen",
                                            "127.0.0.1:%d" % self.port], stdout=log, stderr=subprocess.STDOUT,
                                           cwd=SOURCE_DIR)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.server.poll() is not None:
                with open(self.log_path) as f:
                    raise AssertionError("outreach serve exited: " + f.read())
            try:
                status, _, _ = self.http("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("outreach serve did not answer /healthz within 30 s")

    # -- plain HTTP ------------------------------------------------------------------------------
    def url(self, path):
        return self.base + path

    def http(self, method, path, body=None, headers=None):
        """One request without a browser: (status, headers as a list of pairs, body text)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read().decode("utf-8", errors="replace")
        finally:
            conn.close()

    def api(self, method, path, as_name, payload=None):
        """The JSON API with a principal's bearer token: (status, parsed body or None)."""
        headers = {"Authorization": "Bearer " + self.tokens[as_name]}
        body = None
        if payload is not None:
            body = json.dumps(payload)
            headers["Content-Type"] = "application/json"
        status, _, text = self.http(method, path, body, headers)
        return status, (json.loads(text) if text.strip().startswith(("{", "[")) else None)

    def http_sign_in(self, name, password=PASSWORD, code=None):
        """Signs in through the form without a browser: (status, session cookie header or None, page).
        The TOTP code is the current one for principals that have a secret, unless `code` is given."""
        status, headers, page = self.http("GET", "/sign-in")
        pre = cookie_from(headers, "outreach_pre")
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
        if code is None and name in self.totp_secrets:
            code = self.totp(name)
        body = urllib.parse.urlencode({"_csrf": csrf, "name": name, "password": password, "code": code or "", "next": "/"})
        status, headers, page = self.http("POST", "/sign-in", body, {
            "Cookie": "outreach_pre=" + pre, "Content-Type": "application/x-www-form-urlencoded"})
        session = cookie_from(headers, "outreach_session")
        return status, ("outreach_session=" + session) if session else None, page

    def csrf_for(self, cookie, path="/"):
        """The CSRF token the pages give this session."""
        _, _, page = self.http("GET", path, headers={"Cookie": cookie})
        return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)

    def totp(self, name):
        return totp(self.totp_secrets[name])

    def sign_in_link(self, name):
        """A fresh one-time link for a volunteer (through the CLI), as a local path."""
        out = self.cli("principals", "sign-in-link", name)
        return urllib.parse.urlparse(re.search(r"(https?://\S+/sign-in/link/\S+)", out).group(1)).path

    # -- the browser -----------------------------------------------------------------------------
    def browser(self, viewport="desktop"):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        width, height, mobile = VIEWPORTS[viewport]
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                    "--disable-extensions", "--window-size=%d,%d" % (width, height), "--lang=nl", "--accept-lang=nl-NL,nl"):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": "nl-NL,nl"})
        if os.geteuid() == 0:
            options.add_argument("--no-sandbox")
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        driver.set_page_load_timeout(30)
        driver.viewport = viewport
        self.browsers.append(driver)
        return driver

    def sign_in(self, b, name, password=PASSWORD, expect_ok=True):
        """Signs in through the form (with the TOTP code when the role needs one)."""
        from selenium.webdriver.common.by import By
        b.get(self.url("/sign-in"))
        b.find_element(By.ID, "name").send_keys(name)
        b.find_element(By.ID, "password").send_keys(password)
        if name in self.totp_secrets:
            b.find_element(By.ID, "code").send_keys(self.totp(name))
        self.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "form[action='/sign-in'] button[type=submit]"))
        if expect_ok:
            if "/sign-in" in b.current_url:
                raise AssertionError("sign-in as %s failed: %s" % (name, b.find_element(By.TAG_NAME, "main").text))

    def sign_out(self, b):
        from selenium.webdriver.common.by import By
        self.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button"))

    @staticmethod
    def click_and_wait(b, element):
        """Clicks (a submit button, a link) and waits until the next page replaced this one."""
        from selenium.webdriver.support.ui import WebDriverWait
        from selenium.webdriver.common.by import By
        old = b.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(b, 20).until(_replaced(old))

    @staticmethod
    def submit_and_wait(b, element):
        """Presses Enter on a focused control (keyboard only) and waits for the next page."""
        from selenium.webdriver.support.ui import WebDriverWait
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        old = b.find_element(By.TAG_NAME, "html")
        element.send_keys(Keys.ENTER)
        WebDriverWait(b, 20).until(_replaced(old))

    def axe(self, b):
        """axe-core's violations (WCAG 2.1 A and AA) on the current page, as a list of dicts."""
        if not getattr(b, "_axe_source", None):
            with open(AXE_JS, encoding="utf-8") as f:
                b._axe_source = f.read()
        b.execute_script(b._axe_source)
        b.set_script_timeout(60)
        result = b.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(function (r) { done(r.violations); }, function (e) { done([{id: 'axe-error', help: String(e), nodes: []}]); });",
            AXE_TAGS)
        return result

    @staticmethod
    def screenshot(b, path, max_height=1600):
        """The whole page (up to max_height CSS pixels), not just the viewport, as PNG."""
        metrics = b.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], max_height), "scale": 1}
        shot = b.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    def check_page(self, b, name, test=None):
        """Asserts 0 axe violations on the current page; saves $OUTREACH_SCREENSHOTS/NAME.png
        (phone screenshots get a "-phone" suffix)."""
        violations = self.axe(b)
        if self.screenshots:
            os.makedirs(self.screenshots, exist_ok=True)
            suffix = "-phone" if getattr(b, "viewport", "") == "phone" else ""
            self.screenshot(b, os.path.join(self.screenshots, name + suffix + ".png"))
        if violations:
            lines = []
            for v in violations:
                targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])][:5]
                lines.append("%s: %s (%s)" % (v["id"], v["help"], "; ".join(targets)))
            raise AssertionError("axe on %s (%s): %d violation(s)\n  %s" % (name, b.current_url, len(violations),
                                                                          "\n  ".join(lines)))


class SiteTest(unittest.TestCase):
    """A test class whose cases share one Site (self.site), started once for the class."""
    site_options = {}

    @classmethod
    def setUpClass(cls):
        cls.site = Site(**cls.site_options).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.site.__exit__(None, None, None)


def main():
    """Runs the calling file's unittest cases after checking the tools (skip: exit 77)."""
    require_tools()
    unittest.main(module="__main__", verbosity=2)
