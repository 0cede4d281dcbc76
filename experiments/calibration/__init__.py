"""Calibration: ABC-SMC (pyabc) of registry parameters against the brief's stylized facts.

- ``targets``: the facts as data (``targets.toml``), each target's statistic and the distance;
- ``smc``: ``rumahan calibrate``: priors, the engine-backed model and sampler, resume, outputs;
- ``posterior``: reading a finished calibration, weighted seeded draws, re-running a particle;
- ``plots``: ``fit.png`` and ``posterior.png``.

pyabc is the optional extra ``rumahan[calibrate]``; only ``smc`` needs it.
"""
