# SPDX-License-Identifier: GPL-2.0-only
# Certification reports: the HTML report checked in a headless Chromium (key elements,
# no console errors, no network, hostile strings inert, screenshots, 390 px wide, printed
# to PDF and read back with pdftotext), re-rendering from
# report.json, bundles and their verification, and run diffs on the real mtty fixture.
# Included from the top-level Makefile.

LIBS += -lm

REPORT_DEB_PKGS ?= chromium python3 signify-openbsd poppler-utils
REPORT_CHECK_DIR ?= $(BUILD)/report-check

.PHONY: report-check report-deps

# Installs what the browser test needs with the project's installer (nothing when present).
report-deps:
	$(Q)tools/apt-install.sh $(REPORT_DEB_PKGS)

# The screenshot lands in $(BUILD)/report-screenshot.png.
report-check: report-deps $(BUILD)/migcheck
	$(Q)tests/report-check.sh $(BUILD)/migcheck $(REPORT_CHECK_DIR) $(BUILD)/report-screenshot.png

# Each output read by a consumer that is not migcheck: junit.xml by xmllint against Jenkins
# xUnit's junit-10.xsd, the KTAP by the kernel's kunit.py (from the rig's linux-source-6.12,
# vm/fetch.sh), report.json by python3-jsonschema against reports/report.schema.json.
OUTPUTS_DEB_PKGS ?= libxml2-utils python3 python3-jsonschema xz-utils
OUTPUTS_CHECK_DIR ?= $(BUILD)/outputs-check

.PHONY: outputs-check
outputs-check: $(BUILD)/migcheck
	$(Q)tools/apt-install.sh $(OUTPUTS_DEB_PKGS)
	$(Q)tests/outputs-check.sh $(BUILD)/migcheck $(OUTPUTS_CHECK_DIR)
