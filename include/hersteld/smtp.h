/*
 * Handing composed messages to the world: over SMTP with libcurl, or,
 * when no server is configured, into a Maildir (tmp/ then rename into
 * new/).  A session keeps one SMTP connection for a batch.
 *
 * Outcomes follow the outbox's rules: SMTP_SENT only after the server
 * answered 250 to the end of DATA (or the file was renamed into new/);
 * SMTP_TEMPORARY for 4xx replies, refused connections and time-outs;
 * SMTP_PERMANENT for 5xx replies; SMTP_CONFIG when sending cannot work
 * as configured (STARTTLS required but not offered, login refused, bad
 * URL, unreadable password file): retried like a temporary failure, and
 * logged for the operator.
 */
#ifndef HERSTELD_SMTP_H
#define HERSTELD_SMTP_H

#include <stddef.h>
#include <time.h>

#include "hersteld/conf.h"

enum smtp_outcome {
	SMTP_SENT,
	SMTP_TEMPORARY,
	SMTP_PERMANENT,
	SMTP_CONFIG
};

struct smtp_session;

/* A session for configuration c (borrowed for the session's life). */
struct smtp_session *smtp_open(const struct conf *c);

/*
 * Send one message: msg (CRLF, no Date header) is sent with a Date
 * header for now prepended.  from and to are bare addresses.  On
 * anything but SMTP_SENT, err holds one line: the server's reply or what
 * went wrong.
 */
enum smtp_outcome smtp_send(struct smtp_session *, const char *from,
	    const char *to, const char *msg, size_t len, time_t now,
	    char *err, size_t errlen);

/* Close the connection (QUIT) and free the session; NULL is fine. */
void	smtp_close(struct smtp_session *);

#endif
