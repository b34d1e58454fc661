/*
 * The personal link (/me/TOKEN) every mail to a person carries.  The
 * token is HMAC-SHA256 over the person's id and a generation, with a key
 * the daemon keeps (store_secret "me-link"), so each mail can carry it
 * without the token being stored; the participant row holds only its
 * SHA-256, to find the person by it.  A new link raises the generation:
 * the old one then finds nobody.
 */
#ifndef HERSTELD_MELINK_H
#define HERSTELD_MELINK_H

#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/participant.h"
#include "hersteld/util.h"

#define MELINK_TOKEN_LEN	64	/* hex characters: 256 bits */

/* Whether token has the shape of a personal token. */
int	melink_token_ok(const char *token);

/*
 * Inside the caller's write transaction: person pid's current token into
 * out[MELINK_TOKEN_LEN + 1], its hash recorded when it was not yet.
 * 0, or -1 on a database or key error.
 */
int	melink_token(sqlite3 *, int64_t pid, char *out);

/*
 * The person whose current token this is: 1 with *pid, 0 when nobody's
 * (unknown, replaced, or forgotten), -1 on a database error.
 */
int	melink_find(sqlite3 *, const char *token, int64_t *pid);

/*
 * Inside the caller's transaction: replace person p's link with a new
 * one (the old stops working) and queue the mail that carries it to
 * their address.  base_url: public_url.  0, or -1 with f filled.
 */
int	melink_renew(sqlite3 *, const struct participant *p,
	    const char *base_url, struct fault *);

/*
 * How many confirmation and link mails went to address email in the
 * last day (web.mails_per_day counts both); -1 on a database error.
 */
long	melink_mails_today(sqlite3 *, const char *email);

#endif
