"""Shared test configuration: Hypothesis profiles; a small desk scenario for what-if tests.

``CI`` set in the environment (as ``.ci/run`` does) loads the derandomized ``ci`` profile, so
a CI run is reproducible; otherwise ``dev`` keeps Hypothesis's random search. Neither has a
deadline: the first call of a vectorized numpy path can be slow for reasons unrelated to the
code under test.
"""

import os

import pytest
from hypothesis import settings

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
