/*
 * Validation of outside text, the fault record, randomness, and the
 * growing buffer with a cap that composed texts are written into.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "hersteld/util.h"

int
fault_set(struct fault *f, enum fault_kind kind, const char *fmt, ...)
{
	va_list ap;

	if (f == NULL || f->kind != FAULT_NONE)
		return -1;
	f->kind = kind;
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	return -1;
}

long
utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p;
		int extra;
		unsigned min;

		if (c < 0x80) {
			p++;
			n++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			extra = 1; min = 0x80; c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			extra = 2; min = 0x800; c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			extra = 3; min = 0x10000; c &= 0x07;
		} else
			return -1;
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			c = (c << 6) | (*p & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return -1;
		n++;
	}
	return n;
}

void
text_sanitize(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		int extra = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
		int ok = extra >= 0;

		for (int i = 1; ok && i <= extra; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && extra > 0) {
			char tmp[5] = { 0 };
			memcpy(tmp, p, (size_t)extra + 1);
			ok = utf8_len(tmp) == 1;
		}
		if (!ok || *p < 0x20 || *p == 0x7f) {
			*p++ = '?';
			continue;
		}
		p += extra + 1;
	}
}

int
text_check(struct fault *f, const char *field, const char *s, long max,
    int required, int multiline)
{
	long n;

	if (s == NULL || *s == '\0') {
		if (required)
			return fault_set(f, FAULT_INVALID, "%s is required", field);
		return 0;
	}
	if ((n = utf8_len(s)) < 0)
		return fault_set(f, FAULT_INVALID, "%s is not valid UTF-8", field);
	if (n > max)
		return fault_set(f, FAULT_INVALID,
		    "%s is too long: %ld characters, at most %ld", field, n, max);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == 0x7f || (*p < 0x20 &&
		    !(multiline && (*p == '\n' || *p == '\t' || *p == '\r'))))
			return fault_set(f, FAULT_INVALID,
			    "%s contains a control character%s", field,
			    multiline ? "" : " (it must be one line)");
		/*
		 * U+202A-U+202E and U+2066-U+2069 turn the direction of what
		 * follows round, so that one text can show as another in a
		 * feed or a mail subject.
		 */
		if (!multiline && p[0] == 0xe2 && ((p[1] == 0x80 &&
		    p[2] >= 0xaa && p[2] <= 0xae) || (p[1] == 0x81 &&
		    p[2] >= 0xa6 && p[2] <= 0xa9)))
			return fault_set(f, FAULT_INVALID, "%s contains a "
			    "character that changes the direction of writing "
			    "(U+%04X); remove it", field, p[1] == 0x80 ?
			    0x2000 + p[2] - 0x80 : 0x2040 + p[2] - 0x80);
	}
	return 0;
}

int
slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
slug_check(struct fault *f, const char *what, const char *s)
{
	if (s == NULL || *s == '\0')
		return fault_set(f, FAULT_INVALID, "%s is required", what);
	if (!slug_valid(s))
		return fault_set(f, FAULT_INVALID, "%s \"%.80s\" is not valid: "
		    "use 1-63 lower-case letters, digits and '-', no spaces",
		    what, s);
	return 0;
}

int
tags_check(struct fault *f, const char *field, const char *s)
{
	char buf[1024];
	char *save = NULL, *tok;

	if (s == NULL || *s == '\0')
		return 0;
	if (strlen(s) >= sizeof(buf))
		return fault_set(f, FAULT_INVALID, "%s: list is too long", field);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!slug_valid(tok))
			return fault_set(f, FAULT_INVALID, "%s: \"%.60s\" is not "
			    "valid: use lower-case letters, digits and '-'",
			    field, tok);
	if (s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return fault_set(f, FAULT_INVALID, "%s: empty item in list", field);
	return 0;
}

int
random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int
path_dir_check(const char *what, const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat st;
	size_t n;

	if (slash == NULL)
		return 0;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir)) {
		snprintf(err, errlen, "%s %s: the path is too long", what, path);
		return -1;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (stat(dir, &st) != 0) {
		snprintf(err, errlen, "%s %s: directory %s: %s", what, path, dir,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: %s is not a directory", what,
		    path, dir);
		return -1;
	}
	return 0;
}

size_t
utf8_seqlen(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

void
text_oneline(char *out, size_t len, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0;
	int space = 0;

	while (*p) {
		size_t k;

		if (*p < 0x20 || *p == 0x7f || *p == ' ') {
			space = n > 0;
			p++;
			continue;
		}
		k = utf8_seqlen(*p);
		for (size_t i = 1; i < k; i++)
			if (p[i] == '\0') {
				k = i;
				break;
			}
		if (n + (space ? 1 : 0) + k + 1 > len)
			break;
		if (space)
			out[n++] = ' ';
		space = 0;
		memcpy(out + n, p, k);
		n += k;
		p += k;
	}
	out[n] = '\0';
	text_sanitize(out);
}

void
dynbuf_add(struct dynbuf *b, const char *s, size_t n)
{
	if (b->err)
		return;
	if (n > b->max || b->len > b->max - n) {
		b->err = DYNBUF_TOOBIG;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *np;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->err = DYNBUF_NOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
dynbuf_puts(struct dynbuf *b, const char *s)
{
	dynbuf_add(b, s, strlen(s));
}

void
dynbuf_printf(struct dynbuf *b, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = DYNBUF_NOMEM;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		dynbuf_add(b, small, (size_t)n);
		return;
	}
	if ((size_t)n > b->max) {
		b->err = DYNBUF_TOOBIG;
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->err = DYNBUF_NOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	dynbuf_add(b, big, (size_t)n);
	free(big);
}

int
sha256_hex(const char *s, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1 ||
	    n != 32)
		return -1;
	hex_encode(md, n, out);
	return 0;
}

int
hex_token_ok(const char *s, size_t len)
{
	if (strlen(s) != len)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static int
addr_char(unsigned char c)
{
	/* RFC 5322 atext, but for '/': a path "participants/a@b" stays one. */
	return isalnum(c) || c >= 0x80 || (c != '\0' &&
	    strchr("._%+-=!#$&'*?^`{|}~", c) != NULL);
}

void
text_scrub_addresses(char *s, size_t size)
{
	static const char mark[] = "<address>";
	size_t ml = sizeof(mark) - 1, n = strlen(s), a, b, at;

	for (at = 0; at < n; at++) {
		if (s[at] != '@')
			continue;
		for (a = at; a > 0 && addr_char((unsigned char)s[a - 1]); a--)
			;
		for (b = at + 1; b < n && (isalnum((unsigned char)s[b]) ||
		    s[b] == '.' || s[b] == '-' || s[b] == '[' || s[b] == ']' ||
		    s[b] == ':' || (unsigned char)s[b] >= 0x80); b++)
			;
		/* An '@' alone is no address; the mark never grows s past size. */
		if (a == at && b == at + 1)
			continue;
		if (n - (b - a) + ml + 1 > size) {
			/* No room for the mark: blank the address out. */
			memset(s + a, '*', b - a);
			at = b;
			continue;
		}
		memmove(s + a + ml, s + b, n - b + 1);
		memcpy(s + a, mark, ml);
		n = n - (b - a) + ml;
		at = a + ml - 1;
	}
}
