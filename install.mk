# SPDX-License-Identifier: GPL-2.0-only
# make install / make uninstall (PREFIX=/usr/local, DESTDIR= for a staging tree, as
# packagers use it): the binary, the static binary for guests, the man page, the bash
# completion and the documentation of the case tables and clauses. One list says what
# goes where; uninstall removes exactly those files and the directories that are
# migcheck's own. Included from the top-level Makefile.

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
# Not a command for the host's PATH but a file to copy into a guest or an initramfs
# (vm/mkinitramfs.sh takes it): a package's private executable, FHS's /usr/lib/<package>.
PKGLIBDIR   ?= $(PREFIX)/lib/migcheck
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/migcheck
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

# source|destination|mode
INSTALL_FILES = \
	$(BUILD)/migcheck|$(BINDIR)/migcheck|0755 \
	$(BUILD)/migcheck-static|$(PKGLIBDIR)/migcheck-static|0755 \
	doc/migcheck.1|$(MANDIR)/man1/migcheck.1|0644 \
	completion/migcheck.bash|$(BASHCOMPDIR)/migcheck|0644 \
	README.md|$(DOCDIR)/README.md|0644 \
	COPYING|$(DOCDIR)/COPYING|0644 \
	docs/CLAUSES.md|$(DOCDIR)/CLAUSES.md|0644 \
	cases/README.md|$(DOCDIR)/cases/README.md|0644
# The directories only migcheck puts files in, deepest first.
INSTALL_OWN_DIRS = $(DOCDIR)/cases $(DOCDIR) $(PKGLIBDIR)

inst_field = $(word $(1),$(subst |, ,$(2)))

.PHONY: install uninstall install-check deb deb-check

install: $(BUILD)/migcheck $(BUILD)/migcheck-static
	$(Q)set -e; $(foreach f,$(INSTALL_FILES),\
	  install -D -m $(call inst_field,3,$(f)) $(call inst_field,1,$(f)) \
	    '$(DESTDIR)$(call inst_field,2,$(f))'; echo '  INSTALL $(DESTDIR)$(call inst_field,2,$(f))';)

uninstall:
	$(Q)$(foreach f,$(INSTALL_FILES),rm -f '$(DESTDIR)$(call inst_field,2,$(f))';)
	$(Q)$(foreach d,$(INSTALL_OWN_DIRS),! test -d '$(DESTDIR)$(d)' || rmdir --ignore-fail-on-non-empty '$(DESTDIR)$(d)';)

# Install into a scratch DESTDIR, run the installed binary, read the installed page and
# completion, uninstall, and find nothing left.
# The make program is passed under another name: a recipe line naming $(MAKE) runs even
# under make -n, and rig-check reads what `make -n check` would do.
INSTALL_CHECK_MAKE = $(MAKE)
install-check: $(BUILD)/migcheck $(BUILD)/migcheck-static
	$(Q)tests/install-check.sh $(INSTALL_CHECK_MAKE) $(BUILD)/install-check

# A Debian package of HEAD, built from the tarball make dist makes (so from committed
# files only, and its version names the commit), then checked with lintian: in
# $(BUILD)/deb/. Installs its build tools through the project's installer.
# dpkg-buildpackage refuses to start without debian/control's Build-Depends, which are
# installed from that one list (debhelper-compat is debhelper's, named above).
DEB_BUILD_PKGS ?= debhelper lintian fakeroot dpkg-dev
DEB_BUILD_DEPS := $(shell sed -n 's/^Build-Depends: //p' debian/control | tr , '\n' | \
                    sed 's/[(].*[)]//; s/ //g' | grep -vx 'debhelper-compat')
deb: dist
	$(Q)tools/apt-install.sh --no-recommends $(DEB_BUILD_PKGS) $(DEB_BUILD_DEPS)
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb
	$(Q)tar -xzf $(BUILD)/migcheck-$(VERSION).tar.gz -C $(BUILD)/deb
	$(Q)cd $(BUILD)/deb/migcheck-$(VERSION) && dpkg-buildpackage -b -uc -us
	$(Q)lintian --fail-on warning $(BUILD)/deb/migcheck_$(VERSION)_*.deb
	@echo "deb: $(BUILD)/deb/migcheck_$(VERSION)_$$(dpkg --print-architecture).deb, lintian clean"

# The package of make deb installed through apt in a new Debian 12 root, with nothing but
# its Depends to find its libraries, runs the case set on the simulated device there.
deb-check: deb
	$(Q)tests/deb-check.sh $(BUILD)/deb/migcheck_$(VERSION)_$$(dpkg --print-architecture).deb
