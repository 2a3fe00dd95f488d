"""The README's Python examples run, and print what the README says they give."""

import os
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_python_examples_run():
    blocks = python_blocks()
    assert blocks
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for block in blocks:
            namespace: dict = {}
            exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)


def test_readme_commented_results_are_true():
    from staffing.erlang import erlang_c, kpis, required_agents

    assert round(erlang_c(10.0, 14), 4) == 0.1741
    k = kpis(100, 180, 14, interval=1800, threshold=20)
    assert (round(k.service_level, 4), round(k.asa, 2)) == (0.8884, 7.84)
    assert required_agents(100, 180, interval=1800, service_level=0.8, threshold=20) == 14
    got = required_agents(
        np.array([100, 900, 0]),
        180,
        interval=1800,
        patience=120,
        service_level=0.8,
        abandon_rate=0.05,
    )
    assert got.tolist() == [13, 90, 0]
