/*
 * The message around the words: mail_compose wraps a subject and a plain
 * text (from mail_text) and an iCalendar document in RFC 5322/MIME with
 * CRLF line ends and base64 parts; header fields and addresses are
 * written and checked by rfc5322.c.  Nothing a caller passes can add or
 * change a header: addresses that could break out of their header are
 * refused, and so are links, Message-IDs and methods that could.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hersteld/mail.h"
#include "hersteld/rfc5322.h"

#define MSG_MAX		(16 * 1024 * 1024)	/* a composed message */
#define FIELD_MAX	1024			/* one-line facts, in bytes */

/* Text with every line end (LF, CR or CRLF) made CRLF. */
static void
put_crlf(struct dynbuf *b, const char *s, size_t len)
{
	size_t i = 0, from = 0;

	while (i < len) {
		if (s[i] == '\r' || s[i] == '\n') {
			dynbuf_add(b, s + from, i - from);
			dynbuf_add(b, "\r\n", 2);
			if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
				i++;
			from = ++i;
		} else
			i++;
	}
	dynbuf_add(b, s + from, len - from);
}

/* Base64 of data in lines of 76, each ending in CRLF. */
static void
put_base64(struct dynbuf *b, const char *data, size_t len)
{
	unsigned char out[80];

	for (size_t i = 0; i < len; i += 57) {
		size_t n = len - i < 57 ? len - i : 57;
		int w = EVP_EncodeBlock(out, (const unsigned char *)data + i,
		    (int)n);

		dynbuf_add(b, (const char *)out, (size_t)w);
		dynbuf_add(b, "\r\n", 2);
	}
}

/* One base64 part of text (line ends made CRLF first). */
static void
put_part(struct dynbuf *b, const char *text, struct dynbuf *tmp)
{
	tmp->len = 0;
	if (tmp->p != NULL)
		tmp->p[0] = '\0';
	put_crlf(tmp, text, strlen(text));
	if (tmp->err) {
		b->err = tmp->err;
		return;
	}
	put_base64(b, tmp->p ? tmp->p : "", tmp->len);
}

static int
url_ok(const char *u)
{
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return 0;
	if (strlen(u) > 900)
		return 0;
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

static int
method_ok(const char *m)
{
	size_t n = m ? strlen(m) : 0;

	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((m[i] >= 'A' && m[i] <= 'Z') || m[i] == '-'))
			return 0;
	return 1;
}

int
mail_compose(const struct mail_envelope *e, const char *subject,
    const char *body, char **out, size_t *outlen, struct fault *f)
{
	struct dynbuf b = { .max = MSG_MAX }, tmp = { .max = MSG_MAX };
	char from[RFC5322_ADDR_MAX + 1], name[FIELD_MAX], mid[256], bnd[64];
	unsigned char rnd[16];
	char hex[33];
	const char *at;
	int rc = -1;

	*out = NULL;
	*outlen = 0;
	if (e->from == NULL || rfc5322_address(e->from, from, sizeof(from)) < 0) {
		fault_set(f, FAULT_INVALID, "smtp.from \"%.100s\" has no usable "
		    "address: write \"Name <noreply@example.org>\" or "
		    "\"noreply@example.org\"", e->from ? e->from : "");
		goto done;
	}
	if (!rfc5322_addr_ok(e->to)) {
		fault_set(f, FAULT_INVALID, "recipient address \"%.100s\" cannot "
		    "be used: it needs one local@domain in plain ASCII without "
		    "spaces, <, > or commas", e->to ? e->to : "");
		goto done;
	}
	if (e->reply_to != NULL && *e->reply_to != '\0' &&
	    !rfc5322_addr_ok(e->reply_to)) {
		fault_set(f, FAULT_INVALID, "reply address \"%.100s\" cannot be "
		    "used: it needs one local@domain in plain ASCII without "
		    "spaces, <, > or commas", e->reply_to);
		goto done;
	}
	if (e->unsubscribe_url != NULL && *e->unsubscribe_url != '\0' &&
	    !url_ok(e->unsubscribe_url)) {
		fault_set(f, FAULT_INVALID, "unsubscribe link \"%.100s\" cannot "
		    "be used: it must be an http(s) URL without spaces",
		    e->unsubscribe_url);
		goto done;
	}
	if (e->ics != NULL && *e->ics != '\0' && !method_ok(e->ics_method)) {
		fault_set(f, FAULT_INVALID, "calendar method \"%.40s\" is not "
		    "an iTIP method such as REQUEST, CANCEL or PUBLISH",
		    e->ics_method ? e->ics_method : "");
		goto done;
	}
	if (e->message_id != NULL && *e->message_id != '\0') {
		if (!rfc5322_msgid_ok(e->message_id)) {
			fault_set(f, FAULT_INVALID, "Message-ID \"%.100s\" is "
			    "not of the form <id@host>", e->message_id);
			goto done;
		}
		snprintf(mid, sizeof(mid), "%s", e->message_id);
	} else {
		at = strrchr(from, '@');
		if (rfc5322_message_id(at + 1, mid) < 0) {
			fault_set(f, FAULT_INTERNAL, "no randomness for a "
			    "Message-ID");
			goto done;
		}
	}
	/* "=_" never occurs in base64, so the parts cannot contain it. */
	if (random_bytes(rnd, sizeof(rnd)) < 0) {
		fault_set(f, FAULT_INTERNAL, "no randomness for a MIME boundary");
		goto done;
	}
	hex_encode(rnd, sizeof(rnd), hex);
	snprintf(bnd, sizeof(bnd), "=_hersteld_%s", hex);

	rfc5322_display_name(e->from, name, sizeof(name));
	rfc5322_put_addr(&b, "From", name, from);
	rfc5322_put_addr(&b, "To", e->to_name, e->to);
	if (e->reply_to != NULL && *e->reply_to != '\0')
		dynbuf_printf(&b, "Reply-To: %s\r\n", e->reply_to);
	rfc5322_put_text(&b, "Subject", subject ? subject : "");
	dynbuf_printf(&b, "Message-ID: %s\r\n", mid);
	dynbuf_puts(&b, "MIME-Version: 1.0\r\n");
	if (e->unsubscribe_url != NULL && *e->unsubscribe_url != '\0') {
		dynbuf_printf(&b, "List-Unsubscribe: <%s>\r\n", e->unsubscribe_url);
		dynbuf_puts(&b, "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
		    "\r\n");
	}
	dynbuf_puts(&b, "Auto-Submitted: auto-generated\r\n");
	if (e->ics != NULL && *e->ics != '\0') {
		dynbuf_printf(&b, "Content-Type: multipart/alternative;\r\n"
		    " boundary=\"%s\"\r\n\r\n", bnd);
		dynbuf_printf(&b, "--%s\r\n", bnd);
		dynbuf_puts(&b, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		put_part(&b, body ? body : "", &tmp);
		dynbuf_printf(&b, "--%s\r\n", bnd);
		dynbuf_printf(&b, "Content-Type: text/calendar; charset=utf-8; "
		    "method=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n",
		    e->ics_method);
		put_part(&b, e->ics, &tmp);
		dynbuf_printf(&b, "--%s--\r\n", bnd);
	} else {
		dynbuf_puts(&b, "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n");
		put_part(&b, body ? body : "", &tmp);
	}
	if (b.err == DYNBUF_TOOBIG) {
		fault_set(f, FAULT_INVALID, "message too large: over %d MiB",
		    MSG_MAX / (1024 * 1024));
		goto done;
	}
	if (b.err || b.p == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory composing a message");
		goto done;
	}
	*out = b.p;
	*outlen = b.len;
	b.p = NULL;
	rc = 0;
done:
	free(tmp.p);
	free(b.p);
	return rc;
}
