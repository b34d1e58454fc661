/*
 * Logging to stderr (foreground) or syslog, with a level that a reload can
 * change while request threads are logging.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/log.h"

static int		 foreground = 1;
static volatile int	 level = LOG_LVL_INFO;

void
log_init(int fg, enum log_level lvl)
{
	foreground = fg;
	level = lvl;
	if (!fg)
		openlog("hersteld", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level lvl)
{
	level = lvl;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	static const char *names[] = { "error", "warn", "info", "debug" };

	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

static void
vlog(enum log_level lvl, int with_errno, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[2048];
	int saved = errno;

	if ((int)lvl > level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	if (foreground) {
		char ts[32];
		time_t now = clock_now();
		struct tm tm;

		localtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s hersteld: %s\n", ts, msg);
	} else
		syslog(prio[lvl], "%s", msg);
	errno = saved;
}

#define LOGFN(name, lvl, err)				\
void name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	va_start(ap, fmt);				\
	vlog(lvl, err, fmt, ap);			\
	va_end(ap);					\
}
LOGFN(log_warn, LOG_LVL_WARN, 1)
LOGFN(log_warnx, LOG_LVL_WARN, 0)
LOGFN(log_info, LOG_LVL_INFO, 0)
LOGFN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 1, fmt, ap);
	va_end(ap);
	exit(code);
}

void
fatalx(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERROR, 0, fmt, ap);
	va_end(ap);
	exit(code);
}
