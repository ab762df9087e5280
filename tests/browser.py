"""Debian's headless Chromium driven by selenium, for the explorer's tests and screenshots.

Selenium is pointed at ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (packages ``chromium`` and
``chromium-driver``), so nothing is downloaded. Chromium's own background traffic (updates, sync, field trials) is
switched off, and the page's console and network requests are logged so that a test can check that it made no
request outside the server it was given.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

CHROMIUM = Path(os.environ.get("EVENTKG_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("EVENTKG_CHROMEDRIVER", "/usr/bin/chromedriver"))
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-default-apps", "--disable-extensions", "--metrics-recording-only", "--disable-dev-shm-usage",
         "--hide-scrollbars", "--force-device-scale-factor=1")


def available() -> str | None:
    """None when Chromium and ChromeDriver are installed; otherwise what is missing."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]
    return f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver)" if missing else None


class Browser:
    """One headless Chromium with a fresh profile, its console and network log readable between steps."""

    def __init__(self, width: int = 1400, height: int = 1000):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="eventkg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument(f"--window-size={width},{height}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        self.driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        self.driver.set_page_load_timeout(60)

    def console_errors(self) -> list[str]:
        """Console messages at level SEVERE since the last call (uncaught errors, failed loads included)."""
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since the last call (DevTools Network.requestWillBeSent)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
