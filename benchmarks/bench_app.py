"""Response times of the browser app (issue 15 goals: a calculator change redrawn within
300 ms; a day's what-if, requirements and 20 simulated days, within 2 s; the server answering
while a plan runs).

Starts the app on a free port of 127.0.0.1 in this process and measures:

1. a calculator change, over HTTP (request to JSON) and, when Debian's Chromium and
   Playwright are present, in the page (from the input event to the KPI table and the four
   charts redrawn, ``window.calcMs``);
2. a what-if of the bundled e-commerce day (96 intervals, ~20,000 calls) after its plan:
   the variant's Erlang requirement and 20 simulated days of the kept schedule, over HTTP;
3. calculator requests while that day's plan runs in the server.

Run: PYTHONPATH=. python benchmarks/bench_app.py
"""

import json
import os
import statistics
import threading
import time
import urllib.request
from pathlib import Path

from staffing.app import serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def start() -> str:
    ready = threading.Event()
    url = []

    def started(address: str) -> None:
        url.append(address.rstrip("/"))
        ready.set()

    threading.Thread(
        target=serve, kwargs={"port": 0, "open_browser": False, "started": started}, daemon=True
    ).start()
    ready.wait(60)
    return url[0]


def call(url: str, method: str = "GET", body: object = None) -> tuple[float, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    t0 = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        out = json.loads(response.read())
    return time.perf_counter() - t0, out


def summary(name: str, seconds: list[float]) -> None:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"{name:<58} median {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  (n={len(ms)})")


def calculator_http(url: str) -> None:
    call(f"{url}/api/calculator", "POST", {})  # warm up
    times = []
    for i in range(60):
        form = {"calls": str(100 + 7 * i), "aht": "4min", "patience": "3min", "agents": ""}
        times.append(call(f"{url}/api/calculator", "POST", form)[0])
    summary("calculator change, HTTP (Erlang C and A, ~30 counts)", times)
    big = []
    for i in range(20):
        form = {"calls": str(5000 + 11 * i), "aht": "5min", "patience": "3min"}
        big.append(call(f"{url}/api/calculator", "POST", form)[0])
    summary("calculator change, HTTP, 5,000 calls (~830 Erlang)", big)


def calculator_browser(url: str) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("calculator in the page: skipped (Playwright is not installed)")
        return
    if not CHROMIUM.exists():
        print("calculator in the page: skipped (no /usr/bin/chromium)")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_function("document.body.dataset.calcSeq >= 1")
        times = []
        for i in range(30):
            before = int(page.evaluate("document.body.dataset.calcSeq"))
            page.fill("#calc-calls", str(150 + 3 * i))
            page.wait_for_function(f"document.body.dataset.calcSeq > {before}")
            # calcMs counts from the input event, the 40 ms typing pause included
            times.append(page.evaluate("window.calcMs") / 1000)
        summary("calculator change in Chromium, input to redrawn page", times)
        browser.close()


def day(url: str) -> None:
    _, loaded = call(f"{url}/api/day?scenario=ecommerce_weekday", "POST")
    key = loaded["day"]
    t0 = time.perf_counter()
    _, job = call(f"{url}/api/day/{key}/plan", "POST")
    busy = []
    while True:
        form = {"calls": str(200 + len(busy)), "aht": "4min", "patience": "3min"}
        busy.append(call(f"{url}/api/calculator", "POST", form)[0])
        _, state = call(f"{url}/api/jobs/{job['id']}")
        if state["status"] != "running":
            break
        time.sleep(0.1)
    print(
        f"{'plan of the e-commerce day (96 intervals), in the server':<58} {state['seconds']:.1f} s"
    )
    summary("calculator change while that plan runs, HTTP", busy)
    call(f"{url}/api/day/{key}/whatif", "POST", {})  # the base side, simulated once
    times = []
    for volume in ("0.9", "1.05", "1.1", "1.2", "1.3"):
        for aht in ("-15s", "+15s"):
            times.append(
                call(f"{url}/api/day/{key}/whatif", "POST", {"volume": volume, "aht": aht})[0]
            )
    summary("what-if of that day (requirements + 20 days), HTTP", times)
    print(f"(whole day section: {time.perf_counter() - t0:.1f} s)")


def main() -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = start()
    calculator_http(url)
    calculator_browser(url)
    day(url)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
