/*
 * The HTML writer (see html.h): a bounded buffer and the escaping rules.
 * Escaping covers the five characters that can end text or an attribute
 * value (& < > " '), so one rule serves content and quoted attributes;
 * bytes that are not valid UTF-8 never reach a page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/html.h"

#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

void
html_init(struct html *h, size_t max)
{
	memset(h, 0, sizeof(*h));
	h->max = max;
}

void
html_free(struct html *h)
{
	free(h->buf);
	h->buf = NULL;
	h->len = h->cap = 0;
}

static void
put(struct html *h, const char *s, size_t n)
{
	size_t ncap;
	char *nb;

	if (h->err != HTML_OK || n == 0)
		return;
	if (n > h->max || h->len > h->max - n) {
		h->err = HTML_TOOBIG;
		return;
	}
	if (h->len + n + 1 > h->cap) {
		ncap = h->cap ? h->cap : 4096;
		while (ncap < h->len + n + 1)
			ncap *= 2;
		if (ncap > h->max + 1)
			ncap = h->max + 1;
		if ((nb = realloc(h->buf, ncap)) == NULL) {
			h->err = HTML_NOMEM;
			return;
		}
		h->buf = nb;
		h->cap = ncap;
	}
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->buf[h->len] = '\0';
}

void
html_raw(struct html *h, const char *markup)
{
	put(h, markup, strlen(markup));
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not. */
static size_t
utf8_seq(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if (s[0] == 0xe0 && s[1] < 0xa0)
			return 0;	/* overlong */
		if (s[0] == 0xed && s[1] >= 0xa0)
			return 0;	/* surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

static void
escaped(struct html *h, const char *text)
{
	const unsigned char *s = (const unsigned char *)text, *run = s;
	const char *rep;
	size_t n;

	if (text == NULL)
		return;
	while (*s) {
		rep = NULL;
		n = 1;
		switch (*s) {
		case '&':	rep = "&amp;"; break;
		case '<':	rep = "&lt;"; break;
		case '>':	rep = "&gt;"; break;
		case '"':	rep = "&quot;"; break;
		case '\'':	rep = "&#39;"; break;
		case '\t':
		case '\n':	break;
		default:
			if (*s < 0x20 || *s == 0x7f)
				rep = REPLACEMENT;
			else if ((n = utf8_seq(s)) == 0) {
				rep = REPLACEMENT;
				n = 1;
			}
		}
		if (rep == NULL) {
			s += n;
			continue;
		}
		put(h, (const char *)run, (size_t)(s - run));
		put(h, rep, strlen(rep));
		s += n;
		run = s;
	}
	put(h, (const char *)run, (size_t)(s - run));
}

void
html_txt(struct html *h, const char *text)
{
	escaped(h, text);
}

void
html_attr(struct html *h, const char *value)
{
	escaped(h, value);
}

void
html_url(struct html *h, const char *component)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)component;
	char pct[3] = { '%', 0, 0 };

	for (; s && *s; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		    *s == '_' || *s == '~') {
			put(h, (const char *)s, 1);
			continue;
		}
		pct[1] = hex[*s >> 4];
		pct[2] = hex[*s & 15];
		put(h, pct, 3);
	}
}

void
html_num(struct html *h, long long n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", n);
	put(h, buf, strlen(buf));
}

enum html_error
html_finish(struct html *h, char **out, size_t *len)
{
	enum html_error e = h->err;

	*out = NULL;
	*len = 0;
	if (e == HTML_OK && h->buf == NULL &&
	    (h->buf = calloc(1, 1)) == NULL)
		e = HTML_NOMEM;
	if (e != HTML_OK) {
		html_free(h);
		return e;
	}
	*out = h->buf;
	*len = h->len;
	h->buf = NULL;
	h->len = h->cap = 0;
	return HTML_OK;
}
