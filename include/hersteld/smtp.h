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

/*
 * A session for configuration c (borrowed for the session's life); NULL
 * when out of memory.  A session belongs to one thread.  Problems with
 * the configuration (an unreadable password file) do not fail here: every
 * send then answers SMTP_CONFIG saying what is wrong.  A Maildir session
 * (smtp.url empty) creates maildir and its tmp/, new/ and cur/ (0700) as
 * needed, not maildir's parent; files hold the message as it would go
 * over SMTP, CRLF line ends and Date header included.
 */
struct smtp_session *smtp_open(const struct conf *c);

/*
 * Send one message: msg (CRLF, no Date header) is sent with a Date
 * header for now prepended.  from and to are bare addresses.  On
 * anything but SMTP_SENT, err holds one line: the server's reply or what
 * went wrong.
 *
 * A 5xx reply to RCPT or to the message is SMTP_PERMANENT; a 5xx reply
 * at the greeting, to the login or to MAIL FROM (other than 552, too
 * large), and 530/534/535/538 anywhere, concern every message and are
 * SMTP_CONFIG, as are curl's URL, STARTTLS, TLS and login errors.  err
 * then reads e.g. "550 5.1.1 no such user", "Failed to connect to
 * mail.example.org port 587 after 3 ms: Couldn't connect to server", or
 * "the server refuses mail from <noreply@example.org> as configured:
 * 553 5.7.1 sender not allowed".
 */
enum smtp_outcome smtp_send(struct smtp_session *, const char *from,
	    const char *to, const char *msg, size_t len, time_t now,
	    char *err, size_t errlen);

/* Close the connection (QUIT) and free the session; NULL is fine. */
void	smtp_close(struct smtp_session *);

#endif
