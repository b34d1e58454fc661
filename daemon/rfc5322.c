/*
 * The envelope side of mail (RFC 5322, RFC 2047): the bare address of
 * "Name <addr>" and whether an address may stand in a header and an SMTP
 * command as it is, header fields from outside text (folded, encoded as
 * UTF-8 "B" words where needed, never able to add or alter a header),
 * Message-IDs and the Date header.  What the configuration, the feeds and
 * the outbox need of mail, without the texts or the MIME composer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "hersteld/clock.h"
#include "hersteld/rfc5322.h"

#define FIELD_MAX	1024			/* a display name, in bytes */
#define SUBJECT_MAX	600			/* bytes of a header text */

static int
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

int
rfc5322_addr_ok(const char *a)
{
	const char *at;
	size_t n;

	if (a == NULL || (n = strlen(a)) == 0 || n > RFC5322_ADDR_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("<>,;\"()\\", *p))
			return 0;
	at = strrchr(a, '@');
	return at != NULL && at != a && at[1] != '\0';
}

int
rfc5322_address(const char *from, char *out, size_t len)
{
	const char *s, *e, *lt;
	size_t n;

	if (from == NULL || len == 0)
		return -1;
	if ((lt = strrchr(from, '<')) != NULL) {
		s = lt + 1;
		if ((e = strchr(s, '>')) == NULL)
			return -1;
	} else {
		s = from;
		e = from + strlen(from);
	}
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n == 0 || n >= len || n > RFC5322_ADDR_MAX)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	if (!rfc5322_addr_ok(out)) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

void
rfc5322_display_name(const char *from, char *out, size_t len)
{
	const char *lt = strrchr(from, '<');
	char raw[FIELD_MAX];
	size_t n = 0;
	int q = 0;

	out[0] = '\0';
	if (lt == NULL)
		return;
	for (const char *p = from; p < lt && n + 1 < sizeof(raw); p++) {
		if (*p == '"') {
			q = !q;
			continue;
		}
		if (q && *p == '\\' && p + 1 < lt)
			p++;
		raw[n++] = *p;
	}
	raw[n] = '\0';
	text_oneline(out, len, raw);
}

/* RFC 5322 atext, and the space between words. */
static int
phrase_plain(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(" !#$%&'*+-/=?^_`{|}~",
		    *s)))
			return 0;
	return 1;
}

/*
 * s as RFC 2047 "B" encoded-words in UTF-8 after a header at column col:
 * each word whole characters, at most 75 long, no line over 76; the
 * words after the first go on folded lines.  Returns the column after.
 */
static size_t
put_words(struct dynbuf *b, const char *s, size_t col)
{
	const unsigned char *p = (const unsigned char *)s;
	int first = 1;

	while (*p) {
		unsigned char enc[80];
		size_t room, max, n = 0, w;

		if (!first || col >= 76 - 16) {
			dynbuf_add(b, "\r\n ", 3);
			col = 1;
		}
		first = 0;
		room = 76 - col;
		if (room > 75)
			room = 75;
		/* 12 characters of "=?utf-8?B?" and "?=", 4 per 3 bytes. */
		max = (room - 12) / 4 * 3;
		while (p[n]) {
			size_t k = utf8_seqlen(p[n]);

			for (size_t i = 1; i < k; i++)
				if (p[n + i] == '\0') {
					k = i;
					break;
				}
			if (n + k > max)
				break;
			n += k;
		}
		if (n == 0)	/* cannot happen: max is at least 33 */
			n = 1;
		w = (size_t)EVP_EncodeBlock(enc, p, (int)n);
		dynbuf_puts(b, "=?utf-8?B?");
		dynbuf_add(b, (const char *)enc, w);
		dynbuf_puts(b, "?=");
		col += 12 + w;
		p += n;
	}
	return col;
}

/* An ASCII text folded at spaces so that lines stay within 78. */
static void
put_folded(struct dynbuf *b, const char *s, size_t col)
{
	while (*s) {
		const char *q = s;
		size_t n;

		while (*q == ' ')
			q++;
		while (*q && *q != ' ')
			q++;
		n = (size_t)(q - s);
		if (*s == ' ' && col + n > 78 && col > 1) {
			dynbuf_add(b, "\r\n", 2);
			col = 0;
		}
		dynbuf_add(b, s, n);
		col += n;
		s = q;
	}
}

void
rfc5322_put_text(struct dynbuf *b, const char *name, const char *text)
{
	char s[SUBJECT_MAX];
	size_t col = strlen(name) + 2;

	text_oneline(s, sizeof(s), text);
	dynbuf_puts(b, name);
	dynbuf_puts(b, ": ");
	if (is_ascii(s) && strstr(s, "=?") == NULL)
		put_folded(b, s, col);
	else
		put_words(b, s, col);
	dynbuf_add(b, "\r\n", 2);
}

void
rfc5322_put_addr(struct dynbuf *b, const char *hdr, const char *name,
    const char *addr)
{
	char s[SUBJECT_MAX];
	size_t col = strlen(hdr) + 2;

	text_oneline(s, sizeof(s), name);
	dynbuf_puts(b, hdr);
	dynbuf_puts(b, ": ");
	if (s[0] == '\0') {
		dynbuf_puts(b, addr);
		dynbuf_add(b, "\r\n", 2);
		return;
	}
	if (!is_ascii(s) || strstr(s, "=?") != NULL)
		col = put_words(b, s, col);
	else if (phrase_plain(s)) {
		dynbuf_puts(b, s);
		col += strlen(s);
	} else {
		dynbuf_add(b, "\"", 1);
		for (const char *p = s; *p; p++) {
			if (*p == '"' || *p == '\\')
				dynbuf_add(b, "\\", 1);
			dynbuf_add(b, p, 1);
		}
		dynbuf_add(b, "\"", 1);
		col += strlen(s) + 2;
	}
	if (col + 3 + strlen(addr) > 78)
		dynbuf_add(b, "\r\n", 2);
	dynbuf_printf(b, " <%s>\r\n", addr);
}

int
rfc5322_msgid_ok(const char *m)
{
	size_t n = strlen(m);

	if (n < 5 || n > 250 || m[0] != '<' || m[n - 1] != '>' ||
	    strchr(m, '@') == NULL)
		return 0;
	for (size_t i = 1; i + 1 < n; i++)
		if ((unsigned char)m[i] <= 0x20 || (unsigned char)m[i] >= 0x7f ||
		    strchr("<>\"\\", m[i]))
			return 0;
	return 1;
}

void
rfc5322_date(time_t t, char *out)
{
	static const char *const wd[7] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const mo[12] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;

	if (localtime_r(&t, &tm) == NULL) {
		gmtime_r(&t, &tm);
		tm.tm_gmtoff = 0;
	}
	off = tm.tm_gmtoff;
	snprintf(out, 64, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    wd[tm.tm_wday % 7], tm.tm_mday, mo[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
	    (off < 0 ? -off : off) % 3600 / 60);
}

int
rfc5322_message_id(const char *host, char *out)
{
	unsigned char rnd[16];
	char hex[33], h[65];
	size_t n = 0;

	/* A host name as a dot-atom; anything else is left out. */
	for (const char *p = host ? host : ""; *p && n + 1 < sizeof(h); p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' ||
		    (*p == '.' && n > 0 && h[n - 1] != '.'))
			h[n++] = *p;
	while (n > 0 && h[n - 1] == '.')
		n--;
	h[n] = '\0';
	if (random_bytes(rnd, sizeof(rnd)) < 0)
		return -1;
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(out, 128, "<%s.%lld@%s>", hex, (long long)clock_now(),
	    n ? h : "localhost");
	return 0;
}
