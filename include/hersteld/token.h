/*
 * API tokens and the principal a request acts as.  A token is 32 random
 * bytes from getrandom(2), shown once as "hst_" + 64 hex digits; the store
 * keeps only its SHA-256 (OpenSSL).  Roles: admin; organizer, bound to a
 * group; location-manager, bound to a location.
 */
#ifndef HERSTELD_TOKEN_H
#define HERSTELD_TOKEN_H

#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define TOKEN_SECRET_LEN	68	/* "hst_" + 64 hex */
#define TOKEN_NAME_MAX_CHARS	200

enum role { ROLE_ADMIN, ROLE_ORGANIZER, ROLE_LOCATION_MANAGER };

/* Who a request acts as: the socket is the admin; TCP needs a token. */
struct principal {
	enum role	role;
	int64_t		token_id;	/* 0 for the socket */
	int64_t		group_id;	/* organizer: its group */
	int64_t		location_id;	/* location-manager: its location */
	char		name[256];	/* for the audit trail */
};

struct token {
	int64_t		id;
	char		name[808];
	char		role[20];
	char		group[64];	/* slug or "" */
	char		location[64];	/* slug or "" */
	int64_t		created;
	int64_t		revoked;	/* 0: active */
};

/* "admin", "organizer" or "location-manager"; static string. */
const char	*role_name(enum role);
/* The role named s; 0, or -1 for an unknown name. */
int		 role_parse(const char *s, enum role *out);

/*
 * Create a token.  group / location: slugs (required for organizer /
 * location-manager, refused otherwise).  secret receives the token text
 * (TOKEN_SECRET_LEN + 1 bytes); it is not stored anywhere.
 */
int	token_create(sqlite3 *, const char *role, const char *group,
	    const char *location, const char *name, const char *actor,
	    int64_t *id, char *secret, struct fault *);
/* 0 and out filled, or -1 with a not-found (or database) fault. */
int	token_get(sqlite3 *, int64_t id, struct token *out, struct fault *);
/* Every token, revoked ones included, by id; cb returns non-zero to stop. */
int	token_list(sqlite3 *, int (*cb)(const struct token *, void *), void *,
	    struct fault *);
/* Mark a token revoked now; an unknown or already revoked id is a fault. */
int	token_revoke(sqlite3 *, int64_t id, const char *actor, struct fault *);
/*
 * Delete every token bound to group group_id, or to location
 * location_id, inside the caller's transaction (schedule_group_remove,
 * schedule_location_remove; active ones were refused before).  0, or -1
 * with f filled.
 */
int	token_drop_group(sqlite3 *, int64_t group_id, struct fault *);
int	token_drop_location(sqlite3 *, int64_t location_id, struct fault *);

/*
 * Resolve a presented secret; 0 and p filled, or -1 (unknown or revoked,
 * or db NULL).  p->name is "token NAME (#ID)".
 */
int	token_authenticate(sqlite3 *, const char *secret, struct principal *p);

#endif
