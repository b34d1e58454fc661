/*
 * hersteld: start-up, signals and shutdown.  Order: configuration, zones,
 * store, listeners, then the main thread waits for signals.  All other
 * threads block the signals we handle, so the main thread takes them
 * synchronously with sigwait(2): no handler, no polling, no races.
 * Under systemd (Type=notify) it tells the service manager when it is
 * ready, reloading and stopping; without $NOTIFY_SOCKET those calls do
 * nothing.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <systemd/sd-daemon.h>

#include "hersteld/web.h"
#include "hersteld/booking.h"
#include "hersteld/outbox.h"
#include "hersteld/conf.h"
#include "hersteld/feed.h"
#include "hersteld/http.h"
#include "hersteld/log.h"
#include "hersteld/proto.h"
#include "hersteld/recur.h"
#include "hersteld/report_cache.h"
#include "hersteld/schedule.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

/*
 * Shutdown waits up to ten seconds for requests in flight (http_stop);
 * whatever is still busy after this many seconds -- a request stuck in a
 * library, a mail delivery waiting for a silent SMTP server -- does not
 * keep the daemon alive.  Exiting then loses only that unfinished work:
 * a store transaction that did not commit is not in the database (SQLite
 * is atomic), and a message caught in 'sending' is looked at again at
 * the next start.  The exit status stays 0: the daemon stopped as asked.
 */
#define STOP_DEADLINE	12

static void *
stop_watch(void *arg)
{
	struct timespec left = { STOP_DEADLINE, 0 };

	(void)arg;
	while (nanosleep(&left, &left) == -1 && errno == EINTR)
		;
	log_warnx("shutdown: still busy %d s after the signal (a request or "
	    "a mail delivery has not finished); exiting without it, its "
	    "changes not committed", STOP_DEADLINE);
	_exit(EX_OK);
	return NULL;
}

/* Start the deadline of a shutdown; without it, shutdown is only slower. */
static void
stop_deadline(void)
{
	pthread_attr_t attr;
	pthread_t t;

	if (pthread_attr_init(&attr) != 0)
		return;
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, stop_watch, NULL) != 0)
		log_warnx("shutdown: no deadline (cannot start a thread)");
	pthread_attr_destroy(&attr);
}

static void
usage(void)
{
	fprintf(stderr, "usage: hersteld [-c FILE] [-d] [-n] [-v]\n"
	    "       hersteld [-c FILE] --restore BACKUP\n"
	    "  -c FILE  configuration (default: conf/hersteld.conf)\n"
	    "  -d       stay in the foreground and log to stderr\n"
	    "           (otherwise detach and log to syslog)\n"
	    "  -n       check the configuration and exit\n"
	    "  -v       more logging (debug)\n"
	    "  --restore BACKUP  put a backup (herstelctl backup) back as the\n"
	    "           database; the daemon must be stopped\n");
	exit(EX_USAGE);
}

/* What the daemon actually runs on; a reload cannot change these. */
static char	*running_db, *running_socket, *running_http;

/*
 * Tell the service manager (sd_notify(3)); a no-op when $NOTIFY_SOCKET
 * is unset.  A failure to tell it is logged and otherwise ignored: the
 * daemon works the same, systemd only learns of it later.
 */
static void
notify(const char *state)
{
	int rc;

	if ((rc = sd_notify(0, state)) < 0)
		log_warnx("sd_notify: %s", strerror(-rc));
}

/* Read the configuration again; keep the running one when it is bad. */
static void
reload_conf(const char *path, int verbose)
{
	struct conf *c;
	char err[1024];

	if ((c = conf_load(path, err, sizeof(err))) == NULL) {
		log_warnx("reload failed, keeping the running configuration: %s",
		    err);
		return;
	}
	if (strcmp(c->database, running_db) ||
	    strcmp(c->listen_socket, running_socket) ||
	    strcmp(c->listen_http, running_http))
		log_warnx("reload: database and listen changes take effect "
		    "after a restart; still on %s, socket %s, http %s",
		    running_db, running_socket[0] ? running_socket : "(none)",
		    running_http[0] ? running_http : "(none)");
	log_set_level(verbose ? LOG_LVL_DEBUG : c->log_level);
	conf_install(c);
	/* Feed windows, refresh and links may have changed: render anew. */
	feed_shutdown();
	web_shutdown();
	log_info("configuration reloaded from %s", path);
}

static void
reload(const char *path, int verbose)
{
	char state[64];
	struct timespec ts;

	/*
	 * RELOADING=1 with the time it began (MONOTONIC_USEC, which newer
	 * systemd wants for Type=notify-reload); READY=1 when done, also
	 * when the new file was refused and the old one stays.
	 */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(state, sizeof(state), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	notify(state);
	reload_conf(path, verbose);
	notify("READY=1");
}

/*
 * hersteld --restore FILE: the backup becomes the database.  Refused
 * while a daemon answers on the socket (it would keep the old database
 * open and write to it).
 */
static int
restore(struct conf *c, const char *file)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char err[1024];
	int fd, version, running = 0;

	if (strlen(c->listen_socket) < sizeof(sa.sun_path) &&
	    (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0) {
		memcpy(sa.sun_path, c->listen_socket,
		    strlen(c->listen_socket) + 1);
		running = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
	}
	if (running) {
		fprintf(stderr, "hersteld: a daemon answers on %s; stop it "
		    "before restoring\n", c->listen_socket);
		conf_free(c);
		when_shutdown();
		return EX_TEMPFAIL;
	}
	if (store_restore(file, c->database, &version, err, sizeof(err))) {
		fprintf(stderr, "hersteld: %s\n", err);
		conf_free(c);
		when_shutdown();
		return EX_DATAERR;
	}
	fprintf(stderr, "hersteld: %s restored into %s (schema version %d%s)\n",
	    file, c->database, version, version < STORE_VERSION ?
	    "; it is brought up to date when the daemon starts" : "");
	conf_free(c);
	when_shutdown();
	return EX_OK;
}

/*
 * Descriptors: 256 connections on each listener and the files of up to
 * 256 cached feeds (plain and gzip, each once and once more for every
 * thread that sent it, at most eight: 4608) pass the soft limit of 1024
 * systemd gives a service.  Take up to 8192 where the hard limit allows;
 * short of it, a feed is served from memory instead.
 */
static void
more_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= 8192)
		return;
	rl.rlim_cur = rl.rlim_max < 8192 ? rl.rlim_max : 8192;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "restore", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = "conf/hersteld.conf", *restore_file = NULL;
	int foreground = 0, check = 0, verbose = 0, ch, sig;
	struct conf *c;
	char err[1024];
	sigset_t set;

	while ((ch = getopt_long(argc, argv, "c:dnvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'd': foreground = 1; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		case 'R': restore_file = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || (restore_file && (check || foreground)))
		usage();

	log_init(1, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if ((c = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "hersteld: %s\n", err);
		return EX_CONFIG;
	}
	if (restore_file)
		return restore(c, restore_file);
	if (check) {
		/* What start-up would refuse with 69, checked the same way. */
		if (store_check(c->database, err, sizeof(err)) != 0 ||
		    http_check(c, err, sizeof(err)) != 0) {
			fprintf(stderr, "hersteld: %s\n", err);
			conf_free(c);
			when_shutdown();
			return EX_UNAVAILABLE;
		}
		fprintf(stderr, "hersteld: configuration %s OK\n", path);
		conf_free(c);
		when_shutdown();
		return EX_OK;
	}
	conf_install(c);
	log_set_level(verbose ? LOG_LVL_DEBUG : c->log_level);
	running_db = strdup(c->database);
	running_socket = strdup(c->listen_socket);
	running_http = strdup(c->listen_http);

	/* Signals: block them everywhere before any thread starts. */
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	json_object_seed(0);
	/* libcurl's global state, before any thread exists. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx(EX_SOFTWARE, "cannot initialise libcurl");
	/*
	 * One malloc arena: requests are few and short, and per-thread
	 * arenas would each keep their own freed memory at idle.
	 */
	mallopt(M_ARENA_MAX, 1);
	more_files();
	/*
	 * Start-up errors still reach the terminal: the store and the
	 * sockets are opened before the daemon detaches, and no thread
	 * exists until after it has.
	 */
	if (store_init(c->database, err, sizeof(err)) != 0)
		fatalx(EX_UNAVAILABLE, "%s", err);
	if (http_listen(c, err, sizeof(err)) != 0)
		fatalx(EX_UNAVAILABLE, "%s", err);
	if (!foreground) {
		if (daemon(1, 0) != 0) {
			http_stop();
			fatal(EX_OSERR, "daemon");
		}
		log_init(0, verbose ? LOG_LVL_DEBUG : c->log_level);
	}
	if (http_start(err, sizeof(err)) != 0)
		fatalx(EX_UNAVAILABLE, "%s", err);
	if (schedule_nightly_start() != 0)
		fatal(EX_OSERR, "cannot start the horizon thread");
	if (outbox_start() != 0)
		fatal(EX_OSERR, "cannot start the mail delivery thread");
	log_info("hersteld %s started: database %s, socket %s, http %s",
	    HERSTELD_VERSION, c->database,
	    c->listen_socket[0] ? c->listen_socket : "(none)",
	    c->listen_http[0] ? c->listen_http : "(none)");
	/* Both listeners answer now: what "started" means to systemd. */
	notify("READY=1\nSTATUS=answering on the socket and listen.http");

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(path, verbose);
			/* New mail settings, or a clock that moved: look again. */
			outbox_kick();
			continue;
		}
		break;
	}
	log_info("shutting down (signal %d)", sig);
	notify("STOPPING=1");
	stop_deadline();
	schedule_nightly_stop();
	http_stop();
	outbox_stop();
	feed_shutdown();
	web_shutdown();
	report_cache_clear();
	recur_memo_clear();
	store_shutdown();
	conf_shutdown();
	when_shutdown();
	curl_global_cleanup();
	log_info("stopped");
	free(running_db);
	free(running_socket);
	free(running_http);
	return EX_OK;
}
