"""Reduced soak: a sweep of 160 small runs on one pool of 2 keeps every process's memory flat, and
without ``PuttingOutModel.release`` the same runs in one process would not (Mesa 3.3.1 keeps every
model). The full soak (hundreds of default-size runs) is ``python tests/robustness/soak.py``; its
figures are in docs/robustness.md."""

from __future__ import annotations

import mesa
import pytest

from .soak import leak_check, soak

#: A pool worker or the parent may grow this much (MB) between 10 % and 90 % of the runs saved.
FLAT_MB = 15.0


@pytest.mark.slow
def test_a_long_sweep_keeps_memory_flat(tmp_path) -> None:
    result = soak(runs=160, n_workers=400, weeks=20, jobs=2, interval=0.1, folder=tmp_path)
    assert len(result.samples) >= 10, "too few samples to judge"
    assert len({pid for s in result.samples for pid in s.workers}) >= 2, "the pool's workers were not seen"
    for role in ("parent", "workers"):
        assert result.growth(role) < FLAT_MB, f"{role} grew {result.growth(role):.1f} MB:\n{result.table()}"
    print(result.table())


@pytest.mark.slow
def test_release_is_what_keeps_it_flat() -> None:
    """In one process, 40 runs: with ``release`` no model outlives its run; without it Mesa 3.3.1
    keeps every one (and memory grows with them). Mesa >= 3.4.2 frees models on its own."""
    figures = leak_check(runs=40, n_workers=1000, weeks=5)
    assert figures["models alive with release"] == 0, figures
    if mesa.__version__.startswith("3.3"):
        assert figures["models alive without release"] == 40, figures
        # the kept models hold memory (RSS may not show it: freed pages are reused)
        assert figures["held without release"] > figures["held with release"] + 10, figures
    else:
        assert figures["models alive without release"] == 0, figures
