/*
 * Groups: the support groups (steungroepen), partners and the municipality
 * that organise events.  A group has a slug (fixed once made: feed links
 * use it), a name, a kind, an optional contact email, and `anonymous`: its
 * participants are never shown by name.  Inputs are borrowed strings as
 * the API received them; NULL means "not given" (on edit: leave as it is).
 */
#ifndef HERSTELD_GROUP_H
#define HERSTELD_GROUP_H

#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define GROUP_NAME_MAX_CHARS	200

struct group {
	int64_t	id;
	char	slug[64];
	char	name[GROUP_NAME_MAX_CHARS * 4 + 1];
	char	kind[16];		/* steungroep, partner or gemeente */
	char	email[EMAIL_MAX_BYTES + 1];	/* "" when none */
	int	anonymous;
	int64_t	created, modified;
	int	page;			/* has a secret page (/g/SLUG/KEY) */
};

struct group_in {
	const char	*slug, *name, *kind;
	const char	*email;		/* "" clears it on edit */
	int		 anonymous;	/* -1: not given */
};

/* 1 when s is one of the group kinds. */
int	group_kind_valid(const char *s);

/*
 * Check a contact address: at most 254 bytes, one '@' with something
 * before it and a domain with a '.' after it, no spaces, control
 * characters, commas or angle brackets.  NULL or "" passes (optional).
 * field names the input in the message; 0 or -1 with f filled.
 */
int	group_email_check(struct fault *f, const char *field, const char *s);

/* Writes: validate everything, then one transaction with its audit row. */
int	group_add(sqlite3 *, const struct group_in *, const char *actor,
	    int64_t *id, struct fault *);
int	group_edit(sqlite3 *, const char *slug, const struct group_in *,
	    const char *actor, struct fault *);
/*
 * Removing a group is schedule_group_remove (revoked tokens bound to it
 * go with it; bookings that are over keep their record without it).
 * Inside the caller's transaction: group_unused loads it into *g when
 * nothing still uses it (events, active tokens, open bookings; else a
 * conflict saying what), and group_delete removes the row.  0, or -1
 * with f filled.
 */
int	group_unused(sqlite3 *, const char *slug, struct group *g,
	    struct fault *);
int	group_delete(sqlite3 *, const struct group *, struct fault *);

/* 0 and out filled, or -1 with a not-found (or database) fault. */
int	group_get(sqlite3 *, const char *slug, struct group *out,
	    struct fault *);
/*
 * The id of group slug into *id (0 for a NULL or empty slug); 0, or -1
 * with "unknown group" (not found) or a database fault.
 */
int	group_find_id(sqlite3 *, const char *slug, int64_t *id, struct fault *);
int	group_get_id(sqlite3 *, int64_t id, struct group *out,
	    struct fault *);
/* Every group by slug; cb returns non-zero to stop. */
int	group_list(sqlite3 *, int (*cb)(const struct group *, void *),
	    void *, struct fault *);

/* The key of a group's secret page: 128 bits, as hex. */
#define GROUP_PAGE_KEY_LEN	32

/*
 * Give group slug a new secret page (on: the key into key, the old page
 * stops working) or take its page away.  Only the key's SHA-256 is kept.
 */
int	group_page_set(sqlite3 *, const char *slug, int on, const char *actor,
	    char key[GROUP_PAGE_KEY_LEN + 1], struct fault *);
/* The group whose page is /g/slug/key; FAULT_NOTFOUND for any other. */
int	group_by_page(sqlite3 *, const char *slug, const char *key,
	    struct group *out, struct fault *);

#endif
