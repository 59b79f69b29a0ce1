"""Publishing under attack, to a local web root: pairs of publishes started at once, and publishes killed
(SIGKILL to the whole process group, rsync included) at random moments. After each, `current` points at a
release whose every file matches its build.json, and the next publish succeeds, leaves nothing behind and
ends the history with itself.

The figures (pairs and how they went, where the kills landed) are printed: pytest -s to see them."""
from __future__ import annotations

import collections
import contextlib
import os
import random
import signal
import time
from pathlib import Path

import pytest

from macros.tools import publish
from sshd import leftovers, live, macros, make_site, start

PAIRS = 20
KILLS = 22


def finished(process) -> tuple[int, str]:
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err, err
    return process.returncode, err


@pytest.mark.long
def test_twenty_pairs_of_simultaneous_publishes(tmp_path):
    dest = tmp_path / "webroot"
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}", pages=20) for n in range(4)]
    junk = dest / "releases" / "0-junk"
    junk.mkdir(parents=True)
    outcomes = collections.Counter()
    for n in range(PAIRS):
        a, b = sites[(2 * n) % 4], sites[(2 * n + 1) % 4]
        # a few pairs refuse rather than wait, so that both ways of losing the race are tried
        env = dict(os.environ, PUBLISH_LOCK_WAIT="0" if n % 5 == 4 else "300")
        first = start("publish", "--site", str(a), "--dest", str(dest), env=env)
        second = start("publish", "--site", str(b), "--dest", str(dest), env=env)
        results = [finished(first), finished(second)]
        for status, err in results:
            assert status == 0 or (status == publish.BUSY and "another publish or rollback" in err), err
        outcomes["both published" if all(s == 0 for s, _ in results) else "one refused, busy"] += 1
        outcomes["one waited for the lock"] += any("waiting up to" in err for _, err in results)
        # the history ends with the publish readers now see, whichever of the two that was
        assert publish.history(dest)[-1] == ("publish", live(dest, a, b))
        assert leftovers(dest) == []
        assert len(publish.releases(dest)) <= publish.KEEP + 2
    assert junk.is_dir()
    print(f"\n{PAIRS} pairs: {dict(outcomes)}")


@pytest.mark.long
def test_publishes_killed_at_random_moments_never_break_current(tmp_path):
    dest = tmp_path / "webroot"
    # big enough that the upload is a good part of a publish, as it is for the real site
    sites = [make_site(tmp_path / f"site{n}", text=f"edition {n}", pages=30, big=1 << 20) for n in range(2)]
    assert macros("publish", "--site", str(sites[0]), "--dest", str(dest)).returncode == 0
    junk = dest / "releases" / "0-junk"
    junk.mkdir()
    started = time.monotonic()
    assert macros("publish", "--site", str(sites[1]), "--dest", str(dest)).returncode == 0
    whole = time.monotonic() - started
    rng = random.Random(20)
    landed = collections.Counter()
    for n in range(KILLS):
        before, releases_before = publish.current(dest), set(publish.releases(dest))
        publisher = start("publish", "--site", str(sites[n % 2]), "--dest", str(dest))
        if n < KILLS - 2:
            time.sleep(rng.uniform(0, whole * 1.2))
        else:  # and a few exactly while the upload runs
            deadline = time.monotonic() + 30
            while not list((dest / "releases").glob(".incoming-*/assets")) and time.monotonic() < deadline:
                time.sleep(0.002)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(publisher.pid, signal.SIGKILL)
        publisher.communicate()
        now = publish.current(dest)
        if publisher.returncode == 0:
            landed["after it finished"] += 1
        elif any(name.startswith(".incoming-") for name in leftovers(dest)):
            landed["during the upload"] += 1
        elif now != before:
            landed["after the switch, while pruning"] += 1
        elif set(publish.releases(dest)) - releases_before:
            landed["between the rename and the switch"] += 1
        else:
            landed["before the upload began"] += 1
        live(dest, *sites)  # complete: every file of the live release is there and intact
        # the next publish is not kept waiting by the dead one, and clears what it left
        result = macros("publish", "--site", str(sites[n % 2]), "--dest", str(dest),
                        env=dict(os.environ, PUBLISH_LOCK_WAIT="5"))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        assert publish.history(dest)[-1] == ("publish", live(dest, sites[n % 2]))
        assert leftovers(dest) == [] and junk.is_dir()
        assert len(publish.releases(dest)) <= publish.KEEP + 2
    assert landed["during the upload"] >= 2
    print(f"\n{KILLS} kills (a whole publish: {whole:.2f} s): {dict(landed)}")
