"""`outreach demo --serve`, as a newcomer uses it: the demo runs, the server keeps serving its
database, and each printed sign-in link opens its role's pages. For every role, every page its
navigation reaches (and the first few pages linked from each of them, such as a case or a campaign)
loads with 0 axe-core violations (WCAG 2.1 A and AA) on the demo's data, and each link works once.
"""
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import fixture  # noqa: E402
from fixture import BINARY, SOURCE_DIR, Site  # noqa: E402

ROLES = ["coordinator", "approver", "municipality Rotterdam", "regional hub Rijnmond", "national fallback",
         "peer volunteer"]
DETAIL_LINKS_PER_PAGE = 3
SKIP_PATHS = ("/sign-out", "/sign-in", "/static/", "/lang")


def submit_and_settle(b, button):
    """Clicks a submit button and waits until the next page has loaded (the answer to a refused
    link may be the same URL, so staleness alone is not the test)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    marker = "outreach-test-%d" % time.time_ns()
    b.execute_script("document.documentElement.dataset.testMarker = arguments[0];", marker)
    button.click()

    def settled(driver):
        try:
            return (driver.execute_script("return document.documentElement.dataset.testMarker || ''") != marker
                    and driver.execute_script("return document.readyState") == "complete")
        except WebDriverException:
            return False
    WebDriverWait(b, 20).until(settled)


class DemoSite(Site):
    """`outreach demo --serve` in a temporary directory instead of a seeded `serve`."""

    def __enter__(self):
        self.db = os.path.join(self.dir, "demo.db")
        self.log_path = os.path.join(self.dir, "demo.log")
        self.links = {}
        with open(self.log_path, "w") as log:
            self.server = subprocess.Popen([BINARY, "--db", self.db, "demo", "--serve", "--listen",
                                            "127.0.0.1:%d" % self.port], stdout=subprocess.PIPE, stderr=log,
                                           cwd=SOURCE_DIR, text=True)
        role = None
        deadline = time.time() + 480
        for line in self.server.stdout:
            if time.time() > deadline:
                break
            text = line.strip()
            link = re.match(r"(http://\S+/sign-in/link/\S+)$", text)
            if link and role:
                self.links[role] = urllib.parse.urlparse(link.group(1)).path
            elif ":" in text:
                role = text.split(":")[0]
            if text.startswith("Serving "):
                break
        # Keep reading what the server prints, so a full pipe never blocks it.
        threading.Thread(target=lambda: [None for _ in self.server.stdout], daemon=True).start()
        if self.server.poll() is not None:
            raise AssertionError("outreach demo --serve exited: %s" % open(self.log_path).read()[-2000:])
        for _ in range(300):
            try:
                if self.http("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("outreach demo --serve did not answer /healthz")


class DemoServe(unittest.TestCase):
    def assert_not_error(self, b):
        from selenium.webdriver.common.by import By
        h1 = b.find_elements(By.TAG_NAME, "h1")
        self.assertFalse(h1 and h1[0].text in ("Foutmelding", "Error"),
                         "%s shows an error page: %s" % (b.current_url, b.find_element(By.TAG_NAME, "main").text))

    def test_each_roles_link_signs_in_and_every_page_it_reaches_passes_axe(self):
        from selenium.webdriver.common.by import By
        with DemoSite() as site:
            self.assertEqual(sorted(site.links), sorted(ROLES), "one link per role")
            for role in ROLES:
                b = site.browser("desktop")
                b.get(site.url(site.links[role]))
                site.click_and_wait(b, b.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
                self.assertNotIn("/sign-in", b.current_url, "%s: %s" % (role, b.find_element(By.TAG_NAME, "main").text))
                slug = re.sub(r"[^a-z]+", "-", role.lower()).strip("-")
                site.check_page(b, "demo-" + slug)
                nav = [a.get_attribute("href") for a in b.find_elements(By.CSS_SELECTOR, "nav a[href]")]
                seen = {urllib.parse.urlparse(b.current_url).path}
                for href in nav:
                    path = urllib.parse.urlparse(href).path
                    if path in seen or path.startswith(SKIP_PATHS) or not href.startswith(site.base):
                        continue
                    seen.add(path)
                    b.get(href)
                    self.assert_not_error(b)
                    site.check_page(b, "demo-" + slug + path.replace("/", "-").rstrip("-"))
                    details = [a.get_attribute("href") for a in b.find_elements(By.CSS_SELECTOR, "main a[href]")]
                    opened = 0
                    for d in details:
                        dpath = urllib.parse.urlparse(d).path
                        if (opened >= DETAIL_LINKS_PER_PAGE or dpath in seen or not d.startswith(site.base)
                                or dpath.startswith(SKIP_PATHS) or re.search(r"\.(csv|xlsx)$|format=", d)):
                            continue
                        seen.add(dpath)
                        opened += 1
                        b.get(d)
                        self.assertNotIn("/sign-in", b.current_url, d)
                        self.assert_not_error(b)
                        site.check_page(b, "demo-" + slug + "-detail")
                b.quit()
                site.browsers.remove(b)
                # A link works once: the same link again does not sign in.
                b = site.browser("desktop")
                b.get(site.url(site.links[role]))
                buttons = b.find_elements(By.CSS_SELECTOR, "main form button[type=submit]")
                if buttons:
                    submit_and_settle(b, buttons[0])
                self.assertIn("/sign-in", b.current_url, role + ": a used link signed in again")
                b.quit()
                site.browsers.remove(b)


if __name__ == "__main__":
    fixture.main()
