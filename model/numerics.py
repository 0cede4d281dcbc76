"""Sums whose rounding does not depend on the machine, so that runs stay bit-identical."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def dot(a: NDArray, b: NDArray) -> float:
    """``sum(a * b)`` with numpy's own pairwise summation: unlike ``np.dot``, which OpenBLAS splits
    across threads for long vectors, its rounding does not depend on the number of BLAS threads,
    so runs stay bit-identical on a laptop, a process pool and a Dask worker."""
    return float(np.multiply(a, b).sum())
