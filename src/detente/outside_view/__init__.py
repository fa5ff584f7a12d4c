"""The outside view: reference classes fitted on real disputes, and the calibrated forecast.

``reference_class`` holds the scenario's ``reference_class:`` block (a value object the
scenario imports, so it imports nothing of detente's); ``curves`` evaluates the shipped
reference classes (``reference_classes.json``, rebuilt by
``scripts/build_reference_classes.py``); ``infer`` picks a class for a scenario;
``combined`` is the calibrated whether-and-when forecaster. See ``docs/calibration.md``.
"""
