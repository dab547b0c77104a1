# Two entry points for a fresh machine (see README): `make demo` and `make test`.
# Everything else is installed into project-local virtual environments.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The Lambda runtime is python3.13: unit tests run there too when a 3.13 interpreter exists.
PY313 := $(shell (PYENV_VERSION=3.13.0 python3 -c 'import sys; assert sys.version_info[:2] == (3, 13); print(sys.executable)' 2>/dev/null) || command -v python3.13)
VENV313 := .venv313

.PHONY: install demo demo-serve test lint browser unit-py313 bench bench-flow bench-faults bench-social-faults bench-groups bench-cold-start clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The review report's charts (issue 14): Vega, Vega-Lite and vega-embed from the npm registry, as
# pinned by web/package-lock.json; their minified bundles are inlined into each report page.
REPORT_ASSETS := functions/reporter/assets
$(REPORT_ASSETS)/.installed: web/package.json web/package-lock.json
	npm ci --prefix web --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(REPORT_ASSETS)
	cp web/node_modules/vega/build/vega.min.js web/node_modules/vega-lite/build/vega-lite.min.js \
		web/node_modules/vega-embed/build/vega-embed.min.js $(REPORT_ASSETS)/
	touch $@

# The ticket sidebar app's export of the policies it needs (issue 15): field titles and drop-down
# options, compliance phrases, level and deadline names, with the app's words from its translations;
# regenerated whenever one of them changes.
APP_ASSETS := zendesk_app/assets/triage.json
$(APP_ASSETS): $(BIN)/.installed $(wildcard policies/*.yaml) $(wildcard zendesk_app/translations/*.json) \
		integrations/zendesk/app_assets.py
	$(BIN)/triage zendesk app-assets --out zendesk_app/assets

install: $(BIN)/.installed $(REPORT_ASSETS)/.installed $(APP_ASSETS)

demo: install
	$(BIN)/triage demo

# The demo, then the local product kept running (until Ctrl-C) for the agent page it prints.
demo-serve: install
	$(BIN)/triage demo --serve

lint: install
	$(BIN)/ruff check .

# The review page's browser test (issue 14) runs Debian's Chromium, with a CJK font for the
# Chinese headings in its screenshot; both are installed where missing (as root, or with sudo).
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			chromium fonts-wqy-zenhei >/dev/null; }

test: lint browser
	$(BIN)/pytest
	$(MAKE) --no-print-directory unit-py313
	$(MAKE) --no-print-directory deploy-checks

$(VENV313)/bin/.installed: pyproject.toml
	$(PY313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(VENV313)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

unit-py313:
ifeq ($(PY313),)
	@echo "unit-py313: no Python 3.13 interpreter found (pyenv 3.13.0 or python3.13); skipped"
else
	$(MAKE) --no-print-directory $(VENV313)/bin/.installed
	$(VENV313)/bin/pytest tests/unit
endif

bench: install
	$(BIN)/python bench/grade_throughput.py

# The ticket flow under load, locally (see bench/README.md): TICKETS=1000 RATE=0 (a burst).
TICKETS ?= 1000
RATE ?= 0
bench-flow: install
	$(BIN)/python bench/ticket_flow_load.py --tickets $(TICKETS) --rate $(RATE)

# The ticket flow through faults (see bench/README.md): TICKETS=2500 COMMENTS=2 KILLS=8.
COMMENTS ?= 2
KILLS ?= 8
bench-faults: install
	$(BIN)/python bench/fault_flow.py --tickets $(TICKETS) --comments $(COMMENTS) --kills $(KILLS)

# The social flow through platform faults and killed outreach workers (see bench/README.md).
POSTS ?= 200
bench-social-faults: install
	$(BIN)/python bench/social_faults.py --posts $(POSTS) --kills $(KILLS)

# Group complaints on a replayed corpus stream with injected true groups (see bench/README.md).
bench-groups: install
	-$(BIN)/python bench/group_complaints.py
	-$(BIN)/python bench/group_complaints.py --figures-only --injected bench/data/injected_groups_tuning2.jsonl
	-$(BIN)/python bench/group_complaints.py --figures-only --injected bench/data/injected_groups_holdout.jsonl
	-$(BIN)/python bench/group_complaints.py --figures-only --injected bench/data/injected_groups_holdout2.jsonl

clean:
	rm -rf $(VENV) $(VENV313) $(DEPLOY_VENV) .aws-sam .pytest_cache .ruff_cache *.egg-info

# ---- Deploy (SAM): README "Deploy to AWS" ---------------------------------------------------
# aws-sam-cli and aws-sam-translator need another pydantic than the application: their own venv.
DEPLOY_VENV := .venv-deploy
DEPLOY_BIN := $(DEPLOY_VENV)/bin
# No AWS endpoint is reachable here and none is needed, but boto3 sessions inside sam and the
# translator still want a region and credentials: dummy ones, so a check can never use real ones.
DEPLOY_ENV := env -u AWS_PROFILE AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 \
	AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing SAM_CLI_TELEMETRY=0
# Every AWS::Serverless::Function of template.yaml (Metadata BuildMethod: makefile).
LAMBDA_FUNCTIONS := WebhookFunction TriageFunction DeadlineWatcherFunction SocialMonitorFunction OutreachFunction NotifierFunction ReporterFunction
# What the handlers import; cli/, tests/ and bench/ never ship.
LAMBDA_PACKAGES := policies integrations infra functions
# Lambda's python3.13 runs on Amazon Linux 2023 (glibc 2.34) on Graviton: any manylinux
# aarch64 wheel up to glibc 2.34; pip refuses newer tags than the ones named here.
LAMBDA_PLATFORMS := --platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 \
	--platform manylinux_2_34_aarch64
BUILD_DIR := .aws-sam/build

.PHONY: deploy-venv deploy-checks sam-validate sam-build deploy-test $(addprefix build-,$(LAMBDA_FUNCTIONS))

$(DEPLOY_BIN)/.installed: deploy/requirements.txt
	@test -n "$(PY313)" || { echo "deploy-venv: needs Python 3.13 (pyenv 3.13.0 or python3.13)"; exit 1; }
	$(PY313) -m venv $(DEPLOY_VENV)
	$(DEPLOY_BIN)/python -m pip install --quiet --upgrade pip
	$(DEPLOY_BIN)/python -m pip install --quiet -r deploy/requirements.txt
	touch $@

deploy-venv: $(DEPLOY_BIN)/.installed

# Called by `sam build` (one build for all functions: they share CodeUri and metadata) with
# ARTIFACTS_DIR set. Runtime dependencies come from pyproject.toml as Lambda-platform wheels;
# bytecode is compiled by 3.13 as unchecked-hash .pyc, which Lambda's read-only /var/task
# loads without comparing sources (otherwise every cold start would recompile).
$(addprefix build-,$(LAMBDA_FUNCTIONS)): $(REPORT_ASSETS)/.installed
	@test -n "$(PY313)" || { echo "$@: needs Python 3.13 (pyenv 3.13.0 or python3.13)"; exit 1; }
	@test -n "$(ARTIFACTS_DIR)" || { echo "$@: ARTIFACTS_DIR is not set (run sam build)"; exit 1; }
	$(PY313) deploy/runtime_requirements.py > "$(ARTIFACTS_DIR)/.runtime-requirements.txt"
	$(PY313) -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-compile \
		$(LAMBDA_PLATFORMS) --only-binary=:all: --python-version 3.13 --implementation cp \
		--target "$(ARTIFACTS_DIR)" -r "$(ARTIFACTS_DIR)/.runtime-requirements.txt" \
		-c deploy/lambda-constraints.txt
	rm -rf "$(ARTIFACTS_DIR)/.runtime-requirements.txt" "$(ARTIFACTS_DIR)/bin"
	cp -R $(LAMBDA_PACKAGES) "$(ARTIFACTS_DIR)/"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -type d -prune -exec rm -rf {} +
	$(PY313) -m compileall -q -f -j 0 --invalidation-mode unchecked-hash "$(ARTIFACTS_DIR)"

# --build-in-source: SAM would otherwise copy the whole tree (virtual environments included)
# to a scratch directory first.
sam-build: deploy-venv
	rm -rf $(BUILD_DIR)
	@start=$$(date +%s); $(DEPLOY_ENV) $(DEPLOY_BIN)/sam build --build-in-source --template-file template.yaml \
		&& echo "sam build: $$(( $$(date +%s) - start )) s, artifact $$(du -sh $(BUILD_DIR)/WebhookFunction | cut -f1)"

sam-validate: deploy-venv
	$(DEPLOY_ENV) $(DEPLOY_BIN)/sam validate --lint --region us-east-1 --template-file template.yaml
	$(DEPLOY_BIN)/cfn-lint template.yaml

# The artifact checks, the translated template's checks and the moto CloudFormation smoke test.
deploy-test: deploy-venv
	$(DEPLOY_ENV) $(DEPLOY_BIN)/pytest tests/deploy

# In this order: the artifact checks read what sam-build produced.
deploy-checks:
	$(MAKE) --no-print-directory sam-validate
	$(MAKE) --no-print-directory sam-build
	$(MAKE) --no-print-directory deploy-test

# Cold start of each handler from the built artifact under Python 3.13 (bench/README.md).
bench-cold-start:
	@test -d $(BUILD_DIR)/WebhookFunction || $(MAKE) --no-print-directory sam-build
	$(PY313) bench/cold_start.py --artifact $(BUILD_DIR)
