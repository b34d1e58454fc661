# hersteld — plain make with pkg-config.
#
#   make            build daemon/hersteld and cli/herstelctl
#   make run        install what is missing, build, run the daemon in the foreground
#   make check      install what is missing, build, run every test (also under ASan+UBSan)
#   make bench      the figures: list latency, idle memory, idle wake-ups,
#                   booking checks, feeds and the agenda page against nginx
#                   (needs wrk, nginx), web registrations; BENCH_ONLY=web etc.
#   make fuzz       build the libFuzzer harnesses (clang, ASan+UBSan) and run
#                   each for FUZZ_SECONDS (60); make fuzz-regress replays
#                   their corpora once, as make check does
#   make install    the programs, man pages, configuration, systemd unit,
#                   sysusers.d file and bash completion; PREFIX=/usr/local
#                   DESTDIR= SYSCONFDIR=/etc UNITDIR= (see below);
#                   make uninstall removes them again
#   make deb        the Debian package (build/deb/hersteld_*.deb)
#   make check-package  build it, lintian, install it, run and talk to the
#                   installed daemon, purge it (as root; not part of check)

PREFIX	?= /usr/local
SYSCONFDIR ?= /etc
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
# systemd's own directory for PREFIX=/usr, else the one under PREFIX
# that systemd also reads (/usr/local/lib/systemd/system).
SYSTEMD_UNITDIR := $(shell pkg-config --variable=systemdsystemunitdir systemd \
	2>/dev/null || echo /lib/systemd/system)
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),$(SYSTEMD_UNITDIR),$(PREFIX)/lib/systemd/system)
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
CC	?= cc
# What each program links: the daemon sends mail over SMTP with libcurl
# and tells systemd when it is ready (sd_notify, libsystemd).
DAEMON_PKGS = libical sqlite3 libconfig libmicrohttpd jansson libcrypto zlib libcurl \
	libsystemd
CLI_PKGS    = libcurl jansson
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CPPFLAGS += -D_GNU_SOURCE -Iinclude -MMD -MP
B	?= build/obj

PKG_CFLAGS  := $(shell pkg-config --cflags $(DAEMON_PKGS) $(CLI_PKGS) 2>/dev/null)
DAEMON_LIBS := $(shell pkg-config --libs $(DAEMON_PKGS) 2>/dev/null) -lpthread
CLI_LIBS    := $(shell pkg-config --libs $(CLI_PKGS) 2>/dev/null)

ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS	  += -Wl,--as-needed

# The daemon's sources by layer (see "Inside the daemon" in DESIGN.md):
# doors (HTTP, the API), the schedule layer, domain modules, the store,
# and the utilities every layer may use.
DOOR_SRCS = \
	daemon/http.c \
	daemon/api.c \
	daemon/api_booking.c \
	daemon/api_cocreate.c \
	daemon/api_event.c \
	daemon/api_feed.c \
	daemon/api_group.c \
	daemon/api_import.c \
	daemon/api_location.c \
	daemon/api_outbox.c \
	daemon/api_backup.c \
	daemon/api_participant.c \
	daemon/api_report.c \
	daemon/api_route.c \
	daemon/api_signal.c \
	daemon/api_token.c \
	daemon/html.c \
	daemon/web.c \
	daemon/web_agenda.c \
	daemon/web_confirm.c \
	daemon/web_guard.c \
	daemon/web_me.c \
	daemon/web_signal.c \
	daemon/web_page.c \
	daemon/web_session.c

SCHEDULE_SRCS = \
	daemon/schedule.c

DOMAIN_SRCS = \
	daemon/attendance.c \
	daemon/audit.c \
	daemon/availability.c \
	daemon/booking.c \
	daemon/cohost.c \
	daemon/event.c \
	daemon/feed.c \
	daemon/group.c \
	daemon/import.c \
	daemon/listing.c \
	daemon/location.c \
	daemon/melink.c \
	daemon/notice.c \
	daemon/optin.c \
	daemon/outbox.c \
	daemon/participant.c \
	daemon/recur.c \
	daemon/recur_memo.c \
	daemon/registration.c \
	daemon/report.c \
	daemon/report_cache.c \
	daemon/retention.c \
	daemon/signal.c \
	daemon/token.c \
	daemon/topic.c

STORE_SRCS = \
	daemon/store.c

UTIL_SRCS = \
	daemon/clock.c \
	daemon/conf.c \
	daemon/ics_lines.c \
	daemon/log.c \
	daemon/mail.c \
	daemon/mail_text.c \
	daemon/metrics.c \
	daemon/rfc5322.c \
	daemon/smtp.c \
	daemon/util.c \
	daemon/when.c

DAEMON_SRCS = $(DOOR_SRCS) $(SCHEDULE_SRCS) $(DOMAIN_SRCS) $(STORE_SRCS) \
	$(UTIL_SRCS)

CLI_SRCS = \
	cli/client.c \
	cli/cmd_attendance.c \
	cli/cmd_attendees.c \
	cli/cmd_audit.c \
	cli/cmd_backup.c \
	cli/cmd_booking.c \
	cli/cmd_closure.c \
	cli/cmd_cohost.c \
	cli/cmd_event.c \
	cli/cmd_feed.c \
	cli/cmd_followup.c \
	cli/cmd_group.c \
	cli/cmd_import.c \
	cli/cmd_location.c \
	cli/cmd_outbox.c \
	cli/cmd_participant.c \
	cli/cmd_register.c \
	cli/cmd_report.c \
	cli/cmd_room.c \
	cli/cmd_signal.c \
	cli/cmd_token.c \
	cli/cmd_topic.c \
	cli/csv.c \
	cli/main.c \
	cli/noun.c \
	cli/occurrence.c \
	cli/output.c

UNIT_TESTS = \
	api \
	booking \
	conf \
	event \
	html \
	location \
	mail \
	metrics \
	outbox \
	recur \
	registration \
	report \
	rfc5322 \
	schedule \
	store \
	util \
	when

DAEMON_OBJS = $(DAEMON_SRCS:%.c=$(B)/%.o)
CLI_OBJS    = $(CLI_SRCS:%.c=$(B)/%.o)
UNIT_BINS   = $(UNIT_TESTS:%=$(B)/tests/unit/test_%)

HERSTELD   ?= daemon/hersteld
HERSTELCTL ?= cli/herstelctl
# The bash completion, written from herstelctl's own help.
COMPLETION = build/herstelctl.bash

all: $(HERSTELD) $(HERSTELCTL) $(COMPLETION)

$(HERSTELD): $(DAEMON_OBJS) $(B)/daemon/main.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS)

$(HERSTELCTL): $(CLI_OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(CLI_LIBS)

$(COMPLETION): cli/herstelctl scripts/completion.sh cli/completion.bash
	@mkdir -p $(@D)
	scripts/completion.sh cli/herstelctl > $@.tmp && mv $@.tmp $@

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Unit tests link the pinned clock of tests/unit/testclock.c in place of
# the daemon's (daemon/clock.c): no test depends on the day it runs.
UNIT_OBJS = $(filter-out $(B)/daemon/clock.o,$(DAEMON_OBJS)) \
	$(B)/tests/unit/testclock.o \
	$(B)/tests/unit/testlib.o

# Each test links what it uses: its module and what that needs in turn,
# found in the object files' symbols (scripts/deps-graph.py --link).
$(B)/tests/unit/test_%: $(B)/tests/unit/test_%.o $(UNIT_OBJS)
	@echo "cc -o $@ $< (and the objects it uses)"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< \
	    $$(/usr/bin/python3 scripts/deps-graph.py --link $< $(UNIT_OBJS)) \
	    $(DAEMON_LIBS) -lcmocka

# libFuzzer harnesses (tests/fuzz/fuzz_<target>.c): the daemon's sources
# built again with clang, coverage and ASan+UBSan in their own object
# directory, linked with the pinned clock like the unit tests.  Each
# target keeps its corpus in tests/fuzz/corpus/<target>/; inputs that
# found a bug not yet fixed wait in tests/fuzz/found/<target>/.
FUZZ_TARGETS = \
	import \
	api \
	conf \
	when \
	path \
	mail

FUZZ_DIR     = build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_BINS    = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_OBJS    = $(UNIT_OBJS) $(B)/tests/fuzz/fuzzenv.o

$(FUZZ_DIR)/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(FUZZ_OBJS)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS)

.SECONDARY:

deps:
	@scripts/deps.sh

deps-check:
	@scripts/deps.sh check

deps-bench:
	@scripts/deps.sh bench

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	./daemon/hersteld -d -c conf/hersteld.conf

units: $(UNIT_BINS)

fuzz-build:
	@$(MAKE) --no-print-directory B=$(FUZZ_DIR)/obj CC=clang \
	    EXTRA_CFLAGS="-O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_BINS)

# Run each harness for FUZZ_SECONDS; new inputs that reach new code go
# into its corpus, crashes, time-outs and leaks into build/fuzz/artifacts.
fuzz: fuzz-build
	@mkdir -p $(FUZZ_DIR)/artifacts
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p tests/fuzz/corpus/$$t $(FUZZ_DIR)/artifacts/$$t; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	    ASAN_OPTIONS=detect_leaks=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	    $(FUZZ_DIR)/fuzz_$$t \
	        -detect_leaks=`tests/fuzz/leaks.sh $$t` \
	        `test -f tests/fuzz/$$t.dict && echo -dict=tests/fuzz/$$t.dict` \
	        -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -max_len=16384 -print_final_stats=1 \
	        -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ \
	        tests/fuzz/corpus/$$t 2>$(FUZZ_DIR)/fuzz_$$t.log; \
	    rc=$$?; grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
	        $(FUZZ_DIR)/fuzz_$$t.log | sed 's/^/    /'; \
	    if [ $$rc -ne 0 ]; then \
	        echo "fuzz: $$t FOUND A PROBLEM (exit $$rc): see $(FUZZ_DIR)/fuzz_$$t.log"; \
	        failed="$$failed $$t"; \
	    fi; \
	done; \
	ls $(FUZZ_DIR)/artifacts/*/* 2>/dev/null | sed 's/^/fuzz: artefact /'; \
	echo "fuzz: replay one with $(FUZZ_DIR)/fuzz_TARGET FILE; once the bug is"; \
	echo "fuzz: fixed, add the file to tests/fuzz/corpus/TARGET/ so that"; \
	echo "fuzz: make check replays it from then on (until then keep it in"; \
	echo "fuzz: tests/fuzz/found/TARGET/, which make check does not replay)."; \
	test -z "$$failed"

# Replay every corpus once (make check does this through tests/run.sh).
fuzz-regress: fuzz-build
	@tests/run.sh fuzz

# The suite runs twice: a normal build, then an ASan+UBSan build of the
# same sources in its own object directory.  A cycle among the daemon's
# modules fails it before the tests run (the graph is printed then).
check: deps-check
	@$(MAKE) --no-print-directory all units
	@$(MAKE) --no-print-directory B=build/asan \
	    HERSTELD=build/asan/hersteld HERSTELCTL=build/asan/herstelctl \
	    EXTRA_CFLAGS="-O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    build/asan/hersteld build/asan/herstelctl units
	@$(MAKE) --no-print-directory fuzz-build
	@out=$$(/usr/bin/python3 scripts/deps-graph.py --check $(B)/daemon) || \
	    { echo "$$out"; exit 1; }
	@tests/run.sh

# Which daemon module uses which (nm over the object files); fails on a
# cycle.
deps-graph: all
	@/usr/bin/python3 scripts/deps-graph.py --check $(B)/daemon

bench: deps-bench all
	@/usr/bin/python3 tests/bench/bench.py

# What make install puts where; make uninstall removes the same files.
# An existing $(SYSCONFDIR)/hersteld/hersteld.conf is never overwritten,
# and removed only while it is still the one installed.
INSTALLED = \
	$(SBINDIR)/hersteld \
	$(BINDIR)/herstelctl \
	$(MANDIR)/man8/hersteld.8 \
	$(MANDIR)/man1/herstelctl.1 \
	$(MANDIR)/man5/hersteld.conf.5 \
	$(SYSCONFDIR)/hersteld/hersteld.conf.example \
	$(UNITDIR)/hersteld.service \
	$(SYSUSERSDIR)/hersteld.conf \
	$(COMPLETIONDIR)/herstelctl

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/hersteld \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(COMPLETIONDIR)
	install -m 755 daemon/hersteld $(DESTDIR)$(SBINDIR)/hersteld
	install -m 755 cli/herstelctl $(DESTDIR)$(BINDIR)/herstelctl
	install -m 644 man/hersteld.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/herstelctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/hersteld.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 conf/hersteld.conf \
	    $(DESTDIR)$(SYSCONFDIR)/hersteld/hersteld.conf.example
	test -e $(DESTDIR)$(SYSCONFDIR)/hersteld/hersteld.conf || \
	    install -m 644 conf/hersteld-server.conf \
	        $(DESTDIR)$(SYSCONFDIR)/hersteld/hersteld.conf
	sed -e 's|/usr/sbin/hersteld|$(SBINDIR)/hersteld|g' \
	    -e 's|/etc/hersteld/|$(SYSCONFDIR)/hersteld/|g' \
	    conf/hersteld.service > $(DESTDIR)$(UNITDIR)/hersteld.service
	chmod 644 $(DESTDIR)$(UNITDIR)/hersteld.service
	install -m 644 conf/hersteld.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/hersteld.conf
	install -m 644 $(COMPLETION) $(DESTDIR)$(COMPLETIONDIR)/herstelctl

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	! cmp -s conf/hersteld-server.conf \
	    $(DESTDIR)$(SYSCONFDIR)/hersteld/hersteld.conf || \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/hersteld/hersteld.conf
	rmdir $(DESTDIR)$(SYSCONFDIR)/hersteld 2>/dev/null || true

# The Debian package (debian/), built with dpkg-buildpackage in a copy of
# the tree under build/deb, where the .deb and .changes land too (not in
# the directory above the tree).
DEB_DIR = build/deb
DEB_SRC = $(DEB_DIR)/hersteld

deps-package:
	@scripts/deps.sh package

deb: deps-package
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	git ls-files -z --cached --others --exclude-standard | \
	    xargs -0 sh -c 'for f; do [ -e "$$f" ] || [ -L "$$f" ] && \
	        printf "%s\0" "$$f"; done' sh | \
	    tar -c --null -T - -f - | tar -x -C $(DEB_SRC) -f -
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b
	@ls $(DEB_DIR)/*.deb

# Build, lintian, install, run and talk to the installed daemon, purge:
# tests/package.sh (root; changes the system while it runs).
check-package: deb
	@tests/package.sh $(DEB_DIR)

clean:
	rm -rf build daemon/hersteld cli/herstelctl

.PHONY: all deps deps-check deps-bench deps-graph run units check bench install \
	uninstall deb check-package deps-package clean \
	fuzz fuzz-build fuzz-regress

-include $(shell find build -name '*.d' -type f 2>/dev/null)
