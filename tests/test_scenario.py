"""Scenario files: the bundled ones load; every mistake is one line naming file and key."""

from pathlib import Path

import pytest

from staffing.errors import InputError
from staffing.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
# bid files (``*_bid.toml``) are read by staffing.pricing, tested in test_pricing.py
BUNDLED = sorted(
    p for p in (ROOT / "simulations").glob("*.toml") if not p.name.endswith("_bid.toml")
)

MINIMAL = """
name = "tiny"
[forecast]
file = "{csv}"
[targets]
service_level = "80/20"
[[shifts]]
name = "day"
length = "4h"
starts = ["08:00"]
"""


@pytest.fixture
def tiny(tmp_path):
    csv = tmp_path / "f.csv"
    csv.write_text("start,calls,aht\n08:00,20,180\n08:30,30,180\n09:00,25,180\n")

    def write(extra: str = "", base: str = MINIMAL) -> Path:
        path = tmp_path / "s.toml"
        path.write_text(base.format(csv=csv.name) + extra)
        return path

    return write


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_scenarios_load(path):
    sc = load_scenario(path)
    assert sc.forecast.n_intervals > 0
    assert sc.patterns
    assert sc.targets.service_level is not None
    assert sc.costs.per_hour > 0


def test_three_scenarios_are_bundled():
    assert {p.name for p in BUNDLED} >= {
        "ecommerce_weekday.toml",
        "techsupport_day.toml",
        "healthcare_week.toml",
    }


def test_values_are_converted_to_seconds_and_shares():
    sc = load_scenario(ROOT / "simulations" / "ecommerce_weekday.toml")
    assert sc.targets.service_level == 0.8
    assert sc.targets.threshold == 20.0
    assert sc.targets.abandon_rate == 0.05
    assert sc.callers.patience == 180.0
    assert sc.shrinkage == 0.15
    # loaded wage of agent and a twelfth of a team lead, 15 % overhead on both, plus the seat
    assert sc.costs.per_hour == pytest.approx((18.0 + 27.0 / 12) * 1.25 * 1.15 + 2.0)
    assert sc.costs.fixed_monthly == 30000
    full = sc.patterns[0]
    assert full.length == 8.5 * 3600
    assert full.starts[0] == 0.0
    assert full.starts[-1] == 15.5 * 3600
    assert len(full.starts) == 32


def test_minimal_scenario_defaults(tiny):
    sc = load_scenario(tiny())
    assert sc.callers.patience is None
    assert sc.shrinkage == 0.0
    assert sc.fte_hours == 8.0
    assert sc.simulation.replications == 20
    assert sc.tolerance == 0.05


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("[targets2]\nx = 1\n", "targets2"),
        ('[callers]\npatiense = "3min"\n', "callers.patiense"),
        ('[callers]\npatience = "3 lightyears"\n', "callers.patience"),
        ("[callers]\npatience = 0\n", "callers.patience"),
        ('[callers]\nhandle_distribution = "weibull"\n', "handle_distribution"),
        ('[callers]\nhandle_distribution = "lognormal"\n', "cv"),
        ('[staffing]\nshrinkage = "100%"\n', "staffing.shrinkage"),
        ("[staffing]\nshrinkage = 30\n", "staffing.shrinkage"),
        ("[costs]\nhourly_wage = -3\n", "costs.hourly_wage"),
        ("[simulation]\nreplications = 1\n", "simulation.replications"),
        ("[simulation]\nseed = 1.5\n", "simulation.seed"),
        ('[schedule]\nmax_headcount = "many"\n', "schedule.max_headcount"),
    ],
)
def test_bad_keys_and_values_name_the_key(tiny, extra, expected):
    path = tiny(extra)
    with pytest.raises(InputError, match=expected) as info:
        load_scenario(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('service_level = "80/20"', 'service_level = "120/20"', "targets.service_level"),
        ('length = "4h"', 'length = "-4h"', "length"),
        ('starts = ["08:00"]', 'starts = ["25:00"]', "starts"),
        ('starts = ["08:00"]', "starts = 8", "starts"),
        ('file = "{csv}"', 'file = "missing.csv"', "missing.csv"),
    ],
)
def test_bad_values_in_base(tiny, old, new, expected):
    path = tiny(base=MINIMAL.replace(old, new))
    with pytest.raises(InputError, match=expected):
        load_scenario(path)


def test_a_bad_targets_key_names_the_file_once(tiny):
    path = tiny(
        base=MINIMAL.replace('service_level = "80/20"', 'service_level = "80/20"\nover = "week"')
    )
    with pytest.raises(InputError) as error:
        load_scenario(path)
    assert str(error.value) == f"{path}: targets.over = 'week'; allowed: interval, day, horizon"


def test_break_window_errors_name_the_break(tiny):
    extra = 'breaks = [{{ duration = "30min", window = ["3h"] }}]\n'
    path = tiny(base=MINIMAL + extra)
    with pytest.raises(InputError, match=r"shifts\[0\]\.breaks\[0\]\.window"):
        load_scenario(path)


def test_not_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = [unclosed\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_scenario(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_scenario(tmp_path / "nope.toml")


def test_no_shifts(tiny, tmp_path):
    base = MINIMAL.split("[[shifts]]")[0]
    with pytest.raises(InputError, match=r"\[\[shifts\]\]"):
        load_scenario(tiny(base=base))


def test_cost_keys_are_validated(tiny):
    path = tiny("[costs]\nhourly_wage = 20\nagents_per_team_lead = 0.5\n")
    with pytest.raises(InputError, match="agents_per_team_lead"):
        load_scenario(path)
    path = tiny('[costs]\nhourly_wage = 20\noverhead = "300%"\n')
    with pytest.raises(InputError, match="overhead"):
        load_scenario(path)


@pytest.mark.parametrize(("text", "hours"), [("8", 8.0), ("7.5", 7.5), ('"7h30m"', 7.5)])
def test_fte_hours_bare_numbers_are_hours(tiny, text, hours):
    # a bare number under a key named in hours is hours, not seconds (8 s would make
    # FTE 3600 times too large, silently)
    sc = load_scenario(tiny(f"[staffing]\nfte_hours = {text}\n"))
    assert sc.fte_hours == hours


@pytest.mark.parametrize("text", ["0", "-8", '"soon"', "true"])
def test_bad_fte_hours_name_the_key(tiny, text):
    with pytest.raises(InputError, match=r"staffing\.fte_hours"):
        load_scenario(tiny(f"[staffing]\nfte_hours = {text}\n"))


def test_the_answer_time_is_given_once(tiny):
    # "80/20" with threshold = "30s" used to plan to 30 s without a word
    base = MINIMAL.replace('service_level = "80/20"', 'service_level = "80/20"\nthreshold = "30s"')
    with pytest.raises(InputError, match=r"targets\.threshold = '30s' conflicts with"):
        load_scenario(tiny(base=base))
    same = MINIMAL.replace('service_level = "80/20"', 'service_level = "80/20"\nthreshold = 20')
    assert load_scenario(tiny(base=same)).targets.threshold == 20.0
    share = MINIMAL.replace('service_level = "80/20"', 'service_level = "80%"\nthreshold = "30s"')
    targets = load_scenario(tiny(base=share)).targets
    assert (targets.service_level, targets.threshold) == (0.8, 30.0)


def test_fte_counts_calendar_days_of_a_full_time_week(tiny):
    # DESIGN.md section 3: a 40-hour week (8 h on 5 days) is 40/7 h a calendar day, so the
    # healthcare week's 2,160 paid hours are 2160 / 40 = 54 FTE
    sc = load_scenario(tiny())
    assert sc.days_per_week == 5.0
    assert sc.fte_hours_per_day * 7 == pytest.approx(40.0)
    six = load_scenario(tiny("[staffing]\nfte_hours = 7.5\ndays_per_week = 6\n"))
    assert six.fte_hours_per_day * 7 == pytest.approx(45.0)
    with pytest.raises(InputError, match=r"staffing\.days_per_week = 0"):
        load_scenario(tiny("[staffing]\ndays_per_week = 0\n"))


def test_a_whole_week_around_the_clock_is_cyclic_unless_told(tiny):
    # the bundled healthcare week is 7 days of 24 hours: its last night covers its first
    # morning; a day desk is not cyclic; the key decides when given
    assert load_scenario(ROOT / "simulations" / "healthcare_week.toml").rules.cyclic
    assert not load_scenario(tiny()).rules.cyclic
    assert load_scenario(tiny("[schedule]\ncyclic = true\n")).rules.cyclic
    with pytest.raises(InputError, match=r"schedule\.cyclic"):
        load_scenario(tiny('[schedule]\ncyclic = "yes"\n'))
