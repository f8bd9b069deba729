"""Run the command line with ``python -m partnerdomain``."""

import sys

from partnerdomain.cli import main

sys.exit(main())
