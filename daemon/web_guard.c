/*
 * What guards the web forms.
 *
 * Anti-CSRF: every form carries "EXPIRY.HMAC" where HMAC is
 * HMAC-SHA256(key, purpose "\n" EXPIRY) and purpose names the form and
 * its target ("register:UID", "confirm:TOKEN"); no cookie is needed, a
 * token from one form does not work in another, and it expires after
 * WEB_FORM_LIFE.  The key is made once from the OS's random source and
 * kept in the database (store_secret), so that forms stay good across a
 * restart and every request thread uses the same key.
 *
 * The rate limit counts POSTs per client address in a fixed window of a
 * minute, in memory only (a table of bounded size; nothing is logged or
 * stored).  The client address is the peer's, or, when the peer is one
 * of web.trusted_proxies, the right-most address in X-Forwarded-For that
 * is not itself a trusted proxy.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/log.h"
#include "hersteld/store.h"
#include "hersteld/util.h"
#include "hersteld/web.h"

/* ---- signed form tokens ---- */

static pthread_mutex_t	 key_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char	 form_key[32];
static int		 have_key;

static int
key_get(unsigned char *out)
{
	int ok;

	pthread_mutex_lock(&key_lock);
	if (!have_key) {
		sqlite3 *db = store_db();

		if (db && store_secret(db, "web-form", form_key,
		    sizeof(form_key)) == 0)
			have_key = 1;
		else
			log_warnx("web: cannot read or make the form key");
	}
	if ((ok = have_key))
		memcpy(out, form_key, sizeof(form_key));
	pthread_mutex_unlock(&key_lock);
	return ok ? 0 : -1;
}

static int
mac_of(const char *purpose, long long expiry, char *hex)
{
	unsigned char key[32], md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char msg[600];
	int len;

	len = snprintf(msg, sizeof(msg), "%s\n%lld", purpose, expiry);
	if (len < 0 || (size_t)len >= sizeof(msg) || key_get(key))
		return -1;
	if (HMAC(EVP_sha256(), key, sizeof(key), (unsigned char *)msg,
	    (size_t)len, md, &n) == NULL || n != 32) {
		OPENSSL_cleanse(key, sizeof(key));
		return -1;
	}
	OPENSSL_cleanse(key, sizeof(key));
	hex_encode(md, n, hex);
	return 0;
}

int
web_csrf_make(const char *purpose, char *out, size_t len)
{
	long long expiry = (long long)clock_now() + WEB_FORM_LIFE;
	char hex[65];

	if (mac_of(purpose, expiry, hex))
		return -1;
	snprintf(out, len, "%lld.%s", expiry, hex);
	return 0;
}

int
web_csrf_check(const char *purpose, const char *token)
{
	char hex[65], *end;
	const char *dot;
	long long expiry;
	unsigned char diff = 0;

	if (token == NULL || (dot = strchr(token, '.')) == NULL ||
	    strlen(dot + 1) != 64)
		return 0;
	expiry = strtoll(token, &end, 10);
	if (end != dot || expiry <= (long long)clock_now() ||
	    expiry > (long long)clock_now() + WEB_FORM_LIFE)
		return 0;
	if (mac_of(purpose, expiry, hex))
		return 0;
	for (int i = 0; i < 64; i++)
		diff |= (unsigned char)(hex[i] ^ dot[1 + i]);
	return diff == 0;
}

/* ---- the client's address ---- */

static int
trusted(const struct conf *c, const char *addr)
{
	for (int i = 0; i < c->web_nproxies; i++)
		if (strcmp(c->web_proxies[i], addr) == 0)
			return 1;
	return 0;
}

/* addr in canonical text, or 0 when s is not an address. */
static int
canon(const char *s, size_t n, char *out, size_t len)
{
	unsigned char bin[16];
	char tmp[INET6_ADDRSTRLEN];
	int fam;

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	fam = strchr(tmp, ':') ? AF_INET6 : AF_INET;
	return inet_pton(fam, tmp, bin) == 1 &&
	    inet_ntop(fam, bin, out, len) != NULL;
}

/* The X-Forwarded-For lines of a request joined with ",", capped. */
struct xff {
	char	buf[4097];
	size_t	n;
	int	toolong;
};

static enum MHD_Result
xff_line(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct xff *x = cls;
	size_t len;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0 || value == NULL)
		return MHD_YES;
	len = strlen(value);
	if (x->n + len + 2 > sizeof(x->buf)) {
		x->toolong = 1;
		return MHD_NO;
	}
	if (x->n > 0)
		x->buf[x->n++] = ',';
	memcpy(x->buf + x->n, value, len);
	x->n += len;
	x->buf[x->n] = '\0';
	return MHD_YES;
}

static void
client_addr(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct conf *cf = conf_current();
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff, *end, *comma;
	char cand[INET6_ADDRSTRLEN];
	struct xff all;

	snprintf(out, len, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		    out, len);
	if (!trusted(cf, out))
		return;
	/*
	 * Every X-Forwarded-For line, in order: a proxy may add its own line
	 * after one the client wrote, and only the right end is trusted.
	 */
	memset(&all, 0, sizeof(all));
	MHD_get_connection_values(c, MHD_HEADER_KIND, xff_line, &all);
	if (all.n == 0 || all.toolong)
		return;
	xff = all.buf;
	/* From the right: the last hop a trusted proxy saw. */
	end = xff + strlen(xff);
	while (end > xff) {
		comma = end;
		while (comma > xff && comma[-1] != ',')
			comma--;
		if (!canon(comma, (size_t)(end - comma), cand, sizeof(cand)))
			return;		/* garbage: keep the proxy's own */
		if (!trusted(cf, cand)) {
			snprintf(out, len, "%s", cand);
			return;
		}
		end = comma > xff ? comma - 1 : xff;
	}
}

/* ---- the rate limit ---- */

#define RATE_SLOTS	4096
#define RATE_PROBE	16
#define RATE_WINDOW	60

static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot {
	char	addr[INET6_ADDRSTRLEN];
	time_t	start;
	int	count;
} slots[RATE_SLOTS];

static unsigned long
hash_of(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/*
 * The key a client is counted under: an IPv4 address as it is (also when
 * written as IPv4-mapped IPv6), an IPv6 address by its /64, the block one
 * home or host gets, so that it cannot step to a new counter each time.
 */
static void
rate_key(char *addr)
{
	unsigned char b[16];
	char out[INET6_ADDRSTRLEN];

	if (strchr(addr, ':') == NULL || inet_pton(AF_INET6, addr, b) != 1)
		return;
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)b)) {
		if (inet_ntop(AF_INET, b + 12, out, sizeof(out)))
			snprintf(addr, INET6_ADDRSTRLEN, "%s", out);
		return;
	}
	memset(b + 8, 0, 8);
	if (inet_ntop(AF_INET6, b, out, sizeof(out)) != NULL) {
		size_t n = strlen(out);

		if (n + sizeof("/64") <= INET6_ADDRSTRLEN) {
			memcpy(addr, out, n);
			memcpy(addr + n, "/64", sizeof("/64"));
		}
	}
}

long
web_rate(struct MHD_Connection *c)
{
	char addr[INET6_ADDRSTRLEN];
	time_t now = clock_now();
	unsigned long h;
	struct slot *s = NULL, *oldest = NULL;
	long wait = 0;
	int limit = conf_current()->web_post_per_minute;

	client_addr(c, addr, sizeof(addr));
	rate_key(addr);
	h = hash_of(addr);
	pthread_mutex_lock(&rate_lock);
	for (int i = 0; i < RATE_PROBE; i++) {
		struct slot *x = &slots[(h + i) % RATE_SLOTS];

		if (strcmp(x->addr, addr) == 0) {
			s = x;
			break;
		}
		if (oldest == NULL || x->start < oldest->start)
			oldest = x;
	}
	if (s == NULL) {
		/*
		 * A free or stale slot.  When every one is counting for
		 * someone, wait: evicting a live counter would reset it.
		 */
		if (oldest->addr[0] != '\0' && now - oldest->start < RATE_WINDOW &&
		    now >= oldest->start) {
			wait = RATE_WINDOW - (now - oldest->start);
			pthread_mutex_unlock(&rate_lock);
			return wait < 1 ? 1 : wait;
		}
		s = oldest;
		snprintf(s->addr, sizeof(s->addr), "%s", addr);
		s->start = now;
		s->count = 0;
	}
	if (now - s->start >= RATE_WINDOW || now < s->start) {
		s->start = now;
		s->count = 0;
	}
	if (s->count >= limit) {
		wait = RATE_WINDOW - (now - s->start);
		if (wait < 1)
			wait = 1;
	} else
		s->count++;
	pthread_mutex_unlock(&rate_lock);
	return wait;
}

/* ---- forms ---- */

static enum MHD_Result
field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct web_form *f = cls;

	(void)kind; (void)filename; (void)content_type;
	(void)transfer_encoding;
	for (int i = 0; i < WEB_FORM_FIELDS && f->names[i]; i++) {
		if (strcmp(f->names[i], key) != 0)
			continue;
		if (off != f->lens[i] || f->lens[i] + size > WEB_FIELD_MAX) {
			f->too_long = 1;
			return MHD_YES;
		}
		memcpy(f->values[i] + f->lens[i], data, size);
		f->lens[i] += size;
		f->values[i][f->lens[i]] = '\0';
		return MHD_YES;
	}
	return MHD_YES;
}

int
web_form_parse(struct MHD_Connection *c, const char *body, size_t len,
    struct web_form *f)
{
	struct MHD_PostProcessor *pp;
	enum MHD_Result rc = MHD_YES;

	pp = MHD_create_post_processor(c, 1024, field, f);
	if (pp == NULL)
		return -1;	/* not a form encoding */
	if (len > 0)
		rc = MHD_post_process(pp, body, len);
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		rc = MHD_NO;
	return rc == MHD_YES ? 0 : -1;
}

const char *
web_form_get(const struct web_form *f, const char *name)
{
	for (int i = 0; i < WEB_FORM_FIELDS && f->names[i]; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return "";
}
