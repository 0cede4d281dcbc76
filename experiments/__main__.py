"""`python -m rumahan.experiments` is the `rumahan` command."""

import sys

from rumahan.experiments.cli import main

sys.exit(main())
