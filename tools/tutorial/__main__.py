"""``python -m tools.tutorial``: build the tutorial (see ``tools.tutorial.build``)."""

import sys

from tools.tutorial.build import main

sys.exit(main())
