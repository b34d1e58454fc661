/*
 * Addresses and header fields of Internet mail (RFC 5322, RFC 2047):
 * what the configuration, the feeds and the outbox need to check an
 * address, and what the composer (mail.c) needs to write a header from
 * outside text that can never add or alter a header.
 */
#ifndef HERSTELD_RFC5322_H
#define HERSTELD_RFC5322_H

#include <stddef.h>
#include <time.h>

#include "hersteld/util.h"

#define RFC5322_ADDR_MAX	254	/* bytes of an address */

/*
 * Whether a can stand in a header and an SMTP command as it is:
 * local@domain in printable ASCII, nothing that ends or splits a header
 * or an address list.  1 or 0.
 */
int	rfc5322_addr_ok(const char *a);

/*
 * The bare address of "Name <addr>" or "addr" into out (len bytes);
 * 0, or -1 when there is none or it does not fit.
 */
int	rfc5322_address(const char *from, char *out, size_t len);

/* The display name of "Name <addr>" (quotes removed, one line) into out;
 * "" when there is none. */
void	rfc5322_display_name(const char *from, char *out, size_t len);

/*
 * "Name: text\r\n" into b from outside text (made one line, cut at 600
 * bytes): ASCII folded at spaces, anything else as RFC 2047 UTF-8 "B"
 * words on lines of at most 76.
 */
void	rfc5322_put_text(struct dynbuf *b, const char *name, const char *text);

/*
 * "Hdr: Name <addr>\r\n" or "Hdr: addr\r\n" into b: the display name
 * (outside text) as an atom phrase, a quoted string or RFC 2047 words.
 * addr must have passed rfc5322_addr_ok.
 */
void	rfc5322_put_addr(struct dynbuf *b, const char *hdr, const char *name,
	    const char *addr);

/* Whether m is a Message-ID "<id@host>" that can stand in a header. */
int	rfc5322_msgid_ok(const char *m);

/* A new unique Message-ID "<random.time@host>" into out[128]; 0 or -1. */
int	rfc5322_message_id(const char *host, char *out);

/* "Date: Tue, 03 Dec 2026 19:00:00 +0100\r\n" for t (local zone of the
 * host, RFC 5322 numeric offset) into out[64]. */
void	rfc5322_date(time_t t, char *out);

#endif
