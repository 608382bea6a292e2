# mod_concerto: build, test, run and install.
#   make            build/mod_concerto.so and build/concertoctl
#   make run        a private Apache on 127.0.0.1:$(PORT) with the data in var/
#   make check      every test (unit, integration on SQLite, PostgreSQL and MariaDB,
#                   browser, ...); CONCERTO_TEST_DBS="sqlite pgsql" runs the
#                   integration suite on those databases only
#   make check-asan the unit tests built with AddressSanitizer and UBSan
#   make install    into $(DESTDIR), paths from apxs -q
#   make deps       the Debian packages a fresh machine lacks
#   make deb        the Debian package (dpkg-buildpackage, lintian) into $(BUILD)/deb
#   make check-deb  the .deb installed and used in a throwaway Debian root (root, ~3 min)

APXS      ?= apxs
PORT      ?= 8080
BUILD     ?= build
SAN       ?=
VERSION   := 0.1.0

DEB_PACKAGES := build-essential pkg-config apache2 apache2-dev libapr1-dev libaprutil1-dev \
                libaprutil1-dbd-sqlite3 libaprutil1-dbd-pgsql libaprutil1-dbd-mysql \
                mariadb-server mariadb-client libaprutil1-dbd-odbc unixodbc odbc-postgresql \
                libjson-c-dev libssl-dev libyaml-dev zlib1g-dev check \
                libsubunit-dev sqlite3 postgresql postgresql-client curl python3 prometheus \
                clang-format clang-tidy cppcheck clang chromium libjs-codemirror \
                r-base-core r-base-dev r-cran-jsonlite r-cran-dbi r-cran-rsqlite \
                rpm

# Everything from apxs and pkg-config is looked up lazily, so that `make deps`
# works on a machine that has none of it yet.
AP_INCLUDEDIR  = $(shell $(APXS) -q INCLUDEDIR 2>/dev/null)
AP_LIBEXECDIR  = $(shell $(APXS) -q LIBEXECDIR 2>/dev/null)
AP_SYSCONFDIR  = $(shell $(APXS) -q SYSCONFDIR 2>/dev/null)
AP_CPPFLAGS    = $(shell $(APXS) -q EXTRA_CPPFLAGS 2>/dev/null)
APR_CFLAGS     = $(shell apr-1-config --cppflags --includes 2>/dev/null) \
                 $(shell apu-1-config --includes 2>/dev/null)
APR_LIBS       = $(shell apr-1-config --link-ld --libs 2>/dev/null) \
                 $(shell apu-1-config --link-ld --libs 2>/dev/null)
DEP_CFLAGS     = $(shell pkg-config --cflags json-c libcrypto yaml-0.1 zlib 2>/dev/null)
DEP_LIBS       = $(shell pkg-config --libs json-c libcrypto yaml-0.1 zlib 2>/dev/null) -lm
# Embedded R (mod_concerto/rhost): headers, libR, and R_HOME as found at build time.
R_CFLAGS       = $(shell pkg-config --cflags-only-I libR 2>/dev/null) \
                 -DCONCERTO_R_HOME='"$(shell R RHOME 2>/dev/null)"'
R_LIBS         = $(shell pkg-config --libs-only-L --libs-only-l libR 2>/dev/null) -lrt
CHECK_CFLAGS   = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS     = $(shell pkg-config --libs check 2>/dev/null)

# The shared reference material (catR's golden values for the unit tests).
SHARED_DIR ?= $(CURDIR)/../shared

PREFIX     ?= /usr
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= /var/lib/concerto
DOCDIR     ?= $(PREFIX)/share/doc/concerto

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -fPIC $(WARN) $(CFLAGS) $(SAN) -I mod_concerto -I $(BUILD)/gen \
             $(APR_CFLAGS) $(DEP_CFLAGS) $(R_CFLAGS) -DCONCERTO_VERSION='"$(VERSION)"' \
             -DCONCERTO_DEFAULT_DATA_DIR='"$(DATADIR)"'
# The core never sees httpd's headers; only the glue gets INCLUDEDIR.
GLUE_CFLAGS = $(ALL_CFLAGS) -I $(AP_INCLUDEDIR) $(AP_CPPFLAGS)

CORE_SRC  := $(sort $(wildcard mod_concerto/core/*.c mod_concerto/store/*.c mod_concerto/monitor/*.c \
                              mod_concerto/cat/*.c mod_concerto/catapi/*.c \
                              mod_concerto/runner/*.c mod_concerto/rhost/*.c \
                              mod_concerto/tasks/*.c mod_concerto/content/*.c \
                              mod_concerto/admin/*.c))
GLUE_SRC  := $(sort $(wildcard mod_concerto/httpd/*.c))
CLI_SRC   := $(sort $(wildcard mod_concerto/cli/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
MIGRATIONS := $(sort $(wildcard mod_concerto/store/migrations/[0-9]*.sql))
# The admin pages' code editor (mod_concerto/www/bundle-codemirror.sh).
CODEMIRROR_DIR ?= /usr/share/javascript/codemirror
ADMIN_ASSETS := $(sort $(wildcard mod_concerto/www/admin*.js mod_concerto/www/admin*.css))
ASSETS     := mod_concerto/www/runner.css mod_concerto/www/runner.js $(ADMIN_ASSETS) \
              $(BUILD)/gen/www/codemirror.js $(BUILD)/gen/www/codemirror.css

CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o \
             $(BUILD)/obj/gen/assets.o
GLUE_OBJ  := $(GLUE_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_OBJ  := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o)

.PHONY: rpm-check r-install all run check check-unit check-integration check-browser check-asan install deps clean format lint bench \
        fuzz r-package r-sources check-r

all: $(BUILD)/mod_concerto.so $(BUILD)/concertoctl

$(BUILD)/gen/migrations.c: $(MIGRATIONS) mod_concerto/store/migrations/embed.sh
	@mkdir -p $(@D)
	sh mod_concerto/store/migrations/embed.sh $@ $(MIGRATIONS)

$(BUILD)/gen/www/codemirror.css: $(BUILD)/gen/www/codemirror.js
$(BUILD)/gen/www/codemirror.js: mod_concerto/www/bundle-codemirror.sh
	sh mod_concerto/www/bundle-codemirror.sh $(@D) $(CODEMIRROR_DIR)

$(BUILD)/gen/assets.c: $(ASSETS) mod_concerto/www/embed.sh
	@mkdir -p $(@D)
	sh mod_concerto/www/embed.sh $@ $(ASSETS)

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	@echo "  CC  $@"; $(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/mod_concerto/httpd/%.o: mod_concerto/httpd/%.c
	@mkdir -p $(@D)
	@echo "  CC  $@"; $(CC) $(GLUE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	@echo "  CC  $@"; $(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -DSHARED_DIR='"$(SHARED_DIR)"' -DSOURCE_DIR='"$(CURDIR)"' -MMD -MP -c $< -o $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC  $@"; $(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libconcerto.a: $(CORE_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/mod_concerto.so: $(GLUE_OBJ) $(BUILD)/libconcerto.a
	@echo "  CC  $@"; $(CC) -shared $(SAN) $(LDFLAGS) -Wl,-z,relro -Wl,-z,now -o $@ $(GLUE_OBJ) $(BUILD)/libconcerto.a $(DEP_LIBS) \
	    $(R_LIBS)

$(BUILD)/concertoctl: $(CLI_OBJ) $(BUILD)/libconcerto.a
	@echo "  CC  $@"; $(CC) $(SAN) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libconcerto.a $(APR_LIBS) $(DEP_LIBS)

$(BUILD)/check_concerto: $(UNIT_OBJ) $(BUILD)/libconcerto.a
	@echo "  CC  $@"; $(CC) $(SAN) -o $@ $(UNIT_OBJ) $(BUILD)/libconcerto.a $(APR_LIBS) $(DEP_LIBS) \
	    $(R_LIBS) $(CHECK_LIBS)

$(BUILD)/cat_bench: tests/bench/cat_bench.c $(BUILD)/libconcerto.a
	@echo "  CC  $@"; $(CC) $(ALL_CFLAGS) -DSHARED_DIR='"$(CURDIR)/../shared"' -o $@ $< \
	    $(BUILD)/libconcerto.a $(APR_LIBS) $(DEP_LIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

run: deps all r-install
	sh conf/run.sh $(PORT)

check: deps all $(BUILD)/check_concerto r-install
	sh tests/run-all.sh $(BUILD)

check-unit: $(BUILD)/check_concerto
	$(BUILD)/check_concerto

check-integration: all r-install
	python3 tests/integration/run.py --build $(BUILD) --db all

check-browser: deps all r-install
	python3 tests/browser/run.py --build $(BUILD)

# LeakSanitizer: R keeps its heap until the process ends (tests/unit/lsan.supp).
check-asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/unit/lsan.supp:print_suppressions=0 $(MAKE) BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" check-unit

# The R package (r/): the engine's sources are copied into r/src (those
# copies are gitignored), then R CMD build and R CMD check run in build/r.
# After `make r-sources` (or r-package), `R CMD INSTALL r/` installs it.
ENGINE_SRC := $(sort $(wildcard mod_concerto/cat/*.c mod_concerto/cat/*.h))
r-sources:
	cp $(ENGINE_SRC) r/src/

r-package: r-sources
	rm -rf $(BUILD)/r && mkdir -p $(BUILD)/r
	cd $(BUILD)/r && R CMD build $(CURDIR)/r && \
	    _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual concerto_*.tar.gz

# The R package for Apache's children (ConcertoRLibrary $(BUILD)/r/lib in
# make run and the integration tests).
R_LIB := $(BUILD)/r/lib
r-install: r-sources
	@mkdir -p $(R_LIB)
	@echo "  R CMD INSTALL -l $(R_LIB) r"; R CMD INSTALL -l $(R_LIB) r >$(BUILD)/r/install.log 2>&1 || \
	    { cat $(BUILD)/r/install.log; exit 1; }

# The R package's tests and the golden comparison with catR (installs the
# package into $(BUILD)/r/lib, not into R's site library).
check-r: r-sources
	sh tests/r/run.sh $(BUILD)

# Not a test: prints our time per call beside catR's (see README, Benchmarks).
bench: $(BUILD)/cat_bench
	$(BUILD)/cat_bench

# libFuzzer (clang) over `concertoctl cat`'s JSON requests and the engine;
# FUZZ_SECONDS bounds the run. make check runs it for 30 s.
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= catapi
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_TARGET) $(FUZZ_SECONDS)

install: all
	install -d $(DESTDIR)$(AP_LIBEXECDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 $(BUILD)/mod_concerto.so $(DESTDIR)$(AP_LIBEXECDIR)/mod_concerto.so
	install -m 0755 $(BUILD)/concertoctl $(DESTDIR)$(BINDIR)/concertoctl
	install -m 0644 README $(DESTDIR)$(DOCDIR)/README
	install -m 0644 conf/example-vhost.conf conf/example.htaccess $(DESTDIR)$(DOCDIR)/examples/
	install -d -m 0750 $(DESTDIR)$(DATADIR)

# The Debian package (debian/). dpkg-buildpackage writes next to the source
# tree; the results are moved into $(DEB_OUT). make check-deb needs debootstrap.
DEB_PACKAGES += debhelper dpkg-dev lintian debootstrap
.PHONY: deb check-deb
DEB_OUT  := $(BUILD)/deb
DEB_ARCH  = $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)
DEB_FILE  = $(DEB_OUT)/libapache2-mod-concerto_$(VERSION)_$(DEB_ARCH).deb
deb:
	@grep -q '^mod-concerto ($(VERSION))' debian/changelog || \
	    { echo "make deb: debian/changelog's version is not $(VERSION)"; exit 1; }
	dpkg-buildpackage -us -uc -b
	@mkdir -p $(DEB_OUT)
	mv ../libapache2-mod-concerto_$(VERSION)_$(DEB_ARCH).deb \
	   ../libapache2-mod-concerto-dbgsym_$(VERSION)_$(DEB_ARCH).deb \
	   ../mod-concerto_$(VERSION)_$(DEB_ARCH).buildinfo ../mod-concerto_$(VERSION)_$(DEB_ARCH).changes \
	   $(DEB_OUT)/
	lintian --fail-on error $(DEB_OUT)/mod-concerto_$(VERSION)_$(DEB_ARCH).changes

check-deb: deb
	sh tests/deb/chroot-install.sh $(DEB_FILE)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing" $$missing; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (or install these packages)"; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@# The browser test's node and playwright-core (Debian's nodejs unless a node is there).
	@if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  echo "make deps: installing nodejs npm"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (or install nodejs and npm)"; exit 1; fi; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm; \
	fi
	@if [ ! -d tests/browser/node_modules/playwright-core ]; then \
	  echo "make deps: npm ci in tests/browser"; \
	  cd tests/browser && npm ci --no-audit --no-fund; \
	fi

format:
	clang-format -i $(CORE_SRC) $(GLUE_SRC) $(CLI_SRC) $(UNIT_SRC) $(wildcard mod_concerto/*/*.h)

TIDY_FLAGS = -std=gnu11 -I mod_concerto -I $(BUILD)/gen $(APR_CFLAGS) $(DEP_CFLAGS) $(R_CFLAGS) \
             -DCONCERTO_VERSION='"$(VERSION)"' $(AP_CPPFLAGS)

lint: $(BUILD)/gen/migrations.c
	clang-format --dry-run --Werror $(CORE_SRC) $(GLUE_SRC) $(CLI_SRC) $(UNIT_SRC) $(wildcard mod_concerto/*/*.h)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr -D__GNUC__ -DCONCERTO_VERSION='"$(VERSION)"' -I mod_concerto \
	    $(CORE_SRC) $(GLUE_SRC) $(CLI_SRC)
	clang-tidy --quiet $(CORE_SRC) $(CLI_SRC) -- $(TIDY_FLAGS)
	clang-tidy --quiet $(GLUE_SRC) -- $(TIDY_FLAGS) -I $(AP_INCLUDEDIR)

# The RPM spec on this Debian machine (rpm from Debian, not a Fedora build):
# rpmspec --parse, then rpmbuild --nodeps -bb with the Fedora macros Debian
# lacks (rpm/macros.fedora) from a tarball of the working tree, and the
# package's file list checked against rpm/expected-files.txt.
# RPM_NOCHECK=1 skips the spec's %check (the unit tests).
RPM_TOP   = $(CURDIR)/$(BUILD)/rpm
RPM_MMN   = $(shell awk '/define MODULE_MAGIC_NUMBER_MAJOR/ {print $$3}' \
              $(AP_INCLUDEDIR)/ap_mmn.h 2>/dev/null)x8664
RPM_FLAGS = --load $(CURDIR)/rpm/macros.fedora \
            --define "_topdir $(RPM_TOP)" --define "_httpd_mmn $(RPM_MMN)"
rpm-check:
	@command -v rpmbuild >/dev/null || { echo "rpm-check: needs rpm (apt-get install rpm)"; exit 1; }
	rm -rf $(RPM_TOP) && mkdir -p $(RPM_TOP)/SOURCES
	rpmspec $(RPM_FLAGS) --parse rpm/mod_concerto.spec >$(RPM_TOP)/parsed.spec
	git ls-files -z --cached --others --exclude-standard | tar --null -T - --transform 's,^,mod_concerto-$(VERSION)/,' \
	    -czf $(RPM_TOP)/SOURCES/mod_concerto-$(VERSION).tar.gz
	tar -C $(SHARED_DIR)/.. -czf $(RPM_TOP)/SOURCES/mod_concerto-golden-$(VERSION).tar.gz \
	    --transform 's,^[^/]*/,shared/,' $(notdir $(SHARED_DIR))/golden/catr
	rpmbuild $(RPM_FLAGS) --nodeps -bb $(if $(RPM_NOCHECK),--nocheck) rpm/mod_concerto.spec \
	    >$(RPM_TOP)/build.log 2>&1 || { tail -40 $(RPM_TOP)/build.log; exit 1; }
	@# .build-id links name the binaries' build ids, which change with every build.
	for p in $(RPM_TOP)/RPMS/*/*.rpm; do rpm -qlp $$p; done | grep -v '^/usr/lib/\.build-id' | sort \
	    >$(RPM_TOP)/files.txt
	diff -u rpm/expected-files.txt $(RPM_TOP)/files.txt
	rpm -qp --requires $(RPM_TOP)/RPMS/*/mod_concerto-$(VERSION)-*.rpm | grep -q '^httpd-mmn = '
	@echo "rpm-check: spec parses; rpmbuild --nodeps built" $$(cd $(RPM_TOP)/RPMS && ls */*.rpm) \
	    "with the expected file list (no Fedora build, no dnf install, no SELinux: see README)"

clean:
	rm -rf build
