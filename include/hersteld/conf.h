/*
 * The daemon's configuration (libconfig).  A loaded configuration is
 * immutable; a reload builds a new one and swaps it in, so a request that
 * took conf_current() keeps a consistent view.
 */
#ifndef HERSTELD_CONF_H
#define HERSTELD_CONF_H

#include "hersteld/log.h"

#define CONF_MAX_LEADS	8
#define CONF_MAX_PROXIES	32

struct conf {
	char		*path;
	char		*database;
	char		*timezone;
	char		*public_url;
	char		*uid_host;	/* host part of public_url */
	char		*listen_socket;
	char		*listen_http;	/* "" when none */
	char		*http_host;
	unsigned short	 http_port;
	int		 http_per_client;	/* connections per client address */
	int		 http_request_timeout;	/* seconds to receive a request */
	char		*metrics_listen;	/* "" when none */
	char		*metrics_host;
	unsigned short	 metrics_port;
	char		*smtp_url;
	char		*smtp_from;
	int		 smtp_starttls;
	char		*smtp_username;
	char		*smtp_password_file;
	long		 smtp_retry;	/* first wait after a temporary failure */
	long		 smtp_timeout;	/* seconds to wait for each reply */
	char		*maildir;
	long		 leads[CONF_MAX_LEADS];
	int		 nleads;
	int		 quiet_from, quiet_to;	/* minutes after midnight */
	int		 feeds_past_days, feeds_future_days;
	long		 feeds_refresh;		/* seconds */
	int		 horizon_days;
	enum log_level	 log_level;
	/* web: the parents' pages on listen.http (web*.c) */
	int		 web_enabled;
	char		*web_proxies[CONF_MAX_PROXIES];	/* canonical text */
	int		 web_nproxies;	/* X-Forwarded-For believed from these */
	int		 web_confirm_hours;	/* a confirmation link's life */
	int		 web_post_per_minute;	/* per client address */
	int		 web_mails_per_day;	/* confirmation mails per address */
	/* backup: a nightly copy of the database ("" dir: none) */
	char		*backup_dir;
	int		 backup_keep;		/* copies kept */
	/* retention: days after a session that its personal rows stay */
	int		 retention_days;
};

/*
 * Read and validate path.  Returns a new conf (free with conf_free), or
 * NULL with "file:line: message" in err.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
void		 conf_free(struct conf *);

/* The configuration in force.  Borrowed; valid until conf_shutdown(). */
const struct conf *conf_current(void);
/* Make c current; the previous one is kept until conf_shutdown(). */
void		 conf_install(struct conf *c);
void		 conf_shutdown(void);

#endif
