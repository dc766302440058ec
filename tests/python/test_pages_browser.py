"""The demo pages in a real browser: headless Chromium (Debian's package, installed by
scripts/test) opens them with no console error and no network request, and a screenshot
shows the spine charts and the map drawn where the page puts them.

Chromium is driven over the DevTools protocol on the loopback address only."""

import base64
import io
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import websocket
from PIL import Image

import wijkprofiel

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("profiles")
    wijkprofiel.build().write(out)
    return out / "pages"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    assert CHROMIUM, "chromium is installed by scripts/test (apt-get install chromium)"
    port = free_port()
    profile = tmp_path_factory.mktemp("chromium")
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--disable-sync",
         "--disable-component-update", "--disable-default-apps",
         f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
         f"--user-data-dir={profile}", "--window-size=1200,2000", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


class Tab:
    """One browser tab over the DevTools protocol."""

    def __init__(self, port: int):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
        target = json.loads(urllib.request.urlopen(request, timeout=10).read())
        self.ws = websocket.create_connection(target["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, seconds: float = 30):
        deadline = time.monotonic() + seconds
        while not any(e.get("method") == event for e in self.events):
            assert time.monotonic() < deadline, f"no {event}"
            self.events.append(json.loads(self.ws.recv()))

    def open(self, url: str):
        for domain in ["Page", "Network", "Runtime", "Log"]:
            self.send(f"{domain}.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]

    def errors(self) -> list[dict]:
        return [e for e in self.events
                if e.get("method") == "Runtime.exceptionThrown"
                or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
                or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]

    def box(self, selector: str) -> dict:
        script = (f"JSON.stringify(document.querySelector({json.dumps(selector)})"
                  ".getBoundingClientRect())")
        result = self.send("Runtime.evaluate", expression=script, returnByValue=True)
        return json.loads(result["result"]["value"])

    def shot(self, box: dict) -> Image.Image:
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"], "scale": 1}
        data = self.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
        return Image.open(io.BytesIO(base64.b64decode(data["data"]))).convert("RGB")

    def close(self):
        self.ws.close()


def colours(image: Image.Image) -> set:
    return {colour for _, colour in image.getcolors(maxcolors=1 << 24)}


@pytest.mark.parametrize("page", ["index.html", "WK990100.html", "GM9901.html", "BU99070303.html"])
def test_pages_open_without_errors_or_network_requests(browser, pages, page):
    tab = Tab(browser)
    try:
        url = (pages / page).as_uri()
        tab.open(url)
        assert tab.errors() == []
        assert [r for r in tab.requests() if r != url] == [], "no request beyond the page"
    finally:
        tab.close()


def test_the_spine_chart_and_the_map_are_drawn_where_the_page_puts_them(browser, pages):
    tab = Tab(browser)
    try:
        tab.open((pages / "WK990100.html").as_uri())
        spine, chart_map = tab.box("svg.spine"), tab.box("svg.map")
        # The map sits above the spine charts, both inside the page's width.
        assert 100 < chart_map["width"] <= 1200 and chart_map["height"] > 50
        assert spine["width"] == 180 and spine["y"] > chart_map["y"] + chart_map["height"]
        # Drawn: the map shows several shades, the spine its bar, band, line and dot.
        assert len(colours(tab.shot(chart_map))) > 5
        drawn = colours(tab.shot(spine))
        assert len(drawn) > 4
        assert any(max(c) < 80 for c in drawn), "the benchmark line (dark, anti-aliased)"
        pyramid = tab.box("svg.pyramid")
        assert pyramid["height"] > 100 and len(colours(tab.shot(pyramid))) > 3
    finally:
        tab.close()


def test_the_trend_chart_is_drawn_in_its_row_beside_the_spine(browser, pages):
    tab = Tab(browser)
    try:
        tab.open((pages / "WK990100.html").as_uri())
        trend = tab.box("svg.trend")
        row = tab.box("tr:has(svg.trend)")
        spine = tab.box("tr:has(svg.trend) svg.spine")
        # In the first row with a trend, left of its spine chart.
        assert trend["width"] == 120 and trend["height"] == 40
        assert trend["x"] + trend["width"] <= spine["x"]
        for chart in (trend, spine):
            assert row["y"] <= chart["y"] and chart["y"] + chart["height"] <= row["y"] + row["height"]
        # Drawn: the area's dots and line (dark) and the comparators' grey lines.
        drawn = colours(tab.shot(trend))
        assert any(max(c) < 80 for c in drawn), "the area's series"
        assert any(70 < min(c) and max(c) < 200 for c in drawn), "a comparator's line"
    finally:
        tab.close()


@pytest.mark.parametrize("page, most", [("WK990100.html", 2), ("GM9901.html", 3), ("BU99070303.html", 3)])
def test_an_area_prints_on_few_landscape_a4_pages(browser, pages, page, most):
    # A wijk's profile on two pages (a gemeente's and a buurt's definitions take a third).
    tab = Tab(browser)
    try:
        tab.open((pages / page).as_uri())
        printed = tab.send("Page.printToPDF", preferCSSPageSize=True, printBackground=True)
        pdf = base64.b64decode(printed["data"])
        sheets = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert 1 <= len(sheets) <= most, f"{len(sheets)} pages"
        for width, height in sheets:
            # A4 landscape in points: 842 × 595.
            assert abs(float(width) - 841.9) < 2 and abs(float(height) - 595.3) < 2
    finally:
        tab.close()


def test_the_map_shows_the_colours_of_its_legend_and_names_its_areas(browser, pages):
    tab = Tab(browser)
    try:
        tab.open((pages / "WK990100.html").as_uri())
        chart_map, legend = tab.box("section.map svg.map"), tab.box("section.map p.key")
        # The legend right under the map.
        assert chart_map["y"] + chart_map["height"] <= legend["y"] < chart_map["y"] + chart_map["height"] + 40
        script = ("JSON.stringify([...document.querySelectorAll('section.map p.key i.sw')]"
                  ".map(e => getComputedStyle(e).backgroundColor))")
        swatches = json.loads(tab.send("Runtime.evaluate", expression=script, returnByValue=True)["result"]["value"])
        drawn = colours(tab.shot(chart_map))
        assert len(swatches) >= 2
        for swatch in swatches:
            rgb = tuple(int(v) for v in re.findall(r"\d+", swatch)[:3])
            assert rgb in drawn, f"{swatch} is in the legend but not on the map"
        # Names inside the map, each within its area's shape box.
        script = ("JSON.stringify([...document.querySelectorAll('section.map text.ml')].map(t => {"
                  "const r = t.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }))")
        names = json.loads(tab.send("Runtime.evaluate", expression=script, returnByValue=True)["result"]["value"])
        assert len(names) >= 5
        for x, y, w, h in names:
            assert chart_map["x"] <= x and x + w <= chart_map["x"] + chart_map["width"]
            assert chart_map["y"] <= y and y + h <= chart_map["y"] + chart_map["height"]
    finally:
        tab.close()
