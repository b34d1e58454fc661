/*
 * Composing mail: the RFC 5322/MIME message around the subject and text
 * that mail_text (mail_text.h) writes.  Nothing here sends, stores or
 * looks anything up: callers pass the parts in and get a complete
 * message out.
 *
 * A message is multipart/alternative: a text/plain UTF-8 part and, when
 * an iCalendar document is given, a text/calendar part with its METHOD
 * (iMIP, RFC 6047).  Parts are base64, lines end in CRLF, header values
 * from outside are RFC 2047-encoded and can never add or alter a header.
 * The Date header is not part of the composed message: rfc5322_date()
 * makes it when the message goes out.
 */
#ifndef HERSTELD_MAIL_H
#define HERSTELD_MAIL_H

#include <stddef.h>

#include "hersteld/util.h"

/* Headers and parts of one message.  All strings borrowed. */
struct mail_envelope {
	const char	*from;		/* smtp.from: "Name <addr>" or "addr" */
	const char	*to;		/* address */
	const char	*to_name;	/* display name, or NULL */
	const char	*reply_to;	/* group's contact address, or NULL */
	const char	*message_id;	/* "<...@host>" */
	const char	*unsubscribe_url;	/* List-Unsubscribe (https/http) */
	const char	*ics;		/* iCalendar document, or NULL */
	const char	*ics_method;	/* "REQUEST", "CANCEL", "PUBLISH" */
};

/*
 * The whole message, without Date: headers (From, To, Reply-To,
 * Subject, Message-ID, MIME-Version, Content-Type, List-Unsubscribe,
 * List-Unsubscribe-Post, Auto-Submitted) and body, CRLF throughout.
 * *out is a new NUL-terminated string of *outlen bytes.  0, or -1 with f
 * filled (an address that cannot be put in a header, or out of memory).
 * FAULT_INVALID: an address, the unsubscribe URL, the Message-ID or the
 * calendar method cannot stand in a header, or the message would exceed
 * 16 MiB; FAULT_INTERNAL: out of memory or no randomness.  Without a
 * message_id one is made with the domain of the From address.
 */
int	mail_compose(const struct mail_envelope *, const char *subject,
	    const char *body, char **out, size_t *outlen, struct fault *f);

#endif
