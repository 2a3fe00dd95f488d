"""``python -m staffing.cli``: the ``staffing`` command."""

import sys

from staffing.cli import main

sys.exit(main())
