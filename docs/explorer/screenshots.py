"""Takes the screenshots of docs/explorer.md: the seed article and the few short articles of ``articles.jsonl`` beside
this file ingested into a temporary store, ``eventkg serve`` on a free loopback port, Debian's headless Chromium.

    make web && .venv/bin/python docs/explorer/screenshots.py

Each PNG is then reduced to a 256-colour palette by ``pngquant`` (Debian: ``apt-get install pngquant``), about a
quarter of the size and still legible; without pngquant the screenshots are kept as taken and the script says so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import Browser  # noqa: E402  (tests/browser.py: the same Chromium set-up as the tests)

WAIT = 60


def main() -> None:
    eventkg = [str(Path(sys.executable).parent / "eventkg")]  # the installed command, on this checkout
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "kg"
        subprocess.run([*eventkg, "ingest", "--store", store, REPO / "seeds", HERE / "articles.jsonl"], check=True, env=env)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen([*eventkg, "serve", "--store", store, "--port", str(port)], env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    httpx.get(f"{url}/health").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.5)
            with Browser(width=1280, height=900) as browser:
                take(browser, url)
        finally:
            server.terminate()
            server.wait(30)
    compress(sorted(HERE.glob("*.png")))


def compress(paths: list[Path]) -> None:
    """Palette PNGs by pngquant, in place (quality 65-85: text and the type colours stay sharp)."""
    if shutil.which("pngquant") is None:
        print("pngquant not found (apt-get install pngquant): the screenshots are not compressed")
        return
    for path in paths:
        done = subprocess.run(["pngquant", "--quality=65-85", "--speed=1", "--strip", "--force", "--ext", ".png",
                               str(path)])
        if done.returncode == 99:  # below the quality floor: pngquant leaves the file as taken
            print(f"{path.name}: kept uncompressed (a palette would blur it)")
        elif done.returncode != 0:
            raise SystemExit(f"pngquant failed on {path.name} (exit {done.returncode})")


def take(browser: Browser, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser.driver

    def shown(css: str):
        return WebDriverWait(driver, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, css), css)[0]

    def page(route: str, ready: str, name: str, height: int = 900) -> None:
        driver.set_window_size(1280, height)
        driver.get(url + route)
        shown(ready)
        time.sleep(1)  # the graph layout and map settle
        driver.save_screenshot(str(HERE / f"{name}.png"))

    page("/#/entity/organization/isis", ".network[data-nodes]", "entity", height=1500)
    page("/#/graph?top=150", ".network[data-nodes]", "graph", height=1060)
    page("/#/graph?center=organization/isis&top=25", ".network[data-nodes]", "ego", height=1060)
    driver.set_window_size(1280, 1600)
    driver.get(url + "/#/events")
    shown("svg.map circle")
    shown("svg.chart rect")
    time.sleep(1)
    cards = driver.find_elements(By.CSS_SELECTOR, "section.card")
    next(c for c in cards if c.text.startswith("Events per")).screenshot(str(HERE / "timeline.png"))
    next(c for c in cards if c.text.startswith("Where")).screenshot(str(HERE / "map.png"))
    page("/#/sparql", "select[aria-label='Example queries']", "sparql", height=1100)
    from selenium.webdriver.support.ui import Select

    Select(shown("select[aria-label='Example queries']")).select_by_visible_text(
        "Who killed whom, where and when, and which articles and sentences say so (with confidence)?")
    shown("button.primary").click()
    shown("table.sparql-results tbody tr")
    time.sleep(0.5)
    driver.save_screenshot(str(HERE / "sparql.png"))
    page("/#/article/kabul-airport-2021", "mark.trigger", "article", height=900)
    errors = browser.console_errors()
    outside = [u for u in browser.requested_urls() if u.startswith("http") and not u.startswith(url)]
    if errors or outside:
        raise SystemExit(f"console errors {errors} or requests outside the server {outside}")


if __name__ == "__main__":
    main()
