/*
 * Participants.  Only what reaching a person needs is kept: address,
 * optional name, language, reminder lead times, quiet hours, and two
 * random tokens (personal feed, unsubscribe).  Forgetting a person
 * deletes all of it; the database runs with secure_delete, and the
 * write-ahead log is checkpointed afterwards, so the address does not
 * linger in free pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/log.h"
#include "hersteld/outbox.h"
#include "hersteld/participant.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static int
lead_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

int
participant_parse_leads(struct fault *f, const char *s, long *leads, int *n)
{
	char buf[256], *save = NULL, *t;

	*n = 0;
	if (s == NULL)
		return fault_set(f, FAULT_INVALID, "--remind is required");
	if (strcmp(s, "none") == 0)
		return 0;
	if (strlen(s) >= sizeof(buf) || *s == '\0' || *s == ',' ||
	    s[strlen(s) - 1] == ',' || strstr(s, ",,") != NULL)
		return fault_set(f, FAULT_INVALID, "--remind must be lead times "
		    "such as 7d,1d,2h, or none");
	snprintf(buf, sizeof(buf), "%s", s);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		long v;

		if (*n == CONF_MAX_LEADS)
			return fault_set(f, FAULT_INVALID, "--remind takes at "
			    "most %d lead times", CONF_MAX_LEADS);
		if (when_parse_duration(f, "--remind", t, PARTICIPANT_MAX_LEAD,
		    &v))
			return -1;
		for (int i = 0; i < *n; i++)
			if (leads[i] == v)
				return fault_set(f, FAULT_INVALID, "--remind "
				    "names %s twice", t);
		leads[(*n)++] = v;
	}
	if (*n == 0)
		return fault_set(f, FAULT_INVALID, "--remind must be lead times "
		    "such as 7d,1d,2h, or none");
	qsort(leads, *n, sizeof(*leads), lead_cmp);
	return 0;
}

static int
hhmm(const char *s, int *out)
{
	int h, m;
	char tail;

	if (strlen(s) != 5 || sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 ||
	    s[2] != ':' || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	*out = h * 60 + m;
	return 0;
}

int
participant_parse_quiet(struct fault *f, const char *s, int *from, int *to)
{
	char a[8], b[8];
	const char *dash;

	*from = *to = -1;
	if (s && strcmp(s, "none") == 0)
		return 0;
	if (s == NULL || (dash = strchr(s, '-')) == NULL ||
	    dash - s != 5 || strlen(dash + 1) != 5)
		goto bad;
	memcpy(a, s, 5);
	a[5] = '\0';
	memcpy(b, dash + 1, 5);
	b[5] = '\0';
	if (hhmm(a, from) || hhmm(b, to))
		goto bad;
	if (*from == *to)
		return fault_set(f, FAULT_INVALID, "--quiet starts and ends at "
		    "the same time; give none for no quiet hours");
	return 0;
bad:
	*from = *to = -1;
	return fault_set(f, FAULT_INVALID, "--quiet must look like "
	    "21:00-08:00 (or none)");
}

void
participant_leads_text(const long *leads, int n, char *out, size_t len)
{
	size_t used = 0;

	if (n == 0) {
		snprintf(out, len, "none");
		return;
	}
	out[0] = '\0';
	for (int i = 0; i < n && used < len; i++) {
		long v = leads[i], d = v / 86400, h = v % 86400 / 3600,
		    m = v % 3600 / 60;
		char one[40] = "";
		int k = 0;

		if (d)
			k += snprintf(one + k, sizeof(one) - k, "%ldd", d);
		if (h)
			k += snprintf(one + k, sizeof(one) - k, "%ldh", h);
		if (m || k == 0)
			snprintf(one + k, sizeof(one) - k, "%ldm", m);
		used += snprintf(out + used, len - used, "%s%s", i ? "," : "",
		    one);
	}
}

static void
quiet_text(int from, int to, char *out, size_t len)
{
	if (from < 0)
		snprintf(out, len, "none");
	else
		snprintf(out, len, "%02d:%02d-%02d:%02d", from / 60, from % 60,
		    to / 60, to % 60);
}

#define COLS "id, email, name, lang, leads, quiet, feed_token, unsub_token, " \
	"coalesce(unsubscribed, 0), created, modified"

static void
fill(sqlite3_stmt *st, void *arg)
{
	struct participant *p = arg;
	struct fault f = { 0 };

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	snprintf(p->email, sizeof(p->email), "%s", store_text(st, 1));
	snprintf(p->name, sizeof(p->name), "%s", store_text(st, 2));
	snprintf(p->lang, sizeof(p->lang), "%s", store_text(st, 3));
	/* Stored as checked text; a bad row reads as "no reminders". */
	if (participant_parse_leads(&f, store_text(st, 4), p->leads,
	    &p->nleads))
		p->nleads = 0;
	participant_leads_text(p->leads, p->nleads, p->leads_text,
	    sizeof(p->leads_text));
	if (participant_parse_quiet(&f, store_text(st, 5), &p->quiet_from,
	    &p->quiet_to))
		p->quiet_from = p->quiet_to = -1;
	quiet_text(p->quiet_from, p->quiet_to, p->quiet_text,
	    sizeof(p->quiet_text));
	snprintf(p->feed_token, sizeof(p->feed_token), "%s", store_text(st, 6));
	snprintf(p->unsub_token, sizeof(p->unsub_token), "%s",
	    store_text(st, 7));
	p->unsubscribed = sqlite3_column_int64(st, 8);
	p->created = sqlite3_column_int64(st, 9);
	p->modified = sqlite3_column_int64(st, 10);
}

static int
is_id(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 18)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int
participant_get_id(sqlite3 *db, int64_t id, struct participant *p,
    struct fault *f)
{
	return store_fetch(db, "SELECT " COLS " FROM participant WHERE id = ?1",
	    NULL, id, fill, p, "participant", f);
}

int
participant_get(sqlite3 *db, const char *ref, struct participant *p,
    struct fault *f)
{
	int rc;

	if (ref == NULL || *ref == '\0')
		return fault_set(f, FAULT_INVALID, "a participant (id or email "
		    "address) is required");
	if (is_id(ref))
		return participant_get_id(db, strtoll(ref, NULL, 10), p, f);
	if (group_email_check(f, "participant", ref))
		return -1;
	/* Not echoed back: an address is personal data. */
	rc = store_one(db, "SELECT " COLS " FROM participant WHERE email = ?1",
	    ref, 0, fill, p);
	if (rc < 0)
		return store_fault(f, db);
	if (rc == 0)
		return fault_set(f, FAULT_NOTFOUND, "no participant has that "
		    "address");
	return 0;
}

int
participant_known(sqlite3 *db, int64_t pid, int64_t group_id)
{
	sqlite3_stmt *st;
	int rc, known = 0;

	/*
	 * Added by the group, or registered for a session the group owns
	 * or co-hosts whose attendees it is shown (not an anonymous
	 * group's): nothing the organizer could not see already.
	 */
	if ((st = store_prepare(db, "SELECT EXISTS (SELECT 1 FROM "
	    "participant_group WHERE participant_id = ?1 AND group_id = ?2) "
	    "OR EXISTS (SELECT 1 FROM registration r JOIN event e ON "
	    "e.id = r.event_id LEFT JOIN grp g ON g.id = e.group_id WHERE "
	    "r.participant_id = ?1 AND r.status IN ('going', 'waitlist') AND "
	    "coalesce(g.anonymous, 0) = 0 AND (e.group_id = ?2 OR EXISTS "
	    "(SELECT 1 FROM cohost c WHERE c.event_id = e.id AND "
	    "c.group_id = ?2)))")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, group_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		known = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? known : -1;
}

int
participant_get_for(sqlite3 *db, const char *ref, int64_t group_id,
    struct participant *p, struct fault *f)
{
	int known;

	if (participant_get(db, ref, p, f))
		return -1;
	if (group_id == 0)
		return 0;
	if ((known = participant_known(db, p->id, group_id)) < 0)
		return store_fault(f, db);
	if (known)
		return 0;
	/* Word for word what an unknown id or address gets. */
	if (is_id(ref))
		return fault_set(f, FAULT_NOTFOUND, "unknown participant %lld",
		    (long long)strtoll(ref, NULL, 10));
	return fault_set(f, FAULT_NOTFOUND, "no participant has that address");
}

int
participant_by_feed_token(sqlite3 *db, const char *token,
    struct participant *p)
{
	if (token == NULL || strlen(token) != PARTICIPANT_TOKEN_LEN)
		return -1;
	return store_one(db, "SELECT " COLS " FROM participant WHERE "
	    "feed_token = ?1", token, 0, fill, p) == 1 ? 0 : -1;
}

int
participant_list(sqlite3 *db, int (*cb)(const struct participant *, void *),
    void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	struct participant p;
	int rc;

	if ((st = store_prepare(db, "SELECT " COLS " FROM participant "
	    "ORDER BY id")) == NULL)
		return store_fault(f, db);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(st, &p);
		if (cb(&p, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/* The checked values of in (over base, for edit). */
struct checked {
	const char	*name, *lang;
	char		 leads[128], quiet[48];
};

static int
check_in(const struct participant_in *in, const struct participant *base,
    struct checked *c, struct fault *f)
{
	const struct conf *cf = conf_current();
	long leads[CONF_MAX_LEADS];
	int n, qf, qt;

	if (text_check(f, "--name", in->name, PARTICIPANT_NAME_MAX_CHARS, 0, 0))
		return -1;
	c->name = in->name ? in->name : base ? base->name : "";
	c->lang = in->lang ? in->lang : base ? base->lang : "nl";
	if (strcmp(c->lang, "nl") && strcmp(c->lang, "en"))
		return fault_set(f, FAULT_INVALID, "--lang must be nl or en");
	if (in->remind) {
		if (participant_parse_leads(f, in->remind, leads, &n))
			return -1;
	} else if (base) {
		memcpy(leads, base->leads, sizeof(leads));
		n = base->nleads;
	} else {
		n = cf->nleads;
		memcpy(leads, cf->leads, n * sizeof(*leads));
		qsort(leads, n, sizeof(*leads), lead_cmp);
	}
	participant_leads_text(leads, n, c->leads, sizeof(c->leads));
	if (in->quiet) {
		if (participant_parse_quiet(f, in->quiet, &qf, &qt))
			return -1;
	} else if (base) {
		qf = base->quiet_from;
		qt = base->quiet_to;
	} else {
		qf = cf->quiet_from;
		qt = cf->quiet_to;
		if (qf == qt)
			qf = qt = -1;
	}
	quiet_text(qf, qt, c->quiet, sizeof(c->quiet));
	return 0;
}

static int
new_token(char *out)
{
	unsigned char rnd[PARTICIPANT_TOKEN_LEN / 2];

	if (random_bytes(rnd, sizeof(rnd)))
		return -1;
	hex_encode(rnd, sizeof(rnd), out);
	return 0;
}

/*
 * Link participant pid to group_id, under the name the group gave (NULL
 * or "": none); adding again keeps the link and takes the new name.
 */
static int
link_group(sqlite3 *db, int64_t pid, int64_t group_id, const char *name)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "INSERT INTO participant_group "
	    "(participant_id, group_id, created, name) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT DO UPDATE SET name = excluded.name")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, group_id);
	sqlite3_bind_int64(st, 3, clock_now());
	if (name && *name)
		store_bind_text(st, 4, name);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
participant_add(sqlite3 *db, const struct participant_in *in,
    int64_t group_id, const char *actor, int64_t *id, struct fault *f)
{
	struct checked c;
	char feed[PARTICIPANT_TOKEN_LEN + 1], unsub[PARTICIPANT_TOKEN_LEN + 1];
	char obj[40];
	const char *action = "participant.add";
	sqlite3_stmt *st;
	time_t now = clock_now();
	int rc;

	if (in->email == NULL || *in->email == '\0')
		return fault_set(f, FAULT_INVALID, "--email is required");
	if (group_email_check(f, "--email", in->email) ||
	    check_in(in, NULL, &c, f))
		return -1;
	if (in->resubscribe)
		return fault_set(f, FAULT_INVALID, "--resubscribe is for edit");
	if (new_token(feed) || new_token(unsub))
		return fault_set(f, FAULT_INTERNAL, "no randomness available");
	if (store_begin_f(db, f))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO participant (email, name, lang, "
	    "leads, quiet, feed_token, unsub_token, created, modified) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	store_bind_text(st, 1, in->email);
	store_bind_text(st, 2, c.name);
	store_bind_text(st, 3, c.lang);
	store_bind_text(st, 4, c.leads);
	store_bind_text(st, 5, c.quiet);
	store_bind_text(st, 6, feed);
	store_bind_text(st, 7, unsub);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT && group_id == 0) {
		fault_set(f, FAULT_CONFLICT, "a participant with that address "
		    "exists already");
		goto fail;
	}
	if (rc == SQLITE_CONSTRAINT) {
		struct participant p;

		/*
		 * An organizer is not told that the address is known: the
		 * person is linked to its group and nothing of theirs
		 * changes.  The caller answers as for a new person.
		 */
		if (store_one(db, "SELECT " COLS " FROM participant WHERE "
		    "email = ?1", in->email, 0, fill, &p) != 1) {
			store_fault(f, db);
			goto fail;
		}
		*id = p.id;
		action = "participant.link";
	} else if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	} else
		*id = sqlite3_last_insert_rowid(db);
	if (group_id && link_group(db, *id, group_id, c.name)) {
		store_fault(f, db);
		goto fail;
	}
	/* The audit names the person by number only. */
	snprintf(obj, sizeof(obj), "participant %lld", (long long)*id);
	return store_finish(db, actor, action, obj, NULL, f);
fail:
	store_rollback(db);
	return -1;
}

int
participant_check_edit(const struct participant_in *in, struct fault *f)
{
	if (in->email && group_email_check(f, "--email", in->email))
		return -1;
	if (in->email && *in->email == '\0')
		return fault_set(f, FAULT_INVALID, "--email must not be empty");
	return 0;
}

int
participant_update(sqlite3 *db, const char *ref,
    const struct participant_in *in, int64_t *id, struct fault *f)
{
	struct participant p;
	struct checked c;
	sqlite3_stmt *st;
	int rc;

	if (participant_check_edit(in, f))
		return -1;
	if (participant_get(db, ref, &p, f) || check_in(in, &p, &c, f))
		goto fail;
	*id = p.id;
	if ((st = store_prepare(db, "UPDATE participant SET email = ?2, "
	    "name = ?3, lang = ?4, leads = ?5, quiet = ?6, unsubscribed = "
	    "CASE WHEN ?7 THEN NULL ELSE unsubscribed END, modified = ?8 "
	    "WHERE id = ?1")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, p.id);
	store_bind_text(st, 2, in->email ? in->email : p.email);
	store_bind_text(st, 3, c.name);
	store_bind_text(st, 4, c.lang);
	store_bind_text(st, 5, c.leads);
	store_bind_text(st, 6, c.quiet);
	sqlite3_bind_int(st, 7, in->resubscribe != 0);
	sqlite3_bind_int64(st, 8, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fault_set(f, FAULT_CONFLICT, "a participant with that address "
		    "exists already");
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	return 0;
fail:
	return -1;
}

int
participant_delete(sqlite3 *db, int64_t id, struct fault *f)
{
	/* Messages go too, sent ones as well: they carry the address. */
	if (outbox_forget(db, id) ||
	    store_exec_id(db, "DELETE FROM participant WHERE id = ?1", id))
		return store_fault(f, db);
	return 0;
}

int
participant_unsub_known(sqlite3 *db, const char *token)
{
	struct participant p;

	if (token == NULL || strlen(token) != PARTICIPANT_TOKEN_LEN)
		return 0;
	return store_one(db, "SELECT " COLS " FROM participant WHERE "
	    "unsub_token = ?1", token, 0, fill, &p);
}

static int
set_unsubscribed(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "UPDATE participant SET unsubscribed = ?2 "
	    "WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
participant_unsubscribe(sqlite3 *db, const char *token)
{
	struct participant p;
	struct fault f = { 0 };
	char obj[40];
	int rc;

	if (token == NULL || strlen(token) != PARTICIPANT_TOKEN_LEN)
		return 0;
	if (store_begin_f(db, &f))
		goto fail;
	rc = store_one(db, "SELECT " COLS " FROM participant WHERE "
	    "unsub_token = ?1", token, 0, fill, &p);
	/* Unknown, or unsubscribed before: nothing to write. */
	if (rc == 0 || (rc > 0 && p.unsubscribed)) {
		store_rollback(db);
		return rc;
	}
	if (rc < 0 || set_unsubscribed(db, p.id) ||
	    outbox_drop_pending(db, p.id)) {
		store_fault(&f, db);
		store_rollback(db);
		goto fail;
	}
	snprintf(obj, sizeof(obj), "participant %lld", (long long)p.id);
	if (store_finish(db, "unsubscribe", "participant.unsubscribe", obj,
	    NULL, &f))
		goto fail;
	return 1;
fail:
	log_warnx("unsubscribe: %s", f.msg);
	return -1;
}

int
participant_follow(sqlite3 *db, const char *ref, const char *slug, int on,
    const char *actor, struct fault *f)
{
	struct participant p;
	struct group g;
	sqlite3_stmt *st;
	char obj[40];
	int rc;

	if (store_begin_f(db, f))
		return -1;
	if (participant_get(db, ref, &p, f) || group_get(db, slug, &g, f))
		goto fail;
	if ((st = store_prepare(db, on ? "INSERT INTO follow (participant_id, "
	    "group_id, created) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING" :
	    "DELETE FROM follow WHERE participant_id = ?1 AND group_id = ?2"))
	    == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, p.id);
	sqlite3_bind_int64(st, 2, g.id);
	if (on)
		sqlite3_bind_int64(st, 3, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	if (sqlite3_changes(db) == 0) {
		fault_set(f, FAULT_CONFLICT, on ? "participant %lld follows "
		    "group %s already" : "participant %lld does not follow "
		    "group %s", (long long)p.id, g.slug);
		goto fail;
	}
	snprintf(obj, sizeof(obj), "participant %lld", (long long)p.id);
	return store_finish(db, actor, on ? "participant.follow" :
	    "participant.unfollow", obj, g.slug, f);
fail:
	store_rollback(db);
	return -1;
}

int
participant_follows(sqlite3 *db, int64_t id, char *out, size_t len,
    struct fault *f)
{
	sqlite3_stmt *st;
	size_t used = 0;
	int rc;

	out[0] = '\0';
	if ((st = store_prepare(db, "SELECT g.slug FROM follow fo JOIN grp g "
	    "ON g.id = fo.group_id WHERE fo.participant_id = ?1 ORDER BY "
	    "g.slug")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && used < len)
		used += snprintf(out + used, len - used, "%s%s", used ? "," : "",
		    store_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fault(f, db);
}
