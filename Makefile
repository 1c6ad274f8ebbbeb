# VXacq — `make demo` starts the console on the simulator; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench bench-all docs translations translations-update system-tools gui-libs dist-tools dist \
	dist-check deb-lifecycle clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Reinstall when the dependencies change.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	@# older venvs carry the GPL-3 decoder the console no longer uses: pydicom would still pick it
	$(PY) -m pip uninstall -q -y pylibjpeg-libjpeg 2>/dev/null || true
	touch $(STAMP)

# The packaging tools (PyInstaller, build) only for `make dist`.
DIST_STAMP := $(VENV)/.dist-stamp
$(DIST_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install -q -e '.[test,dist]'
	touch $(DIST_STAMP)

# The window's translations: Qt Linguist sources (vxacq_<language>.ts, kept in git) compiled to
# .qm (build output) by lrelease; both tools come with the PySide6-Essentials wheel.
I18N := vxacq/resources/i18n
TS := $(wildcard $(I18N)/vxacq_*.ts)
QM := $(TS:.ts=.qm)
translations: $(QM)

$(I18N)/%.qm: $(I18N)/%.ts | $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

# After texts changed in vxacq/ui: every .ts takes the new and changed source texts (to be
# translated in pyside6-linguist) and drops the ones no longer used.
translations-update: $(STAMP)
	$(VENV)/bin/pyside6-lupdate -silent -no-obsolete -locations none -source-language en \
		$(sort $(wildcard vxacq/ui/*.py)) -ts $(TS)

system-tools:
	./scripts/install-system-tools.sh tools

gui-libs:
	./scripts/install-system-tools.sh gui

dist-tools:
	./scripts/install-system-tools.sh dist

demo: $(STAMP) gui-libs translations
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ] && [ "$$QT_QPA_PLATFORM" != "offscreen" ]; then \
		echo "No display: starting the console under xvfb-run"; \
		xvfb-run -a -s "-screen 0 1600x1000x24" $(PY) -m vxacq demo; \
	else \
		$(PY) -m vxacq demo; \
	fi

test: $(STAMP) system-tools translations
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks reuse the tests' real peers (tests/peers.py) and sample data.
# `make bench`: every benchmark that prints a figure with its goal beside it (the README's
# "Performance figures"), with few runs so it ends in minutes; under nice -n -10 where allowed,
# the machine being shared. `make bench-all`: every benchmark with its own defaults.
BENCH_ENV = PYTHONPATH=$(CURDIR):$(CURDIR)/tests:$(CURDIR)/tests/net
NICE = $(shell nice -n -10 true 2>/dev/null && echo nice -n -10)
bench: $(STAMP) system-tools gui-libs
	@for f in benchmarks/*.py; do \
		grep -qi "goal" $$f || continue; \
		case $$(basename $$f) in commands.py|worklist.py) runs=5;; *) runs=3;; esac; \
		args=$$(grep -q '"--runs"' $$f && echo "--runs $$runs"); \
		echo "## $(NICE) $(PY) $$f $$args"; \
		$(BENCH_ENV) $(NICE) $(PY) $$f $$args || exit 1; done

bench-all: $(STAMP) system-tools gui-libs
	@for f in benchmarks/*.py; do echo "## $$f"; $(BENCH_ENV) $(PY) $$f || exit 1; done

# The DICOM Conformance Statement, generated from the code (tests/test_conformance_statement.py).
docs: $(STAMP)
	$(PY) -m vxacq.docs.conformance

# Wheel, sdist, the self-contained bundle (dist/vxacq/) and the Debian package, into dist/.
dist: $(DIST_STAMP) dist-tools translations
	PY=$(PY) ./installer/build-dist.sh

# Slow, so not part of `make test`: the .deb unpacked and its bundled vxacq run, then lintian.
dist-check: dist-tools $(STAMP)
	PY=$(PY) ./installer/dist-check.sh

# Slower still, and needs root: the .deb installed, run as its service, upgraded over the
# previous version with queued jobs intact, and purged, in a throw-away overlay root.
deb-lifecycle: dist-tools
	./installer/deb-lifecycle.sh

clean:
	rm -rf $(VENV) .demo build dist *.egg-info $(QM)
