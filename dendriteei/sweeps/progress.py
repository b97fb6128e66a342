"""Progress of a sweep: a tqdm bar with done/failed counts and ETA, shown on a terminal only."""
from __future__ import annotations

import sys


class Progress:
    """Counts finished and failed runs; draws a bar on stderr when it is a terminal
    (``enabled=None``) or when forced with ``enabled=True``."""

    def __init__(self, total: int, done: int, failed: int, enabled: bool | None = None):
        from tqdm import tqdm
        self.failed = failed
        self.bar = tqdm(total=total, initial=done, unit="run", desc="sweep", dynamic_ncols=True,
                        disable=not (sys.stderr.isatty() if enabled is None else enabled))
        self.bar.set_postfix_str(f"failed {failed}", refresh=False)

    def update(self, record: dict) -> None:
        if record["status"] != "ok":
            self.failed += 1
            self.bar.set_postfix_str(f"failed {self.failed}", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()
