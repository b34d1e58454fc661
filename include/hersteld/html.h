/*
 * The one HTML writer of the web pages.  A page is built in a growable
 * buffer with a size cap; outside text goes in only through html_txt()
 * (element content) and html_attr() (a double-quoted attribute value),
 * which escape by construction, or html_url() (a percent-encoded URL
 * component inside an attribute).  html_raw() is for the page's own
 * constant markup and nothing else.  After the first failure (out of
 * memory, or over the cap) every call does nothing and html_finish()
 * reports it, so a page is written straight through and checked once.
 */
#ifndef HERSTELD_HTML_H
#define HERSTELD_HTML_H

#include <stddef.h>

enum html_error {
	HTML_OK = 0,
	HTML_NOMEM,		/* out of memory */
	HTML_TOOBIG		/* the page would pass its cap */
};

struct html {
	char		*buf;		/* owned; NUL-terminated */
	size_t		 len, cap;
	size_t		 max;		/* cap on len */
	enum html_error	 err;
};

/* An empty page that may grow to max bytes. */
void	html_init(struct html *, size_t max);
/* Free the buffer (harmless after html_take). */
void	html_free(struct html *);

/* The page's own markup: a string constant, never outside text. */
void	html_raw(struct html *, const char *markup);
/*
 * Text as element content: & < > " ' escaped, invalid UTF-8 and control
 * characters other than tab and newline replaced by U+FFFD.
 */
void	html_txt(struct html *, const char *text);
/* The same escaping, for use between the quotes of an attribute value. */
void	html_attr(struct html *, const char *value);
/*
 * A URL component (a path segment or query value) inside an attribute:
 * every byte but A-Z a-z 0-9 - . _ ~ is percent-encoded.
 */
void	html_url(struct html *, const char *component);
/* A decimal number (no escaping needed). */
void	html_num(struct html *, long long);

/*
 * HTML_OK with *out the page (a new string, caller frees) and *len its
 * length, or the error with nothing handed over; the buffer is freed
 * either way.
 */
enum html_error html_finish(struct html *, char **out, size_t *len);

#endif
