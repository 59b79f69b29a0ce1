"""Worker processes for the slow parts of a build: drawing charts and laying out PDFs.

Started fresh (spawn: MkDocs' own process runs threads that a fork would not carry), one
pool per kind of work, each stopped as soon as its work is done so that its memory goes
with it. Each build owns its pools (build.Build.workers); the preview starts none.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

CORES = os.cpu_count() or 1


class Workers:
    def __init__(self):
        self._pools: dict[str, ProcessPoolExecutor] = {}

    def pool(self, kind: str, size: int) -> ProcessPoolExecutor:
        if kind not in self._pools:
            self._pools[kind] = ProcessPoolExecutor(max_workers=max(1, size),
                                                    mp_context=multiprocessing.get_context("spawn"))
        return self._pools[kind]

    def stop(self, kind: str | None = None, wait: bool = True) -> None:
        for name in [kind] if kind else list(self._pools):
            executor = self._pools.pop(name, None)
            if executor is not None:
                executor.shutdown(wait=wait, cancel_futures=not wait)
