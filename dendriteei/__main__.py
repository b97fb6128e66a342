"""``python -m dendriteei ...``: the command line (e.g. under ``mpiexec -n N``)."""
import sys

from .cli import main

sys.exit(main())
