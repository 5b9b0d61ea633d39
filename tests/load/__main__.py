"""``python -m tests.load``: the bounded load test of ``make loadtest`` (see tests/load/run.py)."""
import sys

from tests.load.run import main

sys.exit(main())
