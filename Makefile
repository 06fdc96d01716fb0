# sohoa — the two commands a fresh Debian machine needs:
#   make demo   install everything, generate a batch of scanned dossiers, ingest it, show results
#   make test   install everything, start the services the tests need, run the whole suite
# Both are idempotent: a second run reuses what is installed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SOHOA := $(VENV)/bin/sohoa
STAMPS := .make

# Debian packages the product and its tests use (Tesseract with Vietnamese, fonts with
# Vietnamese glyphs, poppler for pdftotext/pdfsig, qpdf, SANE test backend, SoftHSM2 tokens,
# PostgreSQL and Redis for the contract, queue and cluster tests; Chromium and its WebDriver
# for the web workplace's browser tests, never downloaded at run time; jpegtran from
# libjpeg-turbo-progs re-codes the scanner's JPEGs losslessly for the archival PDF).
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd tesseract-ocr-eng \
	fonts-noto-core fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra fonts-texgyre \
	poppler-utils qpdf ghostscript libgs-common libjbig2dec0 libzbar0 sane-utils softhsm2 python3-venv postgresql libc6-dev \
	redis-server chromium chromium-driver libjpeg-turbo-progs
# Commands the test suite needs, and the package that brings each when it is missing
# (Java and Maven fetch veraPDF and the ETSI validator from Maven Central; node checks the
# officers' web page script; gcc builds tests/faults/stepclock.c, a worker's stepping clock).
APT_COMMANDS := java:default-jre-headless mvn:maven unzip:unzip curl:curl node:nodejs gcc:gcc

.PHONY: demo test install system-deps bench-deps lint lock clean

install: system-deps $(VENV)/.installed

system-deps: $(STAMPS)/apt
$(STAMPS)/apt: Makefile
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q 'install ok installed' || echo $$p; done; \
		for cp in $(APT_COMMANDS); do command -v $${cp%%:*} >/dev/null || echo $${cp#*:}; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

# Python dependencies come from the hashed lock only (requirements/lock.txt, made by `make lock`
# with uv; see scripts/lockfile.py): pip refuses anything without a matching hash, and the
# project itself is installed after it without dependencies and without build isolation, so
# nothing unpinned is ever fetched. pip's own version is the interpreter's; it is not upgraded.
PIP := $(PY) -m pip --disable-pip-version-check -q
$(VENV)/.installed: requirements/lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "đang cài các gói Python vào $(VENV) (lần đầu mất vài phút, pip chạy im lặng)…"
	$(PIP) install --require-hashes -r requirements/lock.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	@touch $@

# Re-resolve the locks on purpose (newest versions pyproject.toml allows), then run `make test`.
lock: install
	$(PY) scripts/lockfile.py write

demo: install
	@bash scripts/demo.sh

test: install
	@bash scripts/test.sh

# The peers the benchmarks in bench/ run beside sohoa (OCRmyPDF with unpaper, pyHanko's CLI).
bench-deps: install
	@command -v unpaper >/dev/null || { SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq unpaper; }
	$(PIP) install --require-hashes -r requirements/bench.txt

lint: install
	$(VENV)/bin/ruff check sohoa tests bench scripts

clean:
	rm -rf $(VENV) $(STAMPS) out demo-home .pytest_cache
