"""The browser app's logic without a browser: the calculator, the day and bid screens, the API.

Numbers are checked against hand computations (Erlang C of the worked example) and against
the library called directly: the app must show the library's results, not its own.
"""

import json
import math
import socket
import sys

import numpy as np
import pytest

from staffing import erlang
from staffing.app import bid as bid_screen
from staffing.app import calculator, day
from staffing.app.jobs import Job
from staffing.cli import main
from staffing.errors import InputError
from staffing.plan import erlang_requirement, evaluate_schedule
from staffing.whatif import apply_variant

# ------------------------------------------------------------------ calculator


def test_calculator_worked_example_by_hand():
    # 100 calls in 30 min, AHT 3 min: a = 10 Erlang. With 14 agents Erlang C gives
    # C(14, 10) = 0.174132 (Erlang B recursion B(14, 10) = 0.056819, then
    # C = B / (1 - rho (1 - B)) with rho = 10/14), so
    # SL(20 s) = 1 - C exp(-(14 - 10) 20 / 180) = 0.88835 and ASA = C 180 / 4 = 7.836 s
    form = {"calls": "100", "aht": "3min", "interval": "30min", "patience": "", "agents": "14"}
    out = calculator.calculate(form)
    assert out["errors"] == {}
    assert out["load"] == pytest.approx(10.0)
    c = out["table"]["C"]
    assert c["p_wait"] == pytest.approx(0.174132, abs=1e-6)
    assert c["service_level"] == pytest.approx(0.88835, abs=1e-5)
    assert c["asa"] == pytest.approx(7.836, abs=1e-3)
    assert c["occupancy"] == pytest.approx(10 / 14)
    assert "A" not in out["table"]  # no patience: Erlang C only


def test_calculator_shows_the_library_numbers_for_both_models():
    form = {"calls": "240", "aht": "5min", "interval": "30min", "sl": "90/15"}
    form |= {"patience": "2min", "shrinkage": "25%", "max_occupancy": "85%", "abandon": "4%"}
    out = calculator.calculate(form)
    kwargs = {"interval": 1800, "service_level": 0.9, "threshold": 15, "max_occupancy": 0.85}
    need_c = erlang.required_agents(240, 300, **kwargs)
    need_a = erlang.required_agents(240, 300, patience=120, abandon_rate=0.04, **kwargs)
    assert out["required"] == {"C": need_c, "A": need_a}
    assert out["scheduled"]["A"] == math.ceil(need_a / 0.75)
    assert out["agents"] == need_a  # the slider starts at the requirement
    counts = np.array(out["curves"]["agents"])
    k = erlang.kpis(240, 300, counts, interval=1800, threshold=15, patience=120)
    unstable = ~np.isfinite(k.asa)
    shown = np.array([np.nan if v is None else v for v in out["curves"]["A"]["asa"]])
    np.testing.assert_allclose(shown[~unstable], k.asa[~unstable])
    assert np.isnan(shown[unstable]).all()
    assert counts[0] <= 40 <= need_c <= counts[-1]  # the curves span the load and beyond


def test_calculator_unstable_queue_shows_no_number_and_valid_json():
    out = calculator.calculate({"calls": "100", "aht": "3min", "agents": "9", "patience": ""})
    assert out["table"]["C"]["asa"] is None  # 9 agents < 10 Erlang: no finite wait
    json.dumps(out, allow_nan=False)


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("calls", "-3", "calls = '-3'; give a number of calls >= 0"),
        ("aht", "3x", "aht = '3x'"),
        ("sl", "80/", "sl = '80/'"),
        ("shrinkage", "100%", "shrinkage = 1; shrinkage must be >= 0 and below 100%"),
        ("patience", "0", "patience = '0'; patience must be > 0 seconds"),
        ("agents", "2.5", "agents = '2.5'; give a whole number of agents >= 1"),
        ("max_occupancy", "0%", "max_occupancy"),
    ],
)
def test_calculator_names_each_bad_field(field, text, expected):
    out = calculator.calculate({field: text})
    assert set(out["errors"]) == {field}
    assert expected in out["errors"][field]
    assert "\n" not in out["errors"][field]


def test_calculator_reports_every_bad_field_at_once():
    out = calculator.calculate({"calls": "lots", "interval": "30", "aht": ""})
    assert set(out["errors"]) == {"calls", "interval", "aht"}
    assert out["errors"]["interval"] == "interval = '30': 30 s; did you mean \"30min\"?"


# ------------------------------------------------------------------ day


@pytest.fixture(scope="module")
def planned():
    chosen = day.load_day("techsupport_day")
    day.run_plan(chosen)
    return chosen


def test_bundled_scenarios_are_the_plannable_files():
    found = day.bundled_scenarios()
    assert {"ecommerce_weekday", "techsupport_day", "healthcare_week"} <= set(found)
    assert "ecommerce_bid" not in found  # a bid, not a scenario


def test_unknown_scenario_is_one_line():
    with pytest.raises(InputError, match="scenario = 'nope'; choose one of"):
        day.load_day("nope")


def test_upload_bad_csv_names_the_file_row_and_column(tmp_path):
    text = "start,calls,aht\n08:00,10,300\n08:30,-3,300\n"
    with pytest.raises(InputError) as error:
        day.load_day("techsupport_day", ("my forecast.csv", text.encode()))
    message = str(error.value)
    assert message.startswith("my forecast.csv row 3: calls = '-3'")
    assert "staffing-upload" not in message  # never the server's temporary path


def test_upload_replaces_the_forecast_keeping_the_operation():
    text = "start,calls,aht\n" + "".join(f"{h:02d}:00,{40 + h},600\n" for h in range(8, 20))
    loaded = day.load_day("techsupport_day", ("../../etc/passwd.csv", text.encode()))
    assert loaded.scenario.forecast.source == "passwd.csv"
    assert loaded.scenario.forecast.n_intervals == 12
    assert loaded.scenario.name == "Technical-support desk"
    view = day.overview(loaded)
    assert view["calls_total"] == sum(40 + h for h in range(8, 20))
    assert view["labels"][0] == "08:00"


def test_upload_of_a_day_to_a_week_scenario_does_not_wrap_around():
    # the healthcare week repeats (whole 24-hour weeks); one uploaded day does not
    week = day.load_day("healthcare_week")
    assert week.scenario.rules.cyclic
    text = "start,calls,aht\n" + "".join(f"{h:02d}:00,{40 + h},400\n" for h in range(24))
    one = day.load_day("healthcare_week", ("day.csv", text.encode()))
    assert not one.scenario.rules.cyclic


def test_plan_view_is_the_plans_kept_round(planned):
    view = day.plan_view(planned)
    best = planned.plan.best
    assert view["erlang"] == erlang_requirement(planned.scenario).agents.tolist()
    assert view["required"] == best.requirement.tolist()
    assert view["totals"]["cost"] == pytest.approx(best.cost)
    assert [c["status"] for c in view["checks"]] == ["met"] * len(view["checks"])
    json.dumps(view, allow_nan=False)


def test_whatif_without_change_is_the_plan_itself(planned):
    # same schedule, same scenario, same seed and replications: the plan's own simulation
    out = day.whatif(planned, {})
    assert out["variant"] == "no change"
    assert out["base"] == out["other"]
    sim = planned.scenario.simulation
    assert sim.replications == day.WHATIF_REPLICATIONS
    day_kpis = planned.plan.best.simulation.day
    assert out["base"]["totals"]["service_level"] == pytest.approx(
        day_kpis.loc["service_level", "mean"]
    )


def test_whatif_volume_is_the_library_variant_on_common_random_numbers(planned):
    out = day.whatif(planned, {"volume": "1.2", "aht": "+15s"})
    changed = apply_variant(planned.scenario, {"volume": 1.2, "aht": 15.0})
    seed = planned.scenario.simulation.seed
    expected = evaluate_schedule(changed, planned.plan.best, replications=20, seed=seed)
    assert out["other"]["totals"]["service_level"] == pytest.approx(expected.totals.service_level)
    assert out["other"]["required"] == expected.requirement.tolist()
    base, other = out["base"]["totals"], out["other"]["totals"]
    assert other["offered"] == pytest.approx(1.2 * base["offered"], rel=0.03)
    assert other["service_level"] < base["service_level"]
    # the same schedule: the same scheduled hours; busier, it runs more overtime past shift ends
    assert other["paid_hours"] == pytest.approx(expected.paid_hours)
    assert expected.scheduled_paid_hours == pytest.approx(planned.plan.best.scheduled_paid_hours)
    assert other["paid_hours"] > base["paid_hours"]


@pytest.mark.parametrize(
    ("form", "key", "expected"),
    [
        ({"volume": "abc"}, "volume", "volume = 'abc': expected a number"),
        ({"aht": "-20min"}, "aht", "AHT must stay > 0"),
        ({"fcr": "0%"}, "fcr", "fcr"),
        ({"shrinkage": "100%"}, "shrinkage", "shrinkage must be >= 0 and below 100%"),
    ],
)
def test_whatif_names_the_bad_slider(planned, form, key, expected):
    out = day.whatif(planned, form)
    assert list(out["errors"]) == [key]
    assert expected in out["errors"][key]


def test_report_files_are_those_of_staffing_plan(planned, tmp_path):
    from staffing.report.output import PLAN_FILES

    files = day.report_files(planned, tmp_path / "report")
    assert sorted(files) == sorted(PLAN_FILES)
    assert "Technical-support desk" in files["summary.md"].read_text()


# ------------------------------------------------------------------ jobs and bid


def test_job_cancel_stops_the_work_at_its_next_step():
    import threading

    stepped = threading.Event()

    def work(progress):
        for i in range(1000):
            progress("counting", i, 1000)
            stepped.set()
            threading.Event().wait(0.01)
        return "finished"

    job = Job(work)
    stepped.wait(5)
    job.cancel()
    job.wait(5)
    assert job.state()["status"] == "cancelled"
    assert job.result is None


def test_job_reports_a_users_mistake_as_its_message():
    def work(progress):
        raise InputError("volume = -1; volume must be > 0")

    job = Job(work)
    job.wait(5)
    assert job.state()["status"] == "error"
    assert job.state()["error"] == "volume = -1; volume must be > 0"


def test_bid_defaults_give_back_the_bid_file():
    loaded = bid_screen.load()
    same, errors = bid_screen.terms(loaded, bid_screen.defaults(loaded))
    assert errors == {}
    assert same.sla == loaded.sla
    assert same.margin == pytest.approx(loaded.margin)
    assert same.plan_service_levels == loaded.plan_service_levels
    assert same.billing_unit == loaded.billing_unit


def test_bid_terms_apply_and_bad_ones_are_named():
    loaded = bid_screen.load()
    changed, errors = bid_screen.terms(
        loaded, {"margin": "25%", "billing_unit": "contact", "sla": "90/30", "options": "85%"}
    )
    assert errors == {}
    assert (changed.margin, changed.billing_unit) == (0.25, "contact")
    assert (changed.sla.service_level, changed.sla.threshold) == (0.9, 30.0)
    assert changed.plan_service_levels == (0.85,)
    _, errors = bid_screen.terms(
        loaded, {"margin": "100%", "billing_unit": "cow", "options": "80%, 120%", "days": "5"}
    )
    assert set(errors) == {"margin", "billing_unit", "options", "days"}
    assert "margin must be below 100%" in errors["margin"]
    assert "choose one of hour, productive_hour" in errors["billing_unit"]


# ------------------------------------------------------------------ server and command


def _call(url, method="GET", body=None, headers=None):
    """Send one request to the app; return (status, decoded JSON or text)."""
    import urllib.error
    import urllib.request

    data = body if isinstance(body, bytes | None) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, kind = response.status, response.read(), response.headers["content-type"]
    except urllib.error.HTTPError as error:
        status, raw, kind = error.code, error.read(), error.headers["content-type"]
    return status, json.loads(raw) if kind.startswith("application/json") else raw.decode()


def test_api_calculator_and_errors_as_json(app_server):
    url, _ = app_server
    form = {"calls": "100", "aht": "3min", "patience": ""}
    status, out = _call(f"{url}/api/calculator", "POST", form)
    assert status == 200
    assert out["required"] == {"C": erlang.required_agents(100, 180)}
    _, bad = _call(f"{url}/api/calculator", "POST", {"calls": "-1"})
    assert bad["errors"]["calls"].startswith("calls = '-1'")
    status, out = _call(f"{url}/api/calculator", "POST", b"not json")
    assert (status, out) == (400, {"error": "the request's body is not JSON"})


def test_api_unknown_day_and_missing_plan_are_one_line_400(app_server):
    url, _ = app_server
    status, out = _call(f"{url}/api/day/day999/result")
    assert status == 400
    assert out["error"].startswith("day 'day999' is not loaded")
    _, loaded = _call(f"{url}/api/day?scenario=techsupport_day", "POST")
    assert _call(f"{url}/api/day/{loaded['day']}/result") == (
        400,
        {"error": "no plan yet: run the plan first"},
    )


def test_api_upload_message_and_plan_cancel(app_server):
    url, app = app_server
    _, bad = _call(
        f"{url}/api/day?scenario=techsupport_day",
        "POST",
        b"start,calls,aht\n08:00,ten,300\n",
        {"X-Filename": "bad.csv"},
    )
    assert bad["errors"]["upload"].startswith("bad.csv row 2: calls = 'ten'")
    _, loaded = _call(f"{url}/api/day?scenario=ecommerce_weekday", "POST")
    _, job = _call(f"{url}/api/day/{loaded['day']}/plan", "POST")
    _call(f"{url}/api/jobs/{job['id']}/cancel", "POST")
    app.state.workspace.jobs[job["id"]].wait(30)
    assert _call(f"{url}/api/jobs/{job['id']}")[1]["status"] == "cancelled"


def test_static_page_and_chart_library_are_served(app_server):
    url, _ = app_server
    status, page = _call(f"{url}/")
    assert status == 200
    assert 'id="calc-calls"' in page
    assert _call(f"{url}/static/vendor/uPlot.iife.min.js")[0] == 200


def test_cli_app_refuses_a_taken_port(capsys):
    pytest.importorskip("uvicorn")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"staffing: error: --port = {port}: 127.0.0.1:{port} is already in use; give "
        "another with --port N\n"
    )


def test_cli_app_without_the_extra_says_how_to_install_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn now fails
    assert main(["app", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("staffing: error: staffing app needs the [app] extra")
    assert "pip install 'staffing[app]'" in err
    assert err.count("\n") == 1


def test_the_server_keeps_the_latest_days_only():
    pytest.importorskip("starlette")
    from staffing.app.server import KEPT, Workspace

    space = Workspace()
    try:
        for i in range(KEPT + 5):
            space.keep(space.days, f"day{i}", i)
        assert list(space.days) == [f"day{i}" for i in range(5, KEPT + 5)]
    finally:
        space.close()
