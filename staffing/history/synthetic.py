"""Contact logs written by the simulator, with known callers: for tests, benchmarks, examples.

A simulated day (:func:`staffing.simulation.simulate` with ``keep_records``) is turned into the
:class:`~staffing.history.log.ContactLog` a call center would have recorded: arrival, wait,
outcome, handle time, the agent who answered and a customer (each caller its own, so no
returns). Calibrating such a log must give back the callers it was simulated with.
"""

import numpy as np
from numpy.typing import ArrayLike

from staffing.callers import CallerBehaviour
from staffing.forecast import Forecast
from staffing.history.log import ContactLog


def simulated_log(
    forecast: Forecast,
    agents: ArrayLike,
    callers: CallerBehaviour,
    *,
    seed: int = 0,
) -> ContactLog:
    """Simulate the forecast's days once and record them as a contact log.

    Parameters
    ----------
    forecast : Forecast
        Calls and AHT per interval (dated: the log's arrivals are on its dates).
    agents : array_like of int
        Agents on the phones per interval.
    callers : CallerBehaviour
        Patience and handle-time distributions (returns are not simulated: every customer
        calls once).
    seed : int
        Random seed.

    Returns
    -------
    ContactLog
        Arrivals truncated to whole seconds (as logs keep them), waits and handle times in
        seconds as simulated; ``agent`` and ``customer`` columns.
    """
    from staffing.simulation import ANSWERED, simulate

    result = simulate(
        forecast,
        agents=agents,
        callers=CallerBehaviour(
            patience=callers.patience,
            patience_distribution=callers.patience_distribution,
            patience_cv=callers.patience_cv,
            handle_distribution=callers.handle_distribution,
            handle_cv=callers.handle_cv,
        ),
        replications=1,
        seed=seed,
        keep_records=True,
    )
    who, what = result.callers[0], result.outcomes[0]
    origin = forecast.start[0].astype("datetime64[D]").astype("datetime64[s]")
    answered = what.status == ANSWERED
    n = who.size
    return ContactLog(
        arrival=origin + np.floor(who.arrival).astype("timedelta64[s]"),
        wait=what.wait,
        answered=answered,
        handle=np.where(answered, who.handle, np.nan),
        columns={
            "agent": np.where(answered, np.char.add("a", what.agent.astype(str)), ""),
            "customer": np.char.add("c", np.arange(1, n + 1).astype(str)),
        },
        source="simulated log",
    )
