"""Scenarios with [[queues]] and [[groups]]: read into a validated Center, every mistake named.

A file without [[queues]] stays today's single-queue scenario (tests/test_scenario.py); here,
the multi-queue keys of DESIGN.md section 8: what they become, and one-line messages naming
the file and key for each mistake.
"""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from staffing.center import Center, Group, Queue
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.requirements import ServiceTargets
from staffing.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent

BASE = """
name = "two lines"
[targets]
service_level = "80/20"
abandon_rate = "5%"
[callers]
patience = "3min"
[[queues]]
name = "sales"
forecast = "sales.csv"
{sales}
[[queues]]
name = "support"
forecast = "support.csv"
patience = "5min"
targets = {{ service_level = "90/30" }}
priority = 1
[[groups]]
name = "mixed"
skills = ["sales", "support"]
overflow_after = {{ support = "30s" }}
handle_factor = {{ support = 1.2 }}
agents = [3, 4, 5]
{group}
"""


@pytest.fixture
def write(tmp_path):
    (tmp_path / "sales.csv").write_text(
        "start,calls,aht\n08:00,20,180\n08:30,30,180\n09:00,25,180\n"
    )
    (tmp_path / "support.csv").write_text(
        "start,calls,aht,patience\n08:00,10,300,200\n08:30,12,320,\n09:00,8,310,inf\n"
    )

    def make(sales: str = "", group: str = "", base: str = BASE) -> Path:
        path = tmp_path / "s.toml"
        path.write_text(base.format(sales=sales, group=group))
        return path

    return make


def test_queues_and_groups_are_read_with_defaults_and_overrides(write):
    sc = load_scenario(write())
    center = sc.center
    assert center.queue_names == ("sales", "support")
    sales, support = center.queues
    # [callers] and [targets] are the defaults; a queue's own keys override them
    assert sales.callers.patience == 180.0
    assert support.callers.patience == 300.0
    assert (sales.targets.service_level, sales.targets.threshold) == (0.8, 20.0)
    assert (support.targets.service_level, support.targets.threshold) == (0.9, 30.0)
    assert support.targets.abandon_rate == 0.05  # inherited from [targets]
    assert (sales.priority, support.priority) == (0, 1)
    # the patience column: a value, an empty cell (the queue's patience), inf (no hang-up)
    np.testing.assert_array_equal(support.patience, [200.0, np.nan, np.inf])
    assert sales.patience is None
    (group,) = center.groups
    assert group.skills == ("sales", "support")
    assert group.delay("support") == 30.0
    assert group.delay("sales") == 0.0
    assert group.factor("support") == 1.2
    assert group.factor("sales") == 1.0
    np.testing.assert_array_equal(center.agents(0), [3, 4, 5])
    # the scenario's forecast is all queues pooled: calls summed, AHT weighted by calls
    np.testing.assert_allclose(sc.forecast.calls, [30, 42, 33])
    np.testing.assert_allclose(sc.forecast.aht[0], (20 * 180 + 10 * 300) / 30)
    assert sc.patterns == ()  # no [[shifts]] needed when every group has agents


def test_the_bundled_bank_example_loads():
    sc = load_scenario(ROOT / "simulations" / "bank_center.toml")
    assert len(sc.center.queues) >= 3
    assert len(sc.center.groups) >= 3
    assert "bilingual" in sc.center.group_names
    assert {g.name: g.hourly_wage for g in sc.center.groups}["specialists"] == 31.0
    # every group serves at least one queue and every queue is served
    assert all(sc.center.preference().max(axis=1) >= 0)
    assert all((sc.center.preference() >= 0).any(axis=0))


@pytest.mark.parametrize(
    ("sales", "group", "message"),
    [
        ('channel = "fax"', "", "queues[0].channel = 'fax'; choose one of voice, chat, email"),
        ('channel = "email"', "", "queues[0].targets.within_deadline is missing"),
        (
            'channel = "email"\ntargets = { within_deadline = "90%" }',
            "",
            'queues[0].deadline is missing; an email queue needs one, e.g. "24h"',
        ),
        (
            'channel = "email"\ndeadline = "24h"\n'
            'targets = { within_deadline = "90%", service_level = "80/20" }',
            "",
            "queues[0].targets.service_level is not a known key; allowed here: within_deadline",
        ),
        (
            'channel = "email"\ndeadline = "24h"\ntargets = { within_deadline = "120%" }',
            "",
            "queues[0].targets.within_deadline",
        ),
        (
            'channel = "email"\ndeadline = "24h"\nbacklog = -3\n'
            'targets = { within_deadline = "90%" }',
            "",
            "queues[0].backlog = -3; expected a whole number >= 0",
        ),
        (
            'channel = "email"\ndeadline = "24h"\npatience = "3min"\n'
            'targets = { within_deadline = "90%" }',
            "",
            "email items do not hang up",
        ),
        ("backlog = 5", "", "queues[0].backlog: for email queues only"),
        ("max_sessions = 3", "", "queues[0].max_sessions: for chat queues only"),
        ("session_speed = [1.0]", "", "queues[0].session_speed: for chat queues only"),
        ('channel = "chat"\nmax_sessions = 0', "", "queues[0].max_sessions = 0; expected a whole"),
        (
            'channel = "chat"\nmax_sessions = 2\nsession_speed = [1.0]',
            "",
            "queues[0].session_speed = [1.0]; give 2 speeds",
        ),
        (
            'channel = "chat"\nmax_sessions = 2\nsession_speed = [0.8, 0.9]',
            "",
            "session_speed[1] = 0.9 > session_speed[0] = 0.8; sessions cannot speed up",
        ),
        (
            'channel = "chat"\nmax_sessions = 2\nsession_speed = [1.0, 0]',
            "",
            "session_speed[1] = 0.0; a speed is in (0, 1]",
        ),
        (
            'channel = "chat"\nsession_speed = "fast"',
            "",
            "queues[0].session_speed = 'fast'; expected a list of speeds",
        ),
        ('deadline = "24h"', "", "queues[0].deadline: for email queues"),
        ("priority = 1.5", "", "queues[0].priority = 1.5; expected a whole number"),
        ("colour = 1", "", "queues[0].colour is not a known key"),
        ('patience = "-3min"', "", "queues[0].patience"),
        ('targets = { service_level = "120/20" }', "", "queues[0].targets"),
        ("", 'name = "again"', "groups[0]"),
        ("", "reserve = 1", "groups[0] (mixed).reserve = 1: a reserve keeps agents idle"),
        ("", "reserve = -1", "groups[0].reserve = -1; expected a whole number >= 0"),
    ],
)
def test_queue_mistakes_name_file_and_key(write, sales, group, message):
    path = write(sales=sales, group=group if group != 'name = "again"' else "")
    if group == 'name = "again"':
        path.write_text(path.read_text().replace('name = "mixed"', 'name = "mixed"\nname2 = 1'))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    text = str(err.value)
    assert text.startswith(str(path)), text
    assert message in text, text
    assert "\n" not in text


GROUP_MISTAKES = [
    ('skills = ["sales", "returns"]', "skills: 'returns' names no queue"),
    ('skills = ["sales"]', "queue 'support' is served by no group"),
    ("agents = [3, 4]", "2 counts for 3 forecast intervals"),
    ("agents = -2", "agents = -2; agents are whole numbers >= 0"),
    ("agents = 2.5", "agents = 2.5"),
    ('shifts = ["night"]', "groups[0].shifts: 'night' names no [[shifts]] pattern"),
    ('overflow_after = { returns = "30s" }', "overflow_after.returns: 'returns' is not among"),
    ("handle_factor = { support = 0 }", "handle_factor.support = 0.0; must be a factor > 0"),
    ('skills = ["sales", "sales", "support"]', "'sales' is listed twice"),
]


@pytest.mark.parametrize(("line", "message"), GROUP_MISTAKES)
def test_group_mistakes_name_file_and_key(write, line, message):
    path = write()
    text = path.read_text()
    key = line.split(" = ")[0]
    drop = {key, "overflow_after", "handle_factor"} if key == "skills" else {key}
    lines = [x for x in text.splitlines() if x.split(" = ")[0] not in drop]
    path.write_text("\n".join(lines).replace('name = "mixed"', f'name = "mixed"\n{line}'))
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert str(err.value).startswith(str(path)), str(err.value)
    assert message in str(err.value), str(err.value)


def test_a_group_with_no_agents_and_no_shifts_is_named(write):
    path = write()
    path.write_text(path.read_text().replace("agents = [3, 4, 5]", ""))
    with pytest.raises(InputError, match=r"groups\[0\]: has no agents and no shifts"):
        load_scenario(path)


def test_forecasts_on_other_intervals_are_refused(write, tmp_path):
    (tmp_path / "support.csv").write_text("start,calls,aht\n08:00,10,300\n08:30,12,320\n")
    with pytest.raises(InputError, match=r"queues\[1\] \(support\): forecast .* same interval"):
        load_scenario(write())


def test_forecast_file_and_returns_do_not_mix_with_queues(write):
    path = write()
    text = path.read_text()
    path.write_text(text + '\n[forecast]\nfile = "sales.csv"\n')
    with pytest.raises(InputError, match=r"forecast.file = 'sales.csv': with \[\[queues\]\]"):
        load_scenario(path)
    path.write_text(text.replace('patience = "3min"', 'patience = "3min"\nredial = "20%"', 1))
    with pytest.raises(InputError, match=r"callers.redial .* one queue only for now"):
        load_scenario(path)


def test_a_queue_fcr_is_its_own_else_the_callers_else_unknown(write):
    # no fcr anywhere: unknown
    assert [q.fcr for q in load_scenario(write()).center.queues] == [None, None]
    # a queue's own fcr; the other queue stays unknown
    assert [q.fcr for q in load_scenario(write('fcr = "80%"')).center.queues] == [0.8, None]
    # [callers] fcr is every queue's default; a queue's own overrides it
    path = write("fcr = 0.9")
    path.write_text(
        path.read_text().replace('patience = "3min"', 'patience = "3min"\nfcr = "70%"', 1)
    )
    center = load_scenario(path).center
    assert [q.fcr for q in center.queues] == [0.9, 0.7]
    # reported only: a center simulates no repeats, its callers keep fcr 1
    assert all(q.callers.returns.fcr == 1.0 for q in center.queues)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"120%"', r"queues\[0\]\.fcr = '120%'"),
        ("0", r"queues\[0\]\.fcr = 0\.0; first-contact resolution must be a share > 0"),
        ("true", r"queues\[0\]\.fcr = True; expected a share"),
    ],
)
def test_a_bad_queue_fcr_is_named_with_file_and_key(write, value, message):
    path = write(f"fcr = {value}")
    with pytest.raises(InputError, match=message) as err:
        load_scenario(path)
    assert str(err.value).startswith(str(path))


def test_volume_cv_is_read_for_queues_only(write, tmp_path):
    path = write()
    path.write_text(path.read_text() + "\n[simulation]\nvolume_cv = 0.19\n")
    assert load_scenario(path).simulation.volume_cv == 0.19
    single = tmp_path / "single.toml"
    single.write_text(
        '[forecast]\nfile = "sales.csv"\n[[shifts]]\nname = "d"\nlength = "4h"\n'
        'starts = ["08:00"]\n[simulation]\nvolume_cv = 0.19\n'
    )
    with pytest.raises(InputError, match=r"simulation.volume_cv: read for scenarios with"):
        load_scenario(single)


def _forecast(calls, start="2026-03-03T08:00"):
    calls = np.asarray(calls, dtype=float)
    starts = np.datetime64(start, "s") + np.arange(calls.size) * np.timedelta64(1800, "s")
    return Forecast(start=starts, calls=calls, aht=np.full(calls.size, 180.0), interval=1800)


WITHIN = ServiceTargets(service_level=None, within_deadline=0.9)


def test_center_checks_in_code_name_the_value():
    q = Queue("a", _forecast([10, 10]))
    with pytest.raises(InputError, match="choose one of voice, chat, email"):
        Queue("b", _forecast([1]), channel="fax")
    with pytest.raises(InputError, match="an email queue needs a deadline > 0"):
        Queue("b", _forecast([1]), channel="email")
    with pytest.raises(InputError, match="deadline: for email queues only"):
        Queue("b", _forecast([1]), deadline=3600.0)
    # a starting backlog needs a handle time: the forecast's calls-weighted AHT
    no_aht = replace(_forecast([0, 0]), aht=np.zeros(2))
    with pytest.raises(InputError, match="backlog = 5 but the forecast gives no handle time"):
        Queue("e", no_aht, channel="email", deadline=3600.0, backlog=5, targets=WITHIN)
    mail = Queue("e", _forecast([10, 30]), channel="email", deadline=3600.0, targets=WITHIN)
    assert mail.backlog_aht == 180.0
    # a voice queue rebuilt with dataclasses.replace (what-if variants) checks again and passes
    assert replace(q, priority=2).session_speed == (1.0,)
    with pytest.raises(InputError, match="max_sessions: for chat queues only"):
        Queue("b", _forecast([1]), max_sessions=2)
    chat = Queue("c", _forecast([1, 1]), channel="chat", max_sessions=3)
    assert chat.session_speed == (1.0, 1.0, 1.0)  # full speed unless given
    other = Queue("d", _forecast([1, 1]), channel="chat", max_sessions=2)
    with pytest.raises(InputError, match="chat queues 'c' and 'd' differ in max_sessions"):
        Center((q, chat, other), (Group("g", ("a", "c", "d"), agents=1),))
    center = Center((q, chat), (Group("g", ("a", "c"), agents=1), Group("v", ("a",), agents=1)))
    assert center.sessions(0) == (3, (1.0, 1.0, 1.0))
    assert center.sessions(1) == (1, (1.0,))
    with pytest.raises(InputError, match=r"patience\[1\] = -1"):
        Queue("b", _forecast([1, 1]), patience=np.array([10.0, -1.0]))
    with pytest.raises(InputError, match=r"queues\[1\].name = 'a'; names must be unique"):
        Center((q, q), (Group("g", ("a",), agents=1),))
    with pytest.raises(InputError, match="a center needs at least one group"):
        Center((q,), ())
    pooled = Center(
        (q, Queue("b", _forecast([30, 0]))), (Group("g", ("a", "b"), agents=2),)
    ).pooled_forecast()
    np.testing.assert_allclose(pooled.calls, [40, 10])
