/*
 * API tokens: creation, listing, revocation, and turning a presented
 * secret into the principal a request acts as.  The secret is "hst_" and
 * the hex of 32 bytes from getrandom(2); only the SHA-256 of the whole
 * secret is stored, so a copy of the database grants nothing.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "hersteld/clock.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/store.h"
#include "hersteld/token.h"

#define SECRET_PREFIX	"hst_"
#define SECRET_BYTES	32
#define HASH_HEX_LEN	64

static const char *roles[] = {
	[ROLE_ADMIN] = "admin",
	[ROLE_ORGANIZER] = "organizer",
	[ROLE_LOCATION_MANAGER] = "location-manager",
};

const char *
role_name(enum role r)
{
	if ((unsigned)r >= sizeof(roles) / sizeof(roles[0]))
		return "unknown";
	return roles[r];
}

int
role_parse(const char *s, enum role *out)
{
	for (size_t i = 0; s && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(s, roles[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}

/* Bytes of s that fit in max without splitting a UTF-8 sequence. */
static int
utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

int
token_create(sqlite3 *db, const char *role, const char *group,
    const char *location, const char *name, const char *actor, int64_t *id,
    char *secret, struct fault *f)
{
	unsigned char raw[SECRET_BYTES];
	char hash[HASH_HEX_LEN + 1], object[32], detail[128];
	struct group g;
	struct location l;
	sqlite3_stmt *st;
	enum role r;
	int rc;

	secret[0] = '\0';
	if (group != NULL && *group == '\0')
		group = NULL;
	if (location != NULL && *location == '\0')
		location = NULL;
	if (role == NULL || *role == '\0')
		return fault_set(f, FAULT_INVALID, "--role is required: admin, "
		    "organizer or location-manager");
	if (role_parse(role, &r))
		return fault_set(f, FAULT_INVALID, "--role must be admin, "
		    "organizer or location-manager");
	if (text_check(f, "--name", name, TOKEN_NAME_MAX_CHARS, 1, 0))
		return -1;
	switch (r) {
	case ROLE_ADMIN:
		if (group || location)
			return fault_set(f, FAULT_INVALID, "an admin token takes "
			    "no --group or --location: it may do everything");
		break;
	case ROLE_ORGANIZER:
		if (location)
			return fault_set(f, FAULT_INVALID, "an organizer token "
			    "is bound to a group and takes no --location");
		if (group == NULL)
			return fault_set(f, FAULT_INVALID, "an organizer token "
			    "needs --group SLUG, the group it acts for");
		if (slug_check(f, "--group", group))
			return -1;
		break;
	case ROLE_LOCATION_MANAGER:
		if (group)
			return fault_set(f, FAULT_INVALID, "a location-manager "
			    "token is bound to a location and takes no --group");
		if (location == NULL)
			return fault_set(f, FAULT_INVALID, "a location-manager "
			    "token needs --location SLUG, the location it "
			    "manages");
		if (slug_check(f, "--location", location))
			return -1;
		break;
	}

	if (store_begin_f(db, f))
		return -1;
	if ((group && group_get(db, group, &g, f)) ||
	    (location && location_get(db, location, &l, f)))
		goto fail;
	if (random_bytes(raw, sizeof(raw))) {
		fault_set(f, FAULT_INTERNAL, "no randomness available for a "
		    "token; try again");
		goto fail;
	}
	memcpy(secret, SECRET_PREFIX, sizeof(SECRET_PREFIX) - 1);
	hex_encode(raw, sizeof(raw), secret + sizeof(SECRET_PREFIX) - 1);
	OPENSSL_cleanse(raw, sizeof(raw));
	if (sha256_hex(secret, hash)) {
		fault_set(f, FAULT_INTERNAL, "cannot hash the token (OpenSSL)");
		goto fail;
	}
	if ((st = store_prepare(db, "INSERT INTO token (name, role, group_id, "
	    "location_id, hash, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, role_name(r));
	if (group)
		sqlite3_bind_int64(st, 3, g.id);
	if (location)
		sqlite3_bind_int64(st, 4, l.id);
	store_bind_text(st, 5, hash);
	sqlite3_bind_int64(st, 6, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(db);
	snprintf(object, sizeof(object), "token %lld", (long long)*id);
	snprintf(detail, sizeof(detail), "%s%s%s", role_name(r),
	    group ? " of group " : location ? " of location " : "",
	    group ? g.slug : location ? l.slug : "");
	if (store_finish(db, actor, "token.create", object, detail, f)) {
		OPENSSL_cleanse(secret, TOKEN_SECRET_LEN + 1);
		return -1;
	}
	return 0;
fail:
	store_rollback(db);
	/* Nothing was stored; the caller must not show a secret. */
	OPENSSL_cleanse(secret, TOKEN_SECRET_LEN + 1);
	return -1;
}

#define TOKEN_COLS "t.id, t.name, t.role, coalesce(g.slug, ''), " \
	"coalesce(l.slug, ''), t.created, coalesce(t.revoked, 0) FROM token t " \
	"LEFT JOIN grp g ON g.id = t.group_id " \
	"LEFT JOIN location l ON l.id = t.location_id"

static void
token_row(sqlite3_stmt *st, void *arg)
{
	struct token *t = arg;

	t->id = sqlite3_column_int64(st, 0);
	snprintf(t->name, sizeof(t->name), "%s", store_text(st, 1));
	snprintf(t->role, sizeof(t->role), "%s", store_text(st, 2));
	snprintf(t->group, sizeof(t->group), "%s", store_text(st, 3));
	snprintf(t->location, sizeof(t->location), "%s", store_text(st, 4));
	t->created = sqlite3_column_int64(st, 5);
	t->revoked = sqlite3_column_int64(st, 6);
}

int
token_get(sqlite3 *db, int64_t id, struct token *out, struct fault *f)
{
	switch (store_one(db, "SELECT " TOKEN_COLS " WHERE t.id = ?1", NULL, id,
	    token_row, out)) {
	case 1:
		return 0;
	case 0:
		return fault_set(f, FAULT_NOTFOUND, "unknown token %lld (see "
		    "herstelctl token list)", (long long)id);
	default:
		return fault_set(f, FAULT_INTERNAL, "database error");
	}
}

int
token_list(sqlite3 *db, int (*cb)(const struct token *, void *), void *arg,
    struct fault *f)
{
	sqlite3_stmt *st;
	struct token t;
	int rc;

	if ((st = store_prepare(db, "SELECT " TOKEN_COLS " ORDER BY t.id")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		token_row(st, &t);
		if (cb(&t, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fault_set(f, FAULT_INTERNAL, "database error");
	return 0;
}

int
token_revoke(sqlite3 *db, int64_t id, const char *actor, struct fault *f)
{
	struct token t;
	sqlite3_stmt *st;
	char object[32];
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if (token_get(db, id, &t, f))
		goto fail;
	if (t.revoked != 0) {
		fault_set(f, FAULT_CONFLICT, "token %lld is already revoked",
		    (long long)id);
		goto fail;
	}
	if ((st = store_prepare(db, "UPDATE token SET revoked = ?2 "
	    "WHERE id = ?1 AND revoked IS NULL")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	snprintf(object, sizeof(object), "token %lld", (long long)id);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	return store_finish(db, actor, "token.revoke", object, t.name, f);
fail:
	store_rollback(db);
	return -1;
}

int
token_authenticate(sqlite3 *db, const char *secret, struct principal *p)
{
	char hash[HASH_HEX_LEN + 1];
	sqlite3_stmt *st = NULL;
	const char *stored, *name;
	int rc = -1;

	/* Anything not shaped like a token cannot be one; spare the query. */
	if (db == NULL || secret == NULL || strlen(secret) != TOKEN_SECRET_LEN ||
	    strncmp(secret, SECRET_PREFIX, sizeof(SECRET_PREFIX) - 1) != 0)
		return -1;
	if (sha256_hex(secret, hash))
		return -1;
	if ((st = store_prepare(db, "SELECT id, name, role, coalesce(group_id, 0), "
	    "coalesce(location_id, 0), hash FROM token "
	    "WHERE hash = ?1 AND revoked IS NULL")) == NULL)
		return -1;
	store_bind_text(st, 1, hash);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto done;
	/* The lookup is by index; the final say is a constant-time compare. */
	stored = store_text(st, 5);
	if (strlen(stored) != HASH_HEX_LEN ||
	    CRYPTO_memcmp(stored, hash, HASH_HEX_LEN) != 0)
		goto done;
	memset(p, 0, sizeof(*p));
	if (role_parse(store_text(st, 2), &p->role))
		goto done;
	p->token_id = sqlite3_column_int64(st, 0);
	p->group_id = sqlite3_column_int64(st, 3);
	p->location_id = sqlite3_column_int64(st, 4);
	name = store_text(st, 1);
	snprintf(p->name, sizeof(p->name), "token %.*s (#%lld)",
	    utf8_prefix(name, sizeof(p->name) - 32), name,
	    (long long)p->token_id);
	rc = 0;
done:
	sqlite3_finalize(st);
	return rc;
}

int
token_drop_group(sqlite3 *db, int64_t group_id, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM token WHERE group_id = ?1",
	    group_id) < 0)
		return store_fault(f, db);
	return 0;
}

int
token_drop_location(sqlite3 *db, int64_t location_id, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM token WHERE location_id = ?1",
	    location_id) < 0)
		return store_fault(f, db);
	return 0;
}
