"""Entry point of ``python -m matching``."""

import sys

from matching.cli.main import main

sys.exit(main())
