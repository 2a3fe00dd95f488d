"""staffing: contact-center workforce planning and staffing simulation.

Exact Erlang B, C and A (``staffing.erlang``), forecasts (``staffing.forecast``) and
per-interval requirements (``staffing.requirements``). Durations are in seconds throughout.
"""

__version__ = "0.1.0"
