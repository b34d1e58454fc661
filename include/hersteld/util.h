/*
 * Small things every domain module needs: the fault record that carries a
 * failure up to the API, and validation of text that comes from outside.
 */
#ifndef HERSTELD_UTIL_H
#define HERSTELD_UTIL_H

#include <stddef.h>

/* How a request failed; the API maps each kind to an HTTP status. */
enum fault_kind {
	FAULT_NONE = 0,
	FAULT_INVALID,		/* 422: the input breaks a rule */
	FAULT_BADREQ,		/* 400: the request itself is malformed */
	FAULT_NOTFOUND,		/* 404 */
	FAULT_CONFLICT,		/* 409: duplicate or clash */
	FAULT_FORBIDDEN,	/* 403 */
	FAULT_INTERNAL,		/* 500 */
	FAULT_UNAVAILABLE	/* 503: storage full or failing; try later */
};

struct fault {
	enum fault_kind	kind;
	char		msg[512];
};

/* Record a failure (the first one wins); always returns -1. */
int	fault_set(struct fault *, enum fault_kind, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#define EMAIL_MAX_BYTES		254	/* RFC 5321 path limit */

/* Number of UTF-8 characters in s, or -1 when s is not valid UTF-8. */
long	utf8_len(const char *s);

/*
 * Check a text field from outside: valid UTF-8, at most max characters,
 * and (unless multiline) no control characters and no bidirectional
 * overrides or isolates (U+202A-U+202E, U+2066-U+2069).  required: not
 * empty.
 * On failure fills f naming the field and returns -1.
 */
int	text_check(struct fault *f, const char *field, const char *s,
	    long max, int required, int multiline);

/*
 * Make s safe to echo: invalid UTF-8 bytes and control characters become
 * '?', in place.
 */
void	text_sanitize(char *s);

/* A slug: 1-63 of [a-z0-9-], starting with a letter or digit. */
int	slug_valid(const char *s);
int	slug_check(struct fault *f, const char *what, const char *s);

/* A list of tags "a,b,c" of slugs; returns 0 or -1 with f filled. */
int	tags_check(struct fault *f, const char *field, const char *s);

/*
 * The directory path would be created in exists (a path without '/' is
 * in the working directory).  0, or -1 with "what PATH: ..." in err.
 */
int	path_dir_check(const char *what, const char *path, char *err,
	    size_t errlen);

/* Fill buf with n random bytes from the OS; 0 or -1. */
int	random_bytes(void *buf, size_t n);

/* SHA-256 of the string s as lower-case hex into out[65]; 0 or -1. */
int	sha256_hex(const char *s, char *out);

/* Whether s is exactly len lower-case hexadecimal digits (a link token). */
int	hex_token_ok(const char *s, size_t len);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void	hex_encode(const unsigned char *in, size_t n, char *out);

/* Length of the UTF-8 sequence that starts with c (1 for a stray byte). */
size_t	utf8_seqlen(unsigned char c);

/*
 * One line of outside text s (NULL: "") into out (len bytes): control
 * characters become spaces, runs of spaces one space, no space at either
 * end, cut at a character boundary to fit, invalid UTF-8 shown as '?'.
 */
void	text_oneline(char *out, size_t len, const char *s);
/*
 * Replace, in place, every email address in s (what surrounds an '@') by
 * "<address>", as far as s has room; for texts that go to the log, such
 * as a mail server's reply ("550 5.1.1 <x@y>: unknown user").
 */
void	text_scrub_addresses(char *s, size_t size);

/*
 * A growing buffer with a cap (max bytes of text).  Start from { .max =
 * N }; after a failure err says why and later additions do nothing.  p
 * is NUL-terminated (or NULL while empty) and the caller frees it.
 */
enum { DYNBUF_OK, DYNBUF_NOMEM, DYNBUF_TOOBIG };

struct dynbuf {
	char	*p;
	size_t	 len, cap, max;
	int	 err;
};

void	dynbuf_add(struct dynbuf *, const char *s, size_t n);
void	dynbuf_puts(struct dynbuf *, const char *s);
void	dynbuf_printf(struct dynbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
