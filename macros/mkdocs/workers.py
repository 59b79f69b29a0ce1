"""Worker processes for the slow parts of a build: drawing charts and laying out PDFs.

Started fresh (spawn: MkDocs' own process runs threads that a fork would not carry), one
pool per kind of work, each stopped as soon as its work is done so that its memory goes
with it. The preview starts none.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

_POOLS: dict[str, ProcessPoolExecutor] = {}
CORES = os.cpu_count() or 1


def pool(kind: str, size: int) -> ProcessPoolExecutor:
    if kind not in _POOLS:
        _POOLS[kind] = ProcessPoolExecutor(max_workers=max(1, size), mp_context=multiprocessing.get_context("spawn"))
    return _POOLS[kind]


def stop(kind: str | None = None, wait: bool = True) -> None:
    for name in [kind] if kind else list(_POOLS):
        executor = _POOLS.pop(name, None)
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=not wait)
