"""Rumahan's errors, by whose fault they are: bad input, a failure while running, or a bug.

- ``RumahanInputError``: the input is wrong (a parameter, scenario, sweep spec, output folder,
  command-line option...). The message is one line naming the input, the bad value and what is
  accepted; the CLI prints it and exits with 2. It is a ``ValueError``, so callers that catch
  ``ValueError`` for bad values keep working (DESIGN §6 pins ``ValueError`` for bad parameters).
- ``RumahanRunError``: neither the input nor Rumahan is at fault, but the work could not be done
  (a Dask scheduler that does not answer, a worker process that died, runs that failed). One line;
  the CLI exits with 1.
- Any other exception, a bare ``ValueError``, ``KeyError`` or ``TypeError`` included, is a bug in
  Rumahan: the CLI shows its traceback, exits with 1 and asks for a report.

This module imports nothing, so the model's registry (``model.params``) and every other package
can use it without importing the experiments.
"""

from __future__ import annotations

__all__ = ["RumahanError", "RumahanInputError", "RumahanRunError"]


class RumahanError(Exception):
    """Base of the errors Rumahan raises on purpose, each with a one-line message."""


class RumahanInputError(RumahanError, ValueError):
    """Bad input: the one-line message names the input, the bad value and what is accepted."""


class RumahanRunError(RumahanError, RuntimeError):
    """Work that could not be done for a reason outside the input and the code (one-line message):
    an unreachable cluster, a lost worker process, failed runs."""
