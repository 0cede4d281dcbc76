"""Seeds for batches of runs: replicate seeds and the design sample's stream, from one root seed.

Every batch (sweep, comparison, sensitivity, robustness) has one root seed. Replicate ``r`` of
every scenario and design point gets the same seed, ``replicate_seeds(root, n)[r]`` (common random
numbers: differences between scenarios are then not blurred by different random draws, and
comparisons can be paired by replicate). Design samples (Latin hypercube, SALib) draw from a
separate stream of the same root, ``design_rng(root)``. The seeds depend only on the root seed and
the replicate number, never on the executor, the number of jobs or the order runs finish in.
"""

from __future__ import annotations

import numpy as np

from rumahan.model.errors import RumahanInputError
from rumahan.model.params import MAX_SEED, check_seed

__all__ = ["MAX_SEED", "check_seed", "design_rng", "replicate_seeds"]

#: Spawn key of the design-sample stream. Two words long, so it never equals the one-word key of
#: a replicate's child sequence (``SeedSequence(root).spawn(n)`` gives keys ``(0,) ... (n-1,)``).
DESIGN_STREAM_KEY = (0x5EED, 0xD5)


def _check_root(root_seed: int) -> int:
    return check_seed(root_seed, "root seed")


def replicate_seeds(root_seed: int, n: int) -> list[int]:
    """Seeds of replicates ``0 .. n-1`` of a batch with root seed ``root_seed``.

    Each is the first 64-bit word of ``numpy.random.SeedSequence(root_seed).spawn(n)[r]``, an
    int that ``PuttingOutModel(seed=...)`` accepts. Replicate ``r``'s seed does not depend on
    ``n``: ``replicate_seeds(1, 3) == replicate_seeds(1, 5)[:3]``.

    >>> replicate_seeds(1, 2) == replicate_seeds(1, 2)
    True
    """
    root = _check_root(root_seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise RumahanInputError(f"number of replicates {n!r} is not a whole number >= 0")
    children = np.random.SeedSequence(root).spawn(int(n))
    return [int(child.generate_state(1, dtype=np.uint64)[0]) for child in children]


def design_rng(root_seed: int) -> np.random.Generator:
    """The random stream for a batch's design sample (Latin hypercube, Morris, Sobol scrambling).

    Independent of the replicate seeds of the same root (see ``DESIGN_STREAM_KEY``).
    """
    root = _check_root(root_seed)
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=DESIGN_STREAM_KEY))
