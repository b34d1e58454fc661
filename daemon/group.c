/*
 * Groups: steungroepen, partners and the municipality.  Every write
 * validates all of its input first, then runs in one BEGIN IMMEDIATE
 * transaction with its audit row.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/group.h"
#include "hersteld/store.h"

static const char *kinds[] = { "steungroep", "partner", "gemeente" };

int
group_kind_valid(const char *s)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0)
			return 1;
	return 0;
}

int
group_email_check(struct fault *f, const char *field, const char *s)
{
	const char *at, *dom;
	size_t n, dn;

	if (s == NULL || *s == '\0')
		return 0;
	/* The address is not echoed: it may hold anything a terminal hates. */
	if ((n = strlen(s)) > EMAIL_MAX_BYTES)
		return fault_set(f, FAULT_INVALID, "%s is too long: %zu bytes, "
		    "at most %d", field, n, EMAIL_MAX_BYTES);
	if (utf8_len(s) < 0)
		return fault_set(f, FAULT_INVALID, "%s is not valid UTF-8", field);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == ',' || *p == '<' ||
		    *p == '>')
			return fault_set(f, FAULT_INVALID, "%s is not a valid "
			    "email address: it may not contain spaces, control "
			    "characters, commas or angle brackets; give one "
			    "plain address such as info@example.org", field);
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return fault_set(f, FAULT_INVALID, "%s is not a valid email "
		    "address: it needs exactly one '@', e.g. info@example.org",
		    field);
	if (at == s)
		return fault_set(f, FAULT_INVALID, "%s is not a valid email "
		    "address: nothing before the '@'", field);
	dom = at + 1;
	dn = strlen(dom);
	if (dn == 0 || strchr(dom, '.') == NULL || dom[0] == '.' ||
	    dom[dn - 1] == '.' || strstr(dom, "..") != NULL)
		return fault_set(f, FAULT_INVALID, "%s is not a valid email "
		    "address: after the '@' must come a domain such as "
		    "example.org", field);
	return 0;
}

#define GROUP_COLS "id, slug, name, kind, email, anonymous, created, " \
	"modified, page_hash IS NOT NULL"

static void
group_row(sqlite3_stmt *st, void *arg)
{
	struct group *g = arg;

	g->id = sqlite3_column_int64(st, 0);
	snprintf(g->slug, sizeof(g->slug), "%s", store_text(st, 1));
	snprintf(g->name, sizeof(g->name), "%s", store_text(st, 2));
	snprintf(g->kind, sizeof(g->kind), "%s", store_text(st, 3));
	snprintf(g->email, sizeof(g->email), "%s", store_text(st, 4));
	g->anonymous = sqlite3_column_int(st, 5) != 0;
	g->created = sqlite3_column_int64(st, 6);
	g->modified = sqlite3_column_int64(st, 7);
	g->page = sqlite3_column_int(st, 8) != 0;
}

static int
group_fetch(sqlite3 *db, const char *sql, const char *slug, int64_t id,
    struct group *out, struct fault *f)
{
	return store_fetch(db, sql, slug, id, group_row, out, "group", f);
}

int
group_get(sqlite3 *db, const char *slug, struct group *out, struct fault *f)
{
	if (slug == NULL || *slug == '\0')
		return fault_set(f, FAULT_INVALID, "group is required");
	return group_fetch(db, "SELECT " GROUP_COLS " FROM grp WHERE slug = ?1",
	    slug, 0, out, f);
}

int
group_find_id(sqlite3 *db, const char *slug, int64_t *id, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (slug == NULL || *slug == '\0')
		return 0;
	if ((st = store_prepare(db, "SELECT id FROM grp WHERE slug = ?1")) == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, slug);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return fault_set(f, FAULT_NOTFOUND, "unknown group \"%.63s\"", slug);
}

int
group_get_id(sqlite3 *db, int64_t id, struct group *out, struct fault *f)
{
	return group_fetch(db, "SELECT " GROUP_COLS " FROM grp WHERE id = ?1",
	    NULL, id, out, f);
}

/* The fields every group must have right, whether new or edited. */
static int
group_validate(struct fault *f, const char *name, const char *kind,
    const char *email)
{
	if (text_check(f, "--name", name, GROUP_NAME_MAX_CHARS, 1, 0))
		return -1;
	if (!group_kind_valid(kind))
		return fault_set(f, FAULT_INVALID, "--kind must be steungroep, "
		    "partner or gemeente");
	return group_email_check(f, "--email", email);
}

int
group_add(sqlite3 *db, const struct group_in *in, const char *actor,
    int64_t *id, struct fault *f)
{
	sqlite3_stmt *st;
	const char *kind = in->kind ? in->kind : "steungroep";
	int rc;

	if (slug_check(f, "group", in->slug) ||
	    group_validate(f, in->name, kind, in->email))
		return -1;
	if (store_begin_f(db, f))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO grp (slug, name, kind, email, "
	    "anonymous, created, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?6)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	store_bind_text(st, 1, in->slug);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, in->email ? in->email : "");
	sqlite3_bind_int(st, 5, in->anonymous > 0);
	sqlite3_bind_int64(st, 6, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fault_set(f, FAULT_CONFLICT, "group \"%s\" already exists",
		    in->slug);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(db);
	if (store_new_feed_key(db, "grp", *id)) {
		store_fault(f, db);
		goto fail;
	}
	return store_finish(db, actor, "group.add", in->slug, in->name, f);
fail:
	store_rollback(db);
	return -1;
}

int
group_edit(sqlite3 *db, const char *slug, const struct group_in *in,
    const char *actor, struct fault *f)
{
	struct group g;
	sqlite3_stmt *st;
	const char *name, *kind, *email;
	char detail[64];
	int anonymous, rc;

	if (in->slug != NULL)
		return fault_set(f, FAULT_INVALID, "a group's slug cannot be "
		    "changed (feed links use it)");
	if (store_begin_f(db, f))
		return -1;
	if (group_get(db, slug, &g, f))
		goto fail;
	name = in->name ? in->name : g.name;
	kind = in->kind ? in->kind : g.kind;
	email = in->email ? in->email : g.email;
	anonymous = in->anonymous >= 0 ? in->anonymous > 0 : g.anonymous;
	if (group_validate(f, name, kind, email))
		goto fail;
	if ((st = store_prepare(db, "UPDATE grp SET name = ?2, kind = ?3, "
	    "email = ?4, anonymous = ?5, modified = ?6 WHERE id = ?1")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, g.id);
	store_bind_text(st, 2, name);
	store_bind_text(st, 3, kind);
	store_bind_text(st, 4, email);
	sqlite3_bind_int(st, 5, anonymous);
	sqlite3_bind_int64(st, 6, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	/* Whether a group is anonymous matters for accountability. */
	snprintf(detail, sizeof(detail), "%s", anonymous != g.anonymous ?
	    (anonymous ? "anonymous on" : "anonymous off") : "");
	return store_finish(db, actor, "group.edit", g.slug, detail, f);
fail:
	store_rollback(db);
	return -1;
}

int
group_unused(sqlite3 *db, const char *slug, struct group *g, struct fault *f)
{
	long n;

	if (group_get(db, slug, g, f))
		return -1;
	if ((n = store_count(db, "SELECT count(*) FROM event WHERE group_id = ?1",
	    g->id)) < 0)
		return store_fault(f, db);
	if (n > 0)
		return fault_set(f, FAULT_CONFLICT, "group %s organises %ld "
		    "event(s); move them to another group or remove them first",
		    g->slug, n);
	if ((n = store_count(db, "SELECT count(*) FROM token WHERE group_id = ?1 "
	    "AND revoked IS NULL", g->id)) < 0)
		return store_fault(f, db);
	if (n > 0)
		return fault_set(f, FAULT_CONFLICT, "group %s has %ld active "
		    "token(s); revoke them first (herstelctl token list)",
		    g->slug, n);
	if ((n = store_count(db, "SELECT count(*) FROM booking WHERE group_id = "
	    "?1 AND status IN ('requested', 'confirmed')", g->id)) < 0)
		return store_fault(f, db);
	if (n > 0)
		return fault_set(f, FAULT_CONFLICT, "group %s has %ld booking(s); "
		    "cancel them first (herstelctl booking list)", g->slug, n);
	return 0;
}

int
group_delete(sqlite3 *db, const struct group *g, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM grp WHERE id = ?1", g->id) < 0) {
		/* Something newer than the check refers to the group. */
		if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			return fault_set(f, FAULT_CONFLICT, "group %s is still in "
			    "use (bookings or other records refer to it); remove "
			    "those first", g->slug);
		return store_fault(f, db);
	}
	return 0;
}

int
group_list(sqlite3 *db, int (*cb)(const struct group *, void *), void *arg,
    struct fault *f)
{
	sqlite3_stmt *st;
	struct group g;
	int rc;

	if ((st = store_prepare(db, "SELECT " GROUP_COLS " FROM grp "
	    "ORDER BY slug")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		group_row(st, &g);
		if (cb(&g, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fault_set(f, FAULT_INTERNAL, "database error");
	return 0;
}

int
group_page_set(sqlite3 *db, const char *slug, int on, const char *actor,
    char key[GROUP_PAGE_KEY_LEN + 1], struct fault *f)
{
	unsigned char rnd[GROUP_PAGE_KEY_LEN / 2];
	char hash[65];
	struct group g;
	sqlite3_stmt *st;
	int rc;

	key[0] = '\0';
	if (on) {
		if (random_bytes(rnd, sizeof(rnd)))
			return fault_set(f, FAULT_INTERNAL, "no randomness "
			    "available");
		hex_encode(rnd, sizeof(rnd), key);
		if (sha256_hex(key, hash))
			return fault_set(f, FAULT_INTERNAL, "cannot hash the "
			    "page's key");
	}
	if (store_begin_f(db, f))
		return -1;
	if (group_get(db, slug, &g, f))
		goto fail;
	if (!on && !g.page) {
		fault_set(f, FAULT_CONFLICT, "group %s has no page", g.slug);
		goto fail;
	}
	if ((st = store_prepare(db, "UPDATE grp SET page_hash = ?2, modified "
	    "= ?3 WHERE id = ?1")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, g.id);
	store_bind_text(st, 2, on ? hash : NULL);
	sqlite3_bind_int64(st, 3, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	/* The audit says that the page changed, never its key. */
	if (store_finish(db, actor, on ? "group.page" : "group.page-off",
	    g.slug, on && g.page ? "replaced" : NULL, f)) {
		key[0] = '\0';
		return -1;
	}
	return 0;
fail:
	store_rollback(db);
	key[0] = '\0';
	return -1;
}

int
group_by_page(sqlite3 *db, const char *slug, const char *key,
    struct group *out, struct fault *f)
{
	sqlite3_stmt *st;
	char hash[65];
	int rc;

	if (!hex_token_ok(key, GROUP_PAGE_KEY_LEN) || sha256_hex(key, hash))
		return fault_set(f, FAULT_NOTFOUND, "no such page");
	if ((st = store_prepare(db, "SELECT " GROUP_COLS " FROM grp WHERE "
	    "slug = ?1 AND page_hash = ?2")) == NULL)
		return store_fault(f, db);
	store_bind_text(st, 1, slug);
	store_bind_text(st, 2, hash);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		group_row(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return fault_set(f, FAULT_NOTFOUND, "no such page");
	return rc == SQLITE_ROW ? 0 : store_fault(f, db);
}
