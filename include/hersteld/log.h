/*
 * Logging, OpenBSD style.  In the foreground (-d) messages go to stderr,
 * otherwise to syslog.  Levels:
 *   log_warn/log_warnx  something failed; the daemon carries on
 *   log_info            what an operator wants to see (start, reload, stop)
 *   log_debug           detail for -v or log_level = "debug"
 *   fatal/fatalx        start-up only: log and exit(EX_...)
 * The _warn and fatal variants append strerror(errno).
 */
#ifndef HERSTELD_LOG_H
#define HERSTELD_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

void	log_init(int foreground, enum log_level level);
void	log_set_level(enum log_level level);
int	log_level_parse(const char *s, enum log_level *out);
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	fatalx(int code, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
