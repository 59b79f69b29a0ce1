"""Every attack on DEST in tests/attacks/publish.txt, run as staff and CI run the publisher: a DEST that names
no web root is refused before anything is read or written, with one line that says why; any other name,
however much shell text it holds, is a folder's name and nothing else, locally and over ssh."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from sshd import live, macros, make_site, sshd

CORPUS = ROOT / "tests/attacks/publish.txt"
_ESCAPE = re.compile(r"\\(t|n|\\|x[0-9A-Fa-f]{2})")


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: {"t": "\t", "n": "\n", "\\": "\\"}.get(m.group(1)) or chr(int(m.group(1)[1:], 16)),
                       text)


def attacks() -> list:
    cases = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, _, dest = line.partition("\t")
        assert expected in ("refused", "published"), f"{CORPUS.name}:{number}: {line!r}"
        dest = "" if dest == '""' else _unescape(dest)
        cases.append(pytest.param(expected, dest, id=f"line{number}"))
    return cases


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sshd(tmp_path_factory.mktemp("sshd")) as running:
        yield running


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("site") / "site")


def test_the_corpus_holds_both_kinds_of_attack_over_both_ways():
    lines = [(expected, "{ssh}" in dest) for expected, dest in (p.values for p in attacks())]
    assert {(e, s) for e, s in lines} == {("refused", False), ("refused", True), ("published", False),
                                          ("published", True)}


@pytest.mark.parametrize("expected, dest", attacks())
def test_an_attack_on_dest(expected, dest, server, site, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    over_ssh = "{ssh}" in dest
    dest = dest.replace("{root}", str(root)).replace("{ssh}", f"{server.user}@127.0.0.1")
    env = server.env()
    if expected == "refused":
        # A site that does not exist: had DEST slipped through, the publish would stop at the site, and
        # never write to a DEST such as / (rollback runs the same check, so it runs only after this passed).
        for command in (["publish", "--site", str(tmp_path / "no-site")], ["rollback"]):
            result = macros(*command, "--dest", dest, env=env)
            lines = result.stderr.strip().splitlines()
            assert result.returncode == 2, (dest, result.stderr)
            assert len(lines) == 1 and lines[0].startswith("✗") and "DEST" in lines[0], (dest, result.stderr)
            assert re.search(r"[\u4e00-\u9fff]", lines[0]) and " / " in lines[0], lines[0]
            assert "Traceback" not in result.stderr and result.stdout == ""
        assert list(root.iterdir()) == [], (dest, list(root.iterdir()))
    else:
        result = macros("publish", "--site", str(site), "--dest", dest, env=env)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (dest, result.stderr)
        folder = Path(dest.partition(":")[2] if over_ssh else dest)  # the server is this machine
        assert folder.is_dir() and live(folder, site), dest
        result = macros("rollback", "--dest", dest, env=env)
        assert result.returncode == 1 and "no earlier verified release" in result.stderr, (dest, result.stderr)
        assert live(folder, site)
    assert not (root / "PWNED").exists(), f"a shell ran DEST as text: {dest!r}"
