"""Scripts that build parts of the documentation from the code and its results (the ODD's parameter
table, the tutorial). They live outside the installed packages: nothing in ``model``, ``experiments``
or ``dashboard`` imports them, and they run from a checkout (``make odd``, ``make tutorial``)."""
