/*
 * Reading hersteld.conf with libconfig into an immutable struct conf, with
 * every value checked before the daemon (or a reload) accepts it.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/rfc5322.h"
#include "hersteld/util.h"
#include "hersteld/when.h"

struct conf_node {
	struct conf		*conf;
	struct conf_node	*next;
};

static pthread_mutex_t	 conf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf	*current;
static struct conf_node	*retired;

static char *
dup_setting(config_t *cfg, const char *key, const char *def, int *bad,
    const char **badkey)
{
	const char *v = def;
	config_setting_t *s = config_lookup(cfg, key);

	if (s != NULL && !config_setting_lookup_string(config_setting_parent(s),
	    config_setting_name(s), &v)) {
		if (!*bad) {
			*bad = config_setting_source_line(s);
			*badkey = key;
		}
		v = def;
	}
	return strdup(v ? v : "");
}

static int
int_setting(config_t *cfg, const char *key, int def, int *out)
{
	config_setting_t *s = config_lookup(cfg, key);

	*out = def;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return config_setting_source_line(s) > 0 ?
		    (int)config_setting_source_line(s) : 1;
	*out = config_setting_get_int(s);
	/* The caller range-checks; report the line if it complains. */
	return 0;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path); free(c->database); free(c->timezone);
	free(c->public_url); free(c->uid_host); free(c->listen_socket);
	free(c->listen_http); free(c->http_host); free(c->smtp_url);
	free(c->metrics_listen); free(c->metrics_host);
	free(c->smtp_from); free(c->smtp_username);
	free(c->smtp_password_file); free(c->maildir); free(c->backup_dir);
	for (int i = 0; i < c->web_nproxies; i++)
		free(c->web_proxies[i]);
	free(c);
}

/* Exactly "HH:MM". */
static int
parse_hhmm(const char *s, int *out)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return -1;
	*out = h * 60 + m;
	return 0;
}

/*
 * HOST:PORT of the setting what (e.g. listen.http) into a new *host (an
 * IPv6 address loses its brackets) and *port; 0, or -1 with msg.
 */
static int
host_port(const char *text, char **host, unsigned short *port,
    const char *what, const char *example, char *msg, size_t len)
{
	const char *colon = strrchr(text, ':');
	long p;
	char *end;

	if (colon == NULL || colon == text) {
		snprintf(msg, len, "%s must be HOST:PORT, e.g. 127.0.0.1:%s",
		    what, example);
		return -1;
	}
	p = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || p < 1 || p > 65535) {
		snprintf(msg, len, "%s: bad port \"%s\"", what, colon + 1);
		return -1;
	}
	*port = (unsigned short)p;
	if ((*host = strndup(text, colon - text)) == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	if ((*host)[0] == '[') {	/* [::1]:8080 */
		size_t n = strlen(*host);
		if ((*host)[n - 1] != ']') {
			snprintf(msg, len, "%s: bad IPv6 address", what);
			return -1;
		}
		memmove(*host, *host + 1, n - 2);
		(*host)[n - 2] = '\0';
	}
	return 0;
}

/* The line a setting is on, for messages; 1 when it is absent. */
static int
line_of(config_t *cfg, const char *key)
{
	config_setting_t *s = config_lookup(cfg, key);

	return s && config_setting_source_line(s) > 0 ?
	    (int)config_setting_source_line(s) : 1;
}

#define BAD(line, ...) do {						\
	int n_ = snprintf(err, errlen, "%s:%d: ", path, (line));	\
	if (n_ > 0 && (size_t)n_ < errlen)				\
		snprintf(err + n_, errlen - n_, __VA_ARGS__);		\
	goto fail;							\
} while (0)

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	config_t cfg;
	struct conf *c = NULL;
	config_setting_t *s;
	const char *badkey = NULL, *v;
	int bad = 0, line;
	struct fault f = { 0 };
	char msg[256];

	config_init(&cfg);
	if (!config_read_file(&cfg, path)) {
		snprintf(err, errlen, "%s:%d: %s",
		    config_error_file(&cfg) ? config_error_file(&cfg) : path,
		    config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		BAD(0, "out of memory");
	c->path = strdup(path);
	c->database = dup_setting(&cfg, "database", "var/hersteld.db", &bad, &badkey);
	c->timezone = dup_setting(&cfg, "timezone", "Europe/Amsterdam", &bad, &badkey);
	c->public_url = dup_setting(&cfg, "public_url", "http://localhost:8080", &bad, &badkey);
	c->listen_socket = dup_setting(&cfg, "listen.socket", "var/hersteld.sock", &bad, &badkey);
	c->listen_http = dup_setting(&cfg, "listen.http", "", &bad, &badkey);
	c->metrics_listen = dup_setting(&cfg, "metrics.listen", "", &bad, &badkey);
	c->smtp_url = dup_setting(&cfg, "smtp.url", "", &bad, &badkey);
	c->smtp_from = dup_setting(&cfg, "smtp.from", "hersteld <noreply@localhost>", &bad, &badkey);
	c->smtp_username = dup_setting(&cfg, "smtp.username", "", &bad, &badkey);
	c->smtp_password_file = dup_setting(&cfg, "smtp.password_file", "", &bad, &badkey);
	c->maildir = dup_setting(&cfg, "maildir", "var/mail", &bad, &badkey);
	c->backup_dir = dup_setting(&cfg, "backup.dir", "", &bad, &badkey);
	if (bad)
		BAD(bad, "%s must be a string", badkey);
	if (c->database[0] == '\0')
		BAD(line_of(&cfg, "database"), "database must not be empty");
	if (c->listen_socket[0] == '\0' && c->listen_http[0] == '\0')
		BAD(line_of(&cfg, "listen"), "listen: give a socket, an http "
		    "address, or both");

	if (when_zone(c->timezone) == NULL) {
		s = config_lookup(&cfg, "timezone");
		BAD(s ? config_setting_source_line(s) : 0,
		    "unknown time zone \"%s\" (use an IANA id such as "
		    "Europe/Amsterdam)", c->timezone);
	}

	/* public_url: scheme://host[:port][/path]; the host names our UIDs. */
	{
		const char *h = strstr(c->public_url, "://");
		size_t hl;

		s = config_lookup(&cfg, "public_url");
		line = s ? config_setting_source_line(s) : 0;
		if (h == NULL || (strncmp(c->public_url, "http://", 7) &&
		    strncmp(c->public_url, "https://", 8)))
			BAD(line, "public_url must start with http:// or https://");
		h += 3;
		hl = strcspn(h, ":/");
		if (hl == 0 || hl > 253)
			BAD(line, "public_url has no host");
		c->uid_host = strndup(h, hl);
		/* Links are built by appending paths: drop a trailing '/'. */
		while (strlen(c->public_url) > 8 &&
		    c->public_url[strlen(c->public_url) - 1] == '/')
			c->public_url[strlen(c->public_url) - 1] = '\0';
	}

	if (c->listen_http[0] != '\0' && host_port(c->listen_http,
	    &c->http_host, &c->http_port, "listen.http", "8080", msg,
	    sizeof(msg)) != 0)
		BAD(line_of(&cfg, "listen.http"), "%s", msg);
	/* Prometheus figures and the health check on their own address. */
	if (c->metrics_listen[0] != '\0' && host_port(c->metrics_listen,
	    &c->metrics_host, &c->metrics_port, "metrics.listen", "9187", msg,
	    sizeof(msg)) != 0)
		BAD(line_of(&cfg, "metrics.listen"), "%s", msg);
	if (c->metrics_listen[0] != '\0' && c->listen_http[0] != '\0' &&
	    strcmp(c->metrics_host, c->http_host) == 0 &&
	    c->metrics_port == c->http_port)
		BAD(line_of(&cfg, "metrics.listen"), "metrics.listen must not be "
		    "the address of listen.http (%s)", c->listen_http);

	/*
	 * Limits of listen.http: a client address may hold this many
	 * connections, and each request must be complete within this time.
	 */
	if ((line = int_setting(&cfg, "listen.per_client", 32,
	    &c->http_per_client)) || c->http_per_client < 1 ||
	    c->http_per_client > 256)
		BAD(line ? line : line_of(&cfg, "listen.per_client"),
		    "listen.per_client must be a number of connections from "
		    "1 to 256");
	if ((line = int_setting(&cfg, "listen.request_timeout", 15,
	    &c->http_request_timeout)) || c->http_request_timeout < 1 ||
	    c->http_request_timeout > 300)
		BAD(line ? line : line_of(&cfg, "listen.request_timeout"),
		    "listen.request_timeout must be a number of seconds from "
		    "1 to 300");

	if ((s = config_lookup(&cfg, "smtp.starttls")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			BAD(config_setting_source_line(s), "smtp.starttls must be true or false");
		c->smtp_starttls = config_setting_get_bool(s);
	}
	if (c->smtp_url[0] != '\0' && strncmp(c->smtp_url, "smtp://", 7) &&
	    strncmp(c->smtp_url, "smtps://", 8))
		BAD(config_setting_source_line(config_lookup(&cfg, "smtp.url")),
		    "smtp.url must start with smtp:// or smtps://");

	c->leads[0] = 7 * 86400;
	c->leads[1] = 86400;
	c->nleads = 2;
	if ((s = config_lookup(&cfg, "reminders.lead")) != NULL) {
		line = config_setting_source_line(s);
		if (!config_setting_is_aggregate(s))
			BAD(line, "reminders.lead must be a list such as [ \"7d\", \"1d\" ]");
		c->nleads = config_setting_length(s);
		if (c->nleads > CONF_MAX_LEADS)
			BAD(line, "reminders.lead: at most %d lead times", CONF_MAX_LEADS);
		for (int i = 0; i < c->nleads; i++) {
			v = config_setting_get_string_elem(s, i);
			if (v == NULL || when_parse_duration(&f, "reminders.lead",
			    v, 90L * 86400, &c->leads[i]))
				BAD(line, "%s", f.kind ? f.msg :
				    "reminders.lead: each item must be a string such as \"1d\"");
		}
	}
	c->quiet_from = 21 * 60;
	c->quiet_to = 8 * 60;
	if ((s = config_lookup(&cfg, "reminders.quiet_hours")) != NULL) {
		char a[6] = "", b[6] = "";
		v = config_setting_get_string(s);
		if (v != NULL && strlen(v) == 11 && v[5] == '-') {
			memcpy(a, v, 5);
			memcpy(b, v + 6, 5);
		}
		if (v == NULL || parse_hhmm(a, &c->quiet_from) ||
		    parse_hhmm(b, &c->quiet_to))
			BAD(config_setting_source_line(s),
			    "reminders.quiet_hours must look like \"21:00-08:00\"");
	}
	if ((line = int_setting(&cfg, "feeds.past_days", 90, &c->feeds_past_days)) ||
	    c->feeds_past_days < 0)
		BAD(line ? line : line_of(&cfg, "feeds.past_days"),
		    "feeds.past_days must be a whole number of days, 0 or more");
	if ((line = int_setting(&cfg, "feeds.future_days", 730, &c->feeds_future_days)) ||
	    c->feeds_future_days < 1)
		BAD(line ? line : line_of(&cfg, "feeds.future_days"),
		    "feeds.future_days must be a whole number of days, 1 or more");
	if ((line = int_setting(&cfg, "bookings.horizon_days", 730, &c->horizon_days)) ||
	    c->horizon_days < 1 || c->horizon_days > 3660)
		BAD(line ? line : line_of(&cfg, "bookings.horizon_days"),
		    "bookings.horizon_days must be between 1 and 3660");
	c->feeds_refresh = 3600;
	if ((s = config_lookup(&cfg, "feeds.refresh")) != NULL) {
		v = config_setting_get_string(s);
		if (v == NULL || when_parse_duration(&f, "feeds.refresh", v,
		    7L * 86400, &c->feeds_refresh))
			BAD(config_setting_source_line(s), "%s", f.kind ? f.msg :
			    "feeds.refresh must be a duration such as \"1h\"");
	}
	{
		char addr[EMAIL_MAX_BYTES + 1];

		if (rfc5322_address(c->smtp_from, addr, sizeof(addr)) != 0)
			BAD(line_of(&cfg, "smtp.from"), "smtp.from must hold "
			    "an address, e.g. \"Herstelhuis <noreply@example.org>\"");
	}
	c->smtp_retry = 60;
	if ((s = config_lookup(&cfg, "smtp.retry")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_INT ||
		    config_setting_get_int(s) < 1 ||
		    config_setting_get_int(s) > 3600)
			BAD(config_setting_source_line(s), "smtp.retry must be "
			    "a number of seconds from 1 to 3600");
		c->smtp_retry = config_setting_get_int(s);
	}
	c->smtp_timeout = 30;
	if ((s = config_lookup(&cfg, "smtp.timeout")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_INT ||
		    config_setting_get_int(s) < 1 ||
		    config_setting_get_int(s) > 600)
			BAD(config_setting_source_line(s), "smtp.timeout must be "
			    "a number of seconds from 1 to 600");
		c->smtp_timeout = config_setting_get_int(s);
	}
	/* The parents' web pages (see web.h). */
	c->web_enabled = 1;
	if ((s = config_lookup(&cfg, "web.enabled")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			BAD(config_setting_source_line(s), "web.enabled must be "
			    "true or false");
		c->web_enabled = config_setting_get_bool(s);
	}
	if ((s = config_lookup(&cfg, "web.trusted_proxies")) != NULL) {
		line = config_setting_source_line(s);
		if (!config_setting_is_aggregate(s))
			BAD(line, "web.trusted_proxies must be a list of "
			    "addresses such as [ \"127.0.0.1\" ]");
		if (config_setting_length(s) > CONF_MAX_PROXIES)
			BAD(line, "web.trusted_proxies: at most %d addresses",
			    CONF_MAX_PROXIES);
		for (int i = 0; i < config_setting_length(s); i++) {
			unsigned char bin[16];
			char canon[INET6_ADDRSTRLEN];
			int fam;

			v = config_setting_get_string_elem(s, i);
			fam = v && strchr(v, ':') ? AF_INET6 : AF_INET;
			if (v == NULL || inet_pton(fam, v, bin) != 1 ||
			    inet_ntop(fam, bin, canon, sizeof(canon)) == NULL)
				BAD(line, "web.trusted_proxies: \"%s\" is not an "
				    "IPv4 or IPv6 address", v ? v : "(not a "
				    "string)");
			c->web_proxies[c->web_nproxies++] = strdup(canon);
		}
	}
	if ((line = int_setting(&cfg, "web.confirm_hours", 48,
	    &c->web_confirm_hours)) || c->web_confirm_hours < 1 ||
	    c->web_confirm_hours > 720)
		BAD(line ? line : line_of(&cfg, "web.confirm_hours"),
		    "web.confirm_hours must be a number of hours from 1 to 720");
	if ((line = int_setting(&cfg, "web.post_per_minute", 10,
	    &c->web_post_per_minute)) || c->web_post_per_minute < 1 ||
	    c->web_post_per_minute > 10000)
		BAD(line ? line : line_of(&cfg, "web.post_per_minute"),
		    "web.post_per_minute must be a number from 1 to 10000");
	if ((line = int_setting(&cfg, "web.mails_per_day", 3,
	    &c->web_mails_per_day)) || c->web_mails_per_day < 1 ||
	    c->web_mails_per_day > 100)
		BAD(line ? line : line_of(&cfg, "web.mails_per_day"),
		    "web.mails_per_day must be a number from 1 to 100");
	if ((line = int_setting(&cfg, "backup.keep", 14, &c->backup_keep)) ||
	    c->backup_keep < 1 || c->backup_keep > 1000)
		BAD(line ? line : line_of(&cfg, "backup.keep"),
		    "backup.keep must be a number of copies from 1 to 1000");
	if ((line = int_setting(&cfg, "retention.days", 365,
	    &c->retention_days)) || c->retention_days < 1 ||
	    c->retention_days > 36500)
		BAD(line ? line : line_of(&cfg, "retention.days"),
		    "retention.days must be a number of days from 1 to 36500");
	if (c->backup_dir[0] != '\0' && (c->backup_dir[0] != '/' ||
	    strlen(c->backup_dir) > 3900))
		BAD(line_of(&cfg, "backup.dir"), "backup.dir must be an absolute "
		    "directory (at most 3900 bytes)");
	c->log_level = LOG_LVL_INFO;
	if ((s = config_lookup(&cfg, "log_level")) != NULL) {
		v = config_setting_get_string(s);
		if (v == NULL || log_level_parse(v, &c->log_level))
			BAD(config_setting_source_line(s),
			    "log_level must be one of error, warn, info, debug");
	}
	config_destroy(&cfg);
	return c;
fail:
	config_destroy(&cfg);
	conf_free(c);
	return NULL;
}

const struct conf *
conf_current(void)
{
	const struct conf *c;

	pthread_mutex_lock(&conf_lock);
	c = current;
	pthread_mutex_unlock(&conf_lock);
	return c;
}

void
conf_install(struct conf *c)
{
	struct conf_node *n;

	pthread_mutex_lock(&conf_lock);
	/*
	 * Requests in flight may still hold the old pointer: keep it until
	 * shutdown.  Reloads are rare and a conf is small.
	 */
	if (current != NULL && (n = malloc(sizeof(*n))) != NULL) {
		n->conf = current;
		n->next = retired;
		retired = n;
	}
	current = c;
	pthread_mutex_unlock(&conf_lock);
}

void
conf_shutdown(void)
{
	struct conf_node *n;

	pthread_mutex_lock(&conf_lock);
	while ((n = retired) != NULL) {
		retired = n->next;
		conf_free(n->conf);
		free(n);
	}
	conf_free(current);
	current = NULL;
	pthread_mutex_unlock(&conf_lock);
}
