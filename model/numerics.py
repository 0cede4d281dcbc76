"""Sums whose rounding does not depend on the machine, so that runs stay bit-identical; and two
library calls without their Python layers (``matvec``, ``clip``), which cost more than the
arithmetic itself at a few thousand workers."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

try:  # the kernel behind ``csr_array @ vector``; private to scipy, hence the fallback to ``@``
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - a scipy that moved it
    _csr_matvec = None
try:  # the ufunc np.clip ends in for float arrays and scalars (numpy 2); private, hence the fallback
    from numpy._core.umath import clip as _clip_ufunc
except ImportError:  # pragma: no cover - a numpy that moved it
    _clip_ufunc = None


def dot(a: NDArray, b: NDArray) -> float:
    """``sum(a * b)`` with numpy's own pairwise summation: unlike ``np.dot``, which OpenBLAS splits
    across threads for long vectors, its rounding does not depend on the number of BLAS threads,
    so runs stay bit-identical on a laptop, a process pool and a Dask worker."""
    return float(np.multiply(a, b).sum())


def clip(x: NDArray[np.float64] | float, low: float, high: float,
         out: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """``np.clip(x, low, high, out=out)`` for float arrays and numbers, to the bit: for those,
    ``np.clip`` goes through two Python layers (``ndarray.clip``, ``numpy._core._methods._clip``) to
    the ``clip`` ufunc, which this calls directly (the layers cost more than clipping a few thousand
    values)."""
    if _clip_ufunc is None:  # pragma: no cover
        return np.clip(x, low, high, out=out)
    return _clip_ufunc(x, low, high, out=out)


#: Vector dtypes whose product with a float64 CSR matrix is float64, as ``matvec`` assumes.
_MATVEC_DTYPES = (np.dtype(np.float64), np.dtype(np.bool_))


def matvec(matrix: sp.csr_array, x: NDArray[np.float64] | NDArray[np.bool_]) -> NDArray[np.float64]:
    """``matrix @ x`` for a float64 CSR matrix and a float or boolean vector, to the bit: the call
    ``@`` makes (scipy's ``csr_matvec`` into a zeroed float64 array), without the checks and dispatch
    around it. Anything else (another dtype or format, a shape that does not fit) goes through ``@``."""
    rows, columns = matrix.shape
    if (_csr_matvec is None or matrix.format != "csr" or matrix.dtype != np.float64
            or x.dtype not in _MATVEC_DTYPES or x.shape != (columns,)):
        return matrix @ x
    out = np.zeros(rows)
    _csr_matvec(rows, columns, matrix.indptr, matrix.indices, matrix.data, x, out)
    return out
