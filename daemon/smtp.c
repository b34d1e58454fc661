/*
 * Sending composed messages: over SMTP with one libcurl easy handle per
 * session, so a batch shares one connection, or, without smtp.url, into
 * a Maildir (write into tmp/, fsync, rename into new/).  A message counts
 * as sent only when the server answered 250 to the end of DATA or the
 * rename succeeded; every other outcome is classified for the outbox as
 * temporary, permanent or a configuration problem, with one line saying
 * why.  The password is read once per session and never logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "hersteld/log.h"
#include "hersteld/rfc5322.h"
#include "hersteld/smtp.h"
#include "hersteld/util.h"

#define PASSWORD_MAX	1024
#define REPLY_MAX	256
#define PATH_MAX_LEN	4096

/* The last SMTP command curl sent, to tell whose reply a failure is. */
enum stage { ST_NONE, ST_HELLO, ST_TLS, ST_AUTH, ST_MAIL, ST_RCPT, ST_DATA };

/* The upload: the Date header, then the message, without copying. */
struct upload {
	const char	*data[2];
	size_t		 len[2];
	int		 part;
	size_t		 off;
};

struct smtp_session {
	const struct conf	*c;
	CURL			*h;		/* NULL for a Maildir session */
	char			*password;	/* NULL: none configured */
	char			 config_err[512];	/* set: sending cannot work */
	char			 curl_err[CURL_ERROR_SIZE];
	char			 reply[REPLY_MAX];	/* the last reply line */
	enum stage		 stage;
	int			 quitting;	/* QUIT sent: replies are noise */
	int			 saw_auth;	/* AUTH sent in this perform */
	int			 warned_noauth;
	int			 fresh;		/* the connection is not to be reused */
	unsigned		 count;		/* Maildir deliveries */
	char			 host[128];	/* for Maildir file names */
	struct upload		 up;
};

/* ---- the password ---- */

static void
read_password(struct smtp_session *s, const char *path)
{
	char buf[PASSWORD_MAX + 2];
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(s->config_err, sizeof(s->config_err), "cannot read "
		    "smtp.password_file %s: %s", path, strerror(errno));
		return;
	}
	while (n < sizeof(buf) - 1) {
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(s->config_err, sizeof(s->config_err), "cannot "
			    "read smtp.password_file %s: %s", path,
			    strerror(errno));
			goto done;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > PASSWORD_MAX) {
		snprintf(s->config_err, sizeof(s->config_err), "smtp."
		    "password_file %s is larger than 1 KiB: it should hold "
		    "only the password", path);
		goto done;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	if ((s->password = strdup(buf)) == NULL)
		snprintf(s->config_err, sizeof(s->config_err), "out of memory "
		    "reading smtp.password_file");
done:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
}

/* ---- libcurl callbacks ---- */

static size_t
read_cb(char *dst, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nitems, n = 0;

	while (room > 0 && u->part < 2) {
		size_t left = u->len[u->part] - u->off, k;

		if (left == 0) {
			u->part++;
			u->off = 0;
			continue;
		}
		k = left < room ? left : room;
		memcpy(dst + n, u->data[u->part] + u->off, k);
		u->off += k;
		n += k;
		room -= k;
	}
	return n;
}

static int
starts(const char *data, size_t size, const char *word)
{
	size_t n = strlen(word);

	return size >= n && strncasecmp(data, word, n) == 0;
}

/*
 * Watches the conversation: which command went out last (only its verb
 * is looked at: AUTH lines carry credentials and are never copied) and
 * the server's last reply line.
 */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct smtp_session *s = arg;

	(void)h;
	if (type == CURLINFO_HEADER_OUT) {
		if (starts(data, size, "EHLO") || starts(data, size, "HELO"))
			s->stage = ST_HELLO;
		else if (starts(data, size, "STARTTLS"))
			s->stage = ST_TLS;
		else if (starts(data, size, "AUTH")) {
			s->stage = ST_AUTH;
			s->saw_auth = 1;
		} else if (starts(data, size, "MAIL FROM"))
			s->stage = ST_MAIL;
		else if (starts(data, size, "RCPT TO"))
			s->stage = ST_RCPT;
		else if (starts(data, size, "DATA"))
			s->stage = ST_DATA;
		else if (starts(data, size, "QUIT"))
			s->quitting = 1;
	} else if (type == CURLINFO_HEADER_IN && !s->quitting) {
		/* After a refusal curl says QUIT; "221 Bye" explains nothing. */
		size_t i = 0;

		while (i < size) {
			size_t j = i, n = 0;

			while (j < size && data[j] != '\r' && data[j] != '\n')
				j++;
			if (j > i) {
				for (size_t k = i; k < j && n + 1 < REPLY_MAX; k++)
					s->reply[n++] = (data[k] < 0x20 ||
					    data[k] == 0x7f) ? ' ' : data[k];
				s->reply[n] = '\0';
				text_sanitize(s->reply);
			}
			i = j + 1;
		}
	}
	return 0;
}

/* ---- the session ---- */

struct smtp_session *
smtp_open(const struct conf *c)
{
	struct smtp_session *s;
	long wait = c->smtp_timeout > 0 ? c->smtp_timeout : 30;
	CURL *h;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->c = c;
	if (c->smtp_url == NULL || c->smtp_url[0] == '\0') {
		if (gethostname(s->host, sizeof(s->host)) < 0 ||
		    s->host[0] == '\0')
			snprintf(s->host, sizeof(s->host), "localhost");
		s->host[sizeof(s->host) - 1] = '\0';
		/* "/" and ":" have a meaning in Maildir names. */
		for (char *p = s->host; *p; p++)
			if (*p == '/' || *p == ':' || *p < 0x21 || *p > 0x7e)
				*p = '_';
		return s;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (h = curl_easy_init()) == NULL) {
		free(s);
		return NULL;
	}
	s->h = h;
	curl_easy_setopt(h, CURLOPT_URL, c->smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* A server that stops answering holds up the whole outbox. */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, wait < 10 ? wait : 10L);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, wait);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 4 * wait);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->curl_err);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &s->up);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	if (c->smtp_starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->smtp_username != NULL && c->smtp_username[0] != '\0')
		curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_username);
	if (c->smtp_password_file != NULL && c->smtp_password_file[0] != '\0') {
		read_password(s, c->smtp_password_file);
		if (s->password != NULL)
			curl_easy_setopt(h, CURLOPT_PASSWORD, s->password);
	}
	return s;
}

void
smtp_close(struct smtp_session *s)
{
	if (s == NULL)
		return;
	if (s->h != NULL) {
		curl_easy_cleanup(s->h);	/* QUIT */
		curl_global_cleanup();
	}
	if (s->password != NULL) {
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	free(s);
}

/* An address as SMTP needs it between < and >. */
static int
bare_ok(const char *a)
{
	size_t n = a ? strlen(a) : 0;

	if (n == 0 || n > 254 || strchr(a, '@') == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)a[i] <= 0x20 || (unsigned char)a[i] == 0x7f ||
		    a[i] == '<' || a[i] == '>')
			return 0;
	return 1;
}

/* ---- Maildir ---- */

static enum smtp_outcome
fs_outcome(int e)
{
	/* What the operator must fix, or what may pass (disk full). */
	if (e == EACCES || e == EPERM || e == EROFS || e == ENOTDIR ||
	    e == ENOENT || e == ENAMETOOLONG || e == ELOOP)
		return SMTP_CONFIG;
	return SMTP_TEMPORARY;
}

static int
ensure_dir(const char *path)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static enum smtp_outcome
maildir_send(struct smtp_session *s, const char *date, const char *msg,
    size_t len, char *err, size_t errlen)
{
	const char *md = s->c->maildir;
	char tmp[PATH_MAX_LEN], dst[PATH_MAX_LEN], name[512], sub[PATH_MAX_LEN];
	static const char *const subs[] = { "tmp", "new", "cur" };
	unsigned char rnd[4];
	char hex[9];
	struct timespec ts;
	enum smtp_outcome out;
	int fd = -1, e, dfd;

	if (md == NULL || md[0] == '\0') {
		snprintf(err, errlen, "no smtp.url and no maildir configured: "
		    "set one of them");
		return SMTP_CONFIG;
	}
	if (strlen(md) > PATH_MAX_LEN - 600) {
		snprintf(err, errlen, "maildir path is too long");
		return SMTP_CONFIG;
	}
	if (ensure_dir(md) < 0) {
		e = errno;
		snprintf(err, errlen, "maildir %s: %s", md, strerror(e));
		return fs_outcome(e);
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", md, subs[i]);
		if (ensure_dir(sub) < 0) {
			e = errno;
			snprintf(err, errlen, "maildir %s: %s", sub, strerror(e));
			return fs_outcome(e);
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (random_bytes(rnd, sizeof(rnd)) < 0)
		memset(rnd, 0, sizeof(rnd));
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(name, sizeof(name), "%lld.M%06ldP%ldQ%uR%s.%s",
	    (long long)ts.tv_sec, ts.tv_nsec / 1000, (long)getpid(),
	    ++s->count, hex, s->host);
	snprintf(tmp, sizeof(tmp), "%s/tmp/%s", md, name);
	snprintf(dst, sizeof(dst), "%s/new/%s", md, name);

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		goto fail;
	if (write_all(fd, date, strlen(date)) < 0 ||
	    write_all(fd, msg, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, dst) < 0)
		goto fail;
	/* The rename itself to disk; the message is in new/ either way. */
	snprintf(sub, sizeof(sub), "%s/new", md);
	if ((dfd = open(sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return SMTP_SENT;
fail:
	e = errno;
	snprintf(err, errlen, "maildir %s: %s", tmp, strerror(e));
	out = fs_outcome(e);
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return out;
}

/* ---- SMTP ---- */

/* Where in the conversation the server fell silent or went away. */
static const char *
stage_text(struct smtp_session *s, long code)
{
	curl_off_t connected = 0;

	switch (s->stage) {
	case ST_NONE:
		curl_easy_getinfo(s->h, CURLINFO_CONNECT_TIME_T, &connected);
		return connected > 0 ? "before its greeting" : "while connecting";
	case ST_HELLO:
		return "after EHLO";
	case ST_TLS:
		return "after STARTTLS";
	case ST_AUTH:
		return "during the login";
	case ST_MAIL:
		return "after MAIL FROM";
	case ST_RCPT:
		return "after RCPT TO";
	case ST_DATA:
		return code == 354 ? "during DATA, before the server accepted "
		    "the message" : "after DATA";
	}
	return "";
}

static enum smtp_outcome
classify(struct smtp_session *s, CURLcode rc, long code, const char *from,
    char *err, size_t errlen)
{
	const char *why = s->curl_err[0] ? s->curl_err : curl_easy_strerror(rc);
	const char *said = (s->reply[0] == '4' || s->reply[0] == '5') ?
	    s->reply : NULL;

	/* A transport failure leaves the connection in an unknown state. */
	if (code < 400 || code == 421)
		s->fresh = 1;

	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
		snprintf(err, errlen, "smtp.url %s cannot be used: %s",
		    s->c->smtp_url, why);
		return SMTP_CONFIG;
	case CURLE_USE_SSL_FAILED:
		snprintf(err, errlen, "the server does not offer STARTTLS and "
		    "smtp.starttls is true, so nothing is sent in the clear: %s",
		    why);
		return SMTP_CONFIG;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		snprintf(err, errlen, "the server refused the login of "
		    "smtp.username \"%s\": %s", s->c->smtp_username ?
		    s->c->smtp_username : "", said ? said : why);
		return SMTP_CONFIG;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(err, errlen, "TLS with the server failed: %s", why);
		return SMTP_CONFIG;
	default:
		break;
	}
	if (code >= 500 && code <= 599) {
		/*
		 * Refusals of the login or of the sender, or at the greeting,
		 * concern every message: the operator must act.  Only what
		 * the server said to RCPT or to the message itself (or a size
		 * refusal at MAIL) is about this message.
		 */
		if (code == 530 || code == 534 || code == 535 || code == 538 ||
		    (s->stage != ST_RCPT && s->stage != ST_DATA && code != 552)) {
			snprintf(err, errlen, "the server refuses mail from <%s> "
			    "as configured: %s", from, said ? said : why);
			return SMTP_CONFIG;
		}
		snprintf(err, errlen, "%s", said ? said : why);
		return SMTP_PERMANENT;
	}
	if (code >= 400 && code <= 499 && said != NULL)
		snprintf(err, errlen, "%s", said);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(err, errlen, "no answer from the server within %ld s "
		    "%s (smtp.timeout): %s", s->c->smtp_timeout > 0 ?
		    s->c->smtp_timeout : 30, stage_text(s, code), why);
	else if (rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR ||
	    rc == CURLE_GOT_NOTHING)
		/* curl says "response reading failed" for a plain close. */
		snprintf(err, errlen, "the connection was closed %s: %s",
		    stage_text(s, code), strncmp(why, "response reading failed",
		    23) == 0 ? "the server hung up" : why);
	else
		snprintf(err, errlen, "%s", why);
	return SMTP_TEMPORARY;
}

enum smtp_outcome
smtp_send(struct smtp_session *s, const char *from, const char *to,
    const char *msg, size_t len, time_t now, char *err, size_t errlen)
{
	char date[64], buf[300];
	struct curl_slist *rcpt = NULL;
	enum smtp_outcome out;
	CURLcode rc;
	long code = 0, conns = 0;

	if (errlen > 0)
		err[0] = '\0';
	if (s == NULL) {
		snprintf(err, errlen, "no mail session (out of memory)");
		return SMTP_TEMPORARY;
	}
	if (!bare_ok(to)) {
		snprintf(err, errlen, "recipient address \"%.100s\" cannot be "
		    "used", to ? to : "");
		return SMTP_PERMANENT;
	}
	if (!bare_ok(from)) {
		snprintf(err, errlen, "sender address \"%.100s\" cannot be used: "
		    "check smtp.from", from ? from : "");
		return SMTP_CONFIG;
	}
	rfc5322_date(now, date);
	if (s->h == NULL)
		return maildir_send(s, date, msg, len, err, errlen);
	if (s->config_err[0] != '\0') {
		snprintf(err, errlen, "%s", s->config_err);
		return SMTP_CONFIG;
	}

	s->up.data[0] = date;
	s->up.len[0] = strlen(date);
	s->up.data[1] = msg;
	s->up.len[1] = len;
	s->up.part = 0;
	s->up.off = 0;
	s->curl_err[0] = '\0';
	s->reply[0] = '\0';
	s->stage = ST_NONE;
	s->quitting = 0;
	s->saw_auth = 0;

	snprintf(buf, sizeof(buf), "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, buf)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return SMTP_TEMPORARY;
	}
	snprintf(buf, sizeof(buf), "<%s>", from);
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, buf);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)(s->up.len[0] + len));
	/*
	 * After a 421 or a lost connection curl may still hold the old
	 * connection as reusable, and this message would fail on it.
	 */
	curl_easy_setopt(s->h, CURLOPT_FRESH_CONNECT, s->fresh ? 1L : 0L);
	s->fresh = 0;

	rc = curl_easy_perform(s->h);
	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(s->h, CURLINFO_NUM_CONNECTS, &conns);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);

	if (rc == CURLE_OK) {
		if (conns > 0 && !s->saw_auth && s->c->smtp_username &&
		    s->c->smtp_username[0] && !s->warned_noauth) {
			s->warned_noauth = 1;
			log_warnx("smtp: %s did not offer AUTH; mail went out "
			    "without logging in as smtp.username",
			    s->c->smtp_url);
		}
		return SMTP_SENT;
	}
	out = classify(s, rc, code, from, err, errlen);
	/*
	 * A reply often quotes the address; it goes into the log and the
	 * outbox, and an erased person must leave no trace there.
	 */
	text_scrub_addresses(err, errlen);
	log_debug("smtp: curl %d, reply %ld: %s", (int)rc, code, err);
	return out;
}
