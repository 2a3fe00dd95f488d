"""Renderers: read results, write files (CSV, PNG, Markdown) or text for the terminal.

- :mod:`~staffing.report.charts`: the chart kit (figure sizes, colours, time axes, PNG
  files) and the charts of a plan;
- :mod:`~staffing.report.tables`: Markdown tables and status marks;
- :mod:`~staffing.report.output`: output folders and what ``--force`` may replace;
- :mod:`~staffing.report.plan_report`, :mod:`~staffing.report.bid_sheet`,
  :mod:`~staffing.report.whatif_report`: one report folder per command;
- :mod:`~staffing.report.terminal`: what the command line prints.

Only this package (and the browser app) imports matplotlib: the library computes results
without a plotting library loaded. Import the submodule you need; this package imports none
of them, so the command line starts fast.
"""
