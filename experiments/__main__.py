"""`python -m experiments` is the `rumahan` command."""

import sys

from experiments.cli import main

sys.exit(main())
