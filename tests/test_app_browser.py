"""The browser app in a real browser: Debian's Chromium driven by Playwright, headless.

Each test loads a screen of the app (served on a free port of 127.0.0.1 in this process),
changes inputs as a person would, and checks the numbers on the page against the library's
own results. Skipped, saying why, when Chromium or Playwright is missing; ``.ci/run``
installs Chromium. No browser is ever downloaded.
"""

from pathlib import Path

import pytest

from staffing import erlang
from staffing.plan import evaluate_schedule
from staffing.whatif import apply_variant

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need Playwright (the dev extra)"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, app_server):
    url, _ = app_server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    tab.wait_for_function("document.body.dataset.calcSeq >= 1")
    yield tab
    context.close()
    assert errors == []  # no script error on the page


def pct(value: float, digits: int = 1) -> str:
    """A share as the page writes it (app.js ``pct``)."""
    return f"{100 * value:.{digits}f}%"


def _calc_seq(page) -> int:
    return int(page.evaluate("document.body.dataset.calcSeq"))


def _after(page, action, seq_name: str = "calcSeq") -> None:
    """Run ``action``, then wait until the page has drawn a newer answer."""
    before = int(page.evaluate(f"document.body.dataset.{seq_name} || 0"))
    action()
    page.wait_for_function(f"(document.body.dataset.{seq_name} || 0) > {before}")


def _slide(page, selector: str, value: float) -> None:
    page.eval_on_selector(
        selector, f"e => {{ e.value = {value}; e.dispatchEvent(new Event('input')); }}"
    )


def test_calculator_shows_the_library_requirement_and_kpis(page):
    # the defaults: 120 calls in 30 min, AHT 4 min, 80/20, patience 3 min
    need_c = erlang.required_agents(120, 240, interval=1800, service_level=0.8, threshold=20)
    need_a = erlang.required_agents(120, 240, interval=1800, patience=180)
    assert page.inner_text("#calc-req-C") == str(need_c)
    assert page.inner_text("#calc-req-A") == str(need_a)
    assert page.inner_text("#calc-load") == "16.00"

    _after(page, lambda: _slide(page, "#calc-agents", 17))
    a = erlang.kpis(120, 240, 17, interval=1800, threshold=20, patience=180)
    c = erlang.kpis(120, 240, 17, interval=1800, threshold=20)
    assert page.inner_text("#calc-agents-value") == "17"
    assert page.inner_text("#calc-A-service_level") == pct(a.service_level)
    assert page.inner_text("#calc-A-abandon_rate") == pct(a.abandon_rate)
    assert page.inner_text("#calc-C-service_level") == pct(c.service_level)
    assert page.inner_text("#calc-C-asa") == f"{c.asa:.1f} s"

    _after(page, lambda: page.fill("#calc-calls", "300"))  # the slider's 17 agents stay
    assert page.inner_text("#calc-agents-value") == "17"
    assert page.inner_text("#calc-C-asa") == "—"  # 40 Erlangs on 17 agents: no finite wait
    _after(page, lambda: page.click("#calc-agents-reset"))
    need = erlang.required_agents(300, 240, interval=1800, patience=180)
    assert page.inner_text("#calc-agents-value") == str(need)


def test_calculator_bad_input_beside_the_field(page):
    _after(page, lambda: page.fill("#calc-aht", "4 parsecs"))
    message = page.inner_text("#calc-aht-err")
    assert message.startswith("aht = '4 parsecs'")
    assert "bad" in page.get_attribute("#calc-aht", "class")
    assert page.inner_text("#calc-calls-err") == ""
    _after(page, lambda: page.fill("#calc-aht", "4min"))
    assert page.inner_text("#calc-aht-err") == ""


def _load_day(page, scenario: str) -> None:
    page.click("#tab-day")
    page.wait_for_selector(f"#day-scenario option[value={scenario}]", state="attached")
    page.select_option("#day-scenario", scenario)


def test_day_upload_of_a_bad_csv_shows_the_row_and_column(page):
    _load_day(page, "techsupport_day")
    bad = b"start,calls,aht\n08:00,20,600\n08:30,25,-5\n"
    page.set_input_files(
        "#day-upload", files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.click("#day-load")
    page.wait_for_function("document.body.dataset.dayLoaded == 'error'")
    message = page.inner_text("#day-upload-err")
    assert message.startswith("bad.csv row 3: aht = '-5';")
    assert page.is_disabled("#day-plan")


def test_day_plan_and_whatif_side_by_side(page, app_server):
    _, app = app_server
    _load_day(page, "techsupport_day")
    page.click("#day-load")
    page.wait_for_function("document.body.dataset.dayLoaded == 'ok'")
    page.click("#day-plan")
    page.wait_for_function("document.body.dataset.dayJob == 'done'", timeout=60_000)
    page.wait_for_function("document.body.dataset.whatifSeq >= 1", timeout=30_000)
    day = list(app.state.workspace.days.values())[-1]
    best = day.plan.best
    checks = page.inner_text("#day-checks")
    assert pct(best.totals.service_level) in checks
    assert f"{best.totals.cost:,.0f}" in page.inner_text("#day-costs")
    assert "summary.md" in page.inner_text("#day-downloads")

    _after(page, lambda: _slide(page, "#wi-volume", 1.15), "whatifSeq")
    changed = apply_variant(day.scenario, {"volume": 1.15})
    seed = day.scenario.simulation.seed
    variant = evaluate_schedule(changed, best, replications=20, seed=seed).totals
    rows = {
        r.split("\t")[0]: r.split("\t")[1:] for r in page.inner_text("#wi-table tbody").split("\n")
    }
    assert rows["service level"] == [pct(best.totals.service_level), pct(variant.service_level)]
    assert rows["abandoned"] == [pct(best.totals.abandon_rate), pct(variant.abandon_rate)]


def test_day_plan_cancel(page):
    _load_day(page, "ecommerce_weekday")
    page.click("#day-load")
    page.wait_for_function("document.body.dataset.dayLoaded == 'ok'")
    page.click("#day-plan")
    page.wait_for_function("document.body.dataset.dayJob == 'running'")
    page.click("#day-cancel")
    page.wait_for_function("document.body.dataset.dayJob == 'cancelled'", timeout=30_000)
    assert page.inner_text("#day-status").startswith("cancelled after")
    assert page.is_enabled("#day-plan")


SMALL_BID = """
name = "Small desk bid"
scenario = "techsupport_day.toml"
[volume]
monthly = 20000
week = { mon = 1, tue = 1, wed = 1, thu = 1, fri = 1, sat = 0, sun = 0 }
[sla]
service_level = "80/60"
credit = { per_point = "1%", cap = "10%" }
[price]
billing_unit = "hour"
margin = "15%"
[risk]
plan_service_levels = ["80%", "90%"]
days = 20
months = 200
seed = 3
"""


@pytest.fixture
def small_bid(tmp_path, monkeypatch):
    """The bid screen on a one-day-type bid over the support desk: one plan per option."""
    from staffing.app import bid as bid_screen

    simulations = Path(__file__).parents[1] / "simulations"
    for name in ("techsupport_day.toml", "techsupport_day.csv"):
        (tmp_path / name).write_bytes((simulations / name).read_bytes())
    (tmp_path / "bid.toml").write_text(SMALL_BID)
    monkeypatch.setattr(bid_screen, "BID_FILE", tmp_path / "bid.toml")


def test_bid_prices_one_option_and_names_bad_terms(small_bid, page, app_server):
    _, app = app_server
    page.click("#tab-bid")
    page.wait_for_selector("#bid-billing_unit option", state="attached")
    page.fill("#bid-margin", "100%")
    page.click("#bid-price")
    page.wait_for_function("document.body.dataset.bidJob == 'invalid'")
    assert "the margin must be below 100%" in page.inner_text("#bid-margin-err")

    assert page.input_value("#bid-options") == "80%, 90%"
    page.fill("#bid-margin", "20%")
    page.fill("#bid-options", "85%")
    page.click("#bid-price")
    page.wait_for_function("document.body.dataset.bidShown", timeout=60_000)
    job = app.state.workspace.jobs[page.evaluate("document.body.dataset.bidShown")]
    rec = job.result.recommended
    assert [o.plan_service_level for o in job.result.options] == [0.85]
    assert page.inner_text("#bid-rec-price") == f"{rec.risk_adjusted_price:,.2f} USD"
    assert page.inner_text("#bid-rec-bill") == f"{rec.risk_adjusted_price * rec.units:,.2f} USD"
    assert page.inner_text("#bid-rec-pmiss") == pct(rec.risk.p_miss)
    assert job.result.bid.margin == pytest.approx(0.2)
    assert "bid.md" in page.inner_text("#bid-downloads")

    # a new margin re-prices the same plans at once: price x (1 - 0.2) / (1 - 0.3)
    page.fill("#bid-margin", "30%")
    page.click("#bid-price")
    page.wait_for_function(
        f"document.body.dataset.bidShown && document.body.dataset.bidShown != '{job.id}'",
        timeout=10_000,
    )
    again = app.state.workspace.jobs[page.evaluate("document.body.dataset.bidShown")].result
    assert again.options[0].plans is job.result.options[0].plans
    assert again.recommended.price == pytest.approx(rec.price * 0.8 / 0.7, rel=1e-9)
    assert page.inner_text("#bid-rec-price") == f"{again.recommended.risk_adjusted_price:,.2f} USD"
