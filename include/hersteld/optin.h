/*
 * Registrations asked for on the web and not yet confirmed (double
 * opt-in).  Asking stores the SHA-256 of a random link token, never the
 * token, with what it registers and until when the link works, and
 * queues the mail that carries the link, in the caller's transaction.
 * Confirming takes the row once (schedule_optin_confirm does the
 * registration itself, as herstelctl register would).  Nothing here
 * tells anyone whether an address is known.
 */
#ifndef HERSTELD_OPTIN_H
#define HERSTELD_OPTIN_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define OPTIN_TOKEN_LEN		64	/* hex characters: 256 bits */

struct optin_in {
	int64_t		 event_id;
	const char	*occurrence;	/* "YYYY-MM-DD", or NULL/"": all */
	const char	*email;
	const char	*name;		/* NULL or "": none */
	const char	*lang;		/* "nl" or "en" */
	const char	*base_url;	/* public_url, for the link */
	int		 hours;		/* the link's life */
	int		 per_day;	/* confirmation mails per address */
};

enum optin_outcome {
	OPTIN_MAILED,		/* a new link is on its way */
	OPTIN_PENDING,		/* a link sent earlier still works: nothing */
	OPTIN_LIMITED		/* the address had its mails for today */
};

/* Check in alone (address, name, language, the date); 0 or -1 with f. */
int	optin_check(const struct optin_in *, struct fault *);

/*
 * Inside the caller's transaction: store the request and queue its mail,
 * or (see the outcome) write nothing.  Expired requests are purged on
 * the way.  0, or -1 with f filled.
 */
int	optin_ask(sqlite3 *, const struct optin_in *, enum optin_outcome *,
	    struct fault *);

enum optin_state {
	OPTIN_VALID,
	OPTIN_USED,
	OPTIN_EXPIRED,
	OPTIN_UNKNOWN
};

struct optin {
	int64_t	id;
	int64_t	event_id;
	char	occurrence[16];		/* "" for all */
	char	email[256];
	char	name[401];
	char	lang[4];
	time_t	expires;
};

/* Whether token has the shape of a link token (hex, OPTIN_TOKEN_LEN). */
int	optin_token_ok(const char *token);

/*
 * The request token's link stands for, and its state, into *out (filled
 * for every state but UNKNOWN).  -1 on a database error.
 */
int	optin_find(sqlite3 *, const char *token, struct optin *out,
	    enum optin_state *state);

/*
 * Inside the caller's transaction: mark request id used (at the clock's
 * now), or (used 0) not used again.  1 when it changed, 0 when it was
 * already so, -1 on a database error.
 */
int	optin_mark(sqlite3 *, int64_t id, int used);

/*
 * Inside the caller's transaction: every request of address email, and
 * the mails that carried their links.
 */
int	optin_forget(sqlite3 *, const char *email);

/*
 * Inside the caller's transaction: requests whose link has expired or was
 * used, and the link mails (confirmation and personal link) sent or
 * failed more than keep seconds ago, so that an address nobody confirmed
 * is not kept longer than its link worked.  0 or -1.
 */
int	optin_purge(sqlite3 *, time_t now, long keep);

#endif
