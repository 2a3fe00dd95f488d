"""Shared test configuration: Hypothesis profiles; a small desk; a log with known staffing.

``CI`` set in the environment (as ``.ci/run`` does) loads the derandomized ``ci`` profile, so
a CI run is reproducible; otherwise ``dev`` keeps Hypothesis's random search. Neither has a
deadline: the first call of a vectorized numpy path can be slow for reasons unrelated to the
code under test.
"""

import os

import numpy as np
import pytest
from hypothesis import settings
from numpy.typing import NDArray

from staffing.callers import CallerBehaviour
from staffing.forecast import Forecast
from staffing.history.log import ContactLog
from staffing.history.synthetic import simulated_log
from staffing.requirements import ServiceTargets, compute_requirements
from staffing.scenario import load_scenario

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# a small desk: 16 half-hour intervals, one 4-hour shift pattern, a few replications
SCENARIO = """
name = "small desk"
[forecast]
file = "f.csv"
[targets]
service_level = "80/20"
abandon_rate = "10%"
[callers]
patience = "2min"
[staffing]
shrinkage = "20%"
[[shifts]]
name = "four hours"
length = "4h"
starts = { from = "08:00", to = "12:00", every = "30min" }
[costs]
hourly_wage = 20.0
[simulation]
replications = 4
seed = 5
rounds = 0
"""
CALLS = [30, 60, 90, 90, 60, 40, 40, 30, 30, 60, 80, 80, 60, 40, 30, 20]  # 08:00-16:00


@pytest.fixture(scope="module")
def desk_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    rows = "\n".join(f"{8 + i // 2:02d}:{30 * (i % 2):02d},{c},240" for i, c in enumerate(CALLS))
    (folder / "f.csv").write_text("start,calls,aht\n" + rows + "\n")
    path = folder / "desk.toml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture(scope="module")
def desk(desk_path):
    return load_scenario(desk_path)


def _staffed_log(
    calls_per_day: float, days: int, seed: int
) -> tuple[ContactLog, Forecast, NDArray]:
    """A log written by the simulator with KNOWN staffing, as ``simulations/make_history.py``.

    Days 08:00-14:00 from Monday 2026-03-02 in 30-min intervals with a 10:00 peak, staffed for
    80 % answered in 20 s (Erlang A, patience 120 s); exponential patience of mean 120 s,
    lognormal handle times of mean 300 s and CV 0.6. Returns the log, its forecast and the
    agents staffed per interval.
    """
    k = np.arange(12)
    shape = 0.3 + np.exp(-(((k - 4) / 2.0) ** 2))
    one = Forecast(
        start=np.datetime64("2026-03-02T08:00") + k * np.timedelta64(1800, "s"),
        calls=calls_per_day * shape / shape.sum(),
        aht=np.full(12, 300.0),
        interval=1800,
    )
    targets = ServiceTargets(service_level=0.8, threshold=20.0)
    agents = np.tile(compute_requirements(one, targets, patience=120.0).agents, days)
    forecast = Forecast(
        start=np.concatenate([one.start + np.timedelta64(d, "D") for d in range(days)]),
        calls=np.tile(one.calls, days),
        aht=np.full(12 * days, 300.0),
        interval=1800,
    )
    callers = CallerBehaviour(patience=120.0, handle_distribution="lognormal", handle_cv=0.6)
    return simulated_log(forecast, agents, callers, seed=seed), forecast, agents


@pytest.fixture(scope="session")
def staffed_log():
    """Build a simulated log with known staffing: ``staffed_log(calls_per_day, days, seed)``."""
    return _staffed_log


@pytest.fixture(scope="module")
def app_server():
    """Serve the browser app on a free port of 127.0.0.1 in a thread; yield (url, app).

    Skipped without the ``[app]`` extra. The app runs in this process, so a test can read
    what the server holds (``app.state.workspace``) and compare it with the library.
    """
    pytest.importorskip("starlette")
    uvicorn = pytest.importorskip("uvicorn")
    import threading

    from staffing.app.server import create_app

    app = create_app()
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the app's server did not start")
        threading.Event().wait(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", app
    server.should_exit = True
    thread.join(10)
