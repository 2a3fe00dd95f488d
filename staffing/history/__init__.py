"""Contact history: reading logs and interval history, forecasting, calibration, replay.

The history loop of DESIGN.md section 1: what happened (a contact log, or counts per
interval) becomes a forecast (:mod:`~staffing.history.forecasting`) and a calibrated model of
the callers (:mod:`~staffing.history.calibrate`), and a replay of past days checks the model
against what really happened (:mod:`~staffing.history.replay`).
"""
