/*
 * Locations, rooms, opening hours and closures.  Every write validates all
 * of its input first, then runs in one BEGIN IMMEDIATE transaction with its
 * audit row.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/location.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

static const char *daynames[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int
day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, daynames[i], 3) == 0)
			return i;
	return -1;
}

static int
hhmm(const char *s, int *out, int allow24)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow24)))
		return -1;
	*out = h * 60 + m;
	return 0;
}

int
hours_parse(struct fault *f, const char *s, struct hours *h, char *canon)
{
	char buf[256], *save = NULL, *item;
	int seen[7] = { 0 };
	size_t off = 0;

	for (int i = 0; i < 7; i++)
		h->open[i] = h->close[i] = -1;
	canon[0] = '\0';
	if (s == NULL || *s == '\0') {
		for (int i = 0; i < 7; i++) {
			h->open[i] = 0;
			h->close[i] = 1440;
		}
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return fault_set(f, FAULT_INVALID, "--hours is too long");
	strcpy(buf, s);
	for (item = strtok_r(buf, ",;", &save); item;
	    item = strtok_r(NULL, ",;", &save)) {
		char *sp, *dash;
		int d0, d1, o, c;

		while (*item == ' ')
			item++;
		if ((sp = strchr(item, ' ')) == NULL)
			goto bad;
		*sp++ = '\0';
		while (*sp == ' ')
			sp++;
		if ((dash = strchr(item, '-')) != NULL) {
			d0 = day_index(item, (size_t)(dash - item));
			d1 = day_index(dash + 1, strlen(dash + 1));
		} else
			d0 = d1 = day_index(item, strlen(item));
		if (d0 < 0 || d1 < 0 || d1 < d0)
			return fault_set(f, FAULT_INVALID, "--hours: \"%s\" is not "
			    "a day or day range (use mon, tue, ..., sun, e.g. "
			    "mon-fri)", item);
		{
			size_t n = strlen(sp);
			while (n > 0 && sp[n - 1] == ' ')
				sp[--n] = '\0';
			if (n != 11 || sp[5] != '-' || hhmm(sp, &o, 0) ||
			    hhmm(sp + 6, &c, 1))
				return fault_set(f, FAULT_INVALID, "--hours: \"%s\" "
				    "is not a time range (use HH:MM-HH:MM)", sp);
		}
		if (c <= o)
			return fault_set(f, FAULT_INVALID, "--hours: %s closes "
			    "before it opens", sp);
		for (int d = d0; d <= d1; d++) {
			if (seen[d]++)
				return fault_set(f, FAULT_INVALID, "--hours: %s "
				    "is given twice", daynames[d]);
			h->open[d] = o;
			h->close[d] = c;
		}
	}
	/* Canonical text: consecutive days with the same hours joined. */
	for (int d = 0; d < 7;) {
		int e = d;

		if (h->open[d] < 0) {
			d++;
			continue;
		}
		while (e + 1 < 7 && h->open[e + 1] == h->open[d] &&
		    h->close[e + 1] == h->close[d])
			e++;
		off += snprintf(canon + off, 256 - off, "%s%s%s%s %02d:%02d-%02d:%02d",
		    off ? ", " : "", daynames[d], e > d ? "-" : "",
		    e > d ? daynames[e] : "", h->open[d] / 60, h->open[d] % 60,
		    h->close[d] / 60, h->close[d] % 60);
		d = e + 1;
	}
	if (off == 0)
		goto bad;
	return 0;
bad:
	return fault_set(f, FAULT_INVALID, "--hours \"%.80s\" is not valid: use "
	    "e.g. \"mon-fri 09:00-22:00, sat 10:00-16:00\"", s);
}

/*
 * -1 with a conflict fault (fmt takes the name and the count) when the
 * counting query finds rows, or an internal fault when it fails.
 */
static int
in_use(sqlite3 *db, const char *sql, int64_t id, struct fault *f,
    const char *fmt, const char *name)
{
	long n = store_count(db, sql, id);

	if (n < 0)
		return store_fault(f, db);
	if (n > 0)
		return fault_set(f, FAULT_CONFLICT, fmt, name, n);
	return 0;
}

/* ---- locations ---- */

#define LOC_COLS "id, slug, name, address, timezone, hours, created, " \
	"modified, email"

static void
location_row(sqlite3_stmt *st, void *arg)
{
	struct location *l = arg;

	l->id = sqlite3_column_int64(st, 0);
	snprintf(l->slug, sizeof(l->slug), "%s", store_text(st, 1));
	snprintf(l->name, sizeof(l->name), "%s", store_text(st, 2));
	snprintf(l->address, sizeof(l->address), "%s", store_text(st, 3));
	snprintf(l->timezone, sizeof(l->timezone), "%s", store_text(st, 4));
	snprintf(l->hours, sizeof(l->hours), "%s", store_text(st, 5));
	l->created = sqlite3_column_int64(st, 6);
	l->modified = sqlite3_column_int64(st, 7);
	snprintf(l->email, sizeof(l->email), "%s", store_text(st, 8));
}

static int
location_fetch(sqlite3 *db, const char *sql, const char *slug, int64_t id,
    struct location *out, struct fault *f)
{
	return store_fetch(db, sql, slug, id, location_row, out, "location", f);
}

int
location_get(sqlite3 *db, const char *slug, struct location *out,
    struct fault *f)
{
	return location_fetch(db, "SELECT " LOC_COLS " FROM location WHERE slug = ?1",
	    slug, 0, out, f);
}

int
location_get_id(sqlite3 *db, int64_t id, struct location *out, struct fault *f)
{
	return location_fetch(db, "SELECT " LOC_COLS " FROM location WHERE id = ?1",
	    NULL, id, out, f);
}

static int
location_validate(struct fault *f, const struct location_in *in, char *canon)
{
	struct hours h;

	if (text_check(f, "--name", in->name, NAME_MAX_CHARS, 1, 0) ||
	    text_check(f, "--address", in->address, ADDRESS_MAX_CHARS, 0, 0) ||
	    group_email_check(f, "--email", in->email))
		return -1;
	if (in->timezone && when_zone(in->timezone) == NULL)
		return fault_set(f, FAULT_INVALID, "unknown time zone \"%.64s\" "
		    "(use an IANA id such as Europe/Amsterdam)", in->timezone);
	return hours_parse(f, in->hours, &h, canon);
}

int
location_add(sqlite3 *db, const struct location_in *in, const char *actor,
    int64_t *id, struct fault *f)
{
	sqlite3_stmt *st = NULL;
	char canon[256];
	const char *tz = in->timezone ? in->timezone : conf_current()->timezone;
	time_t now = clock_now();
	int rc;

	if (slug_check(f, "location", in->slug) ||
	    location_validate(f, in, canon))
		return -1;
	if (store_begin_f(db, f))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO location (slug, name, address, "
	    "timezone, hours, created, modified, email) VALUES (?1, ?2, ?3, ?4, "
	    "?5, ?6, ?6, ?7)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	store_bind_text(st, 1, in->slug);
	store_bind_text(st, 2, in->name);
	store_bind_text(st, 3, in->address ? in->address : "");
	store_bind_text(st, 4, tz);
	store_bind_text(st, 5, canon);
	sqlite3_bind_int64(st, 6, now);
	store_bind_text(st, 7, in->email ? in->email : "");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fault_set(f, FAULT_CONFLICT, "location \"%s\" already exists",
		    in->slug);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(db);
	if (store_new_feed_key(db, "location", *id)) {
		store_fault(f, db);
		goto fail;
	}
	return store_finish(db, actor, "location.add", in->slug, in->name, f);
fail:
	store_rollback(db);
	return -1;
}

/*
 * A fault when anything still to come is planned at l: an event there or
 * in one of its rooms, or a booking of its rooms.  (A closure is a
 * period, kept as instants, that stays where it is.)
 */
static int
planned_at(sqlite3 *db, const struct location *l, struct fault *f)
{
	sqlite3_stmt *st;
	long n[2] = { 0, 0 };
	int rc;

	if ((st = store_prepare(db, "SELECT (SELECT count(*) FROM event e "
	    "WHERE e.status != 'cancelled' AND (e.location_id = ?1 OR "
	    "e.room_id IN (SELECT id FROM room WHERE location_id = ?1)) AND "
	    "(e.rrule != '' AND e.span_end IS NULL OR coalesce(e.span_end, "
	    "e.\"end\") > ?2)), (SELECT count(*) FROM booking b WHERE "
	    "b.status IN ('requested', 'confirmed') AND b.room_id IN (SELECT "
	    "id FROM room WHERE location_id = ?1) AND EXISTS (SELECT 1 FROM "
	    "booking_slot s WHERE s.booking_id = b.id AND s.\"end\" > ?2))"))
	    == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, l->id);
	sqlite3_bind_int64(st, 2, clock_now());
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (int i = 0; i < 2; i++)
			n[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fault(f, db);
	if (n[0] + n[1] == 0)
		return 0;
	return fault_set(f, FAULT_CONFLICT, "location %s has %ld coming "
	    "event(s) and %ld booking(s), planned in %s; its time zone can "
	    "change only when nothing is planned there (cancel or move them "
	    "first)", l->slug, n[0], n[1], l->timezone);
}

int
hours_within(const struct hours *h, const char *text, icaltimezone *z,
    time_t start, time_t end)
{
	struct icaltimetype a = when_local(start, z);
	struct icaltimetype b = when_local(end, z);
	int wd = (icaltime_day_of_week(a) + 5) % 7;	/* 0 = Monday */
	int from = a.hour * 60 + a.minute, to;

	if (text[0] == '\0')
		return 1;			/* no opening hours: always open */
	if (h->open[wd] < 0)
		return 0;
	if (b.year == a.year && b.month == a.month && b.day == a.day)
		to = b.hour * 60 + b.minute + (b.second > 0);
	else if (b.hour == 0 && b.minute == 0 && b.second == 0 &&
	    end - start <= 86400)
		to = 1440;			/* ends at midnight */
	else
		return 0;
	return from >= h->open[wd] && to <= h->close[wd];
}

int
location_edit(sqlite3 *db, const char *slug, const struct location_in *in,
    const char *actor, struct fault *f)
{
	struct location l;

	if (store_begin_f(db, f))
		return -1;
	if (location_update(db, slug, in, &l, f)) {
		store_rollback(db);
		return -1;
	}
	return store_finish(db, actor, "location.edit", l.slug, NULL, f);
}

int
location_update(sqlite3 *db, const char *slug, const struct location_in *in,
    struct location *before, struct fault *f)
{
	struct location l;
	struct location_in m;
	sqlite3_stmt *st = NULL;
	char canon[256];
	int rc;

	if (in->slug != NULL)
		return fault_set(f, FAULT_INVALID, "a location's slug cannot be "
		    "changed (feed links use it)");
	if (location_get(db, slug, &l, f))
		return -1;
	*before = l;
	m.slug = l.slug;
	m.name = in->name ? in->name : l.name;
	m.address = in->address ? in->address : l.address;
	m.timezone = in->timezone ? in->timezone : l.timezone;
	m.hours = in->hours ? in->hours : l.hours;
	m.email = in->email ? in->email : l.email;
	if (location_validate(f, &m, canon))
		return -1;
	/*
	 * Times at a location are read in its zone (opening hours, the
	 * rooms' feeds); what is planned there would seem to move.
	 */
	if (strcmp(m.timezone, l.timezone) != 0 && planned_at(db, &l, f))
		return -1;
	if ((st = store_prepare(db, "UPDATE location SET name = ?2, address = ?3, "
	    "timezone = ?4, hours = ?5, modified = ?6, email = ?7 WHERE id = ?1"))
	    == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, l.id);
	store_bind_text(st, 2, m.name);
	store_bind_text(st, 3, m.address);
	store_bind_text(st, 4, m.timezone);
	store_bind_text(st, 5, canon);
	sqlite3_bind_int64(st, 6, clock_now());
	store_bind_text(st, 7, m.email);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

int
location_unused(sqlite3 *db, const char *slug, struct location *l,
    struct fault *f)
{
	if (location_get(db, slug, l, f) ||
	    in_use(db, "SELECT count(*) FROM room WHERE location_id = ?1", l->id,
	    f, "location %s still has %ld room(s); remove them first", slug) ||
	    in_use(db, "SELECT count(*) FROM event WHERE location_id = ?1", l->id,
	    f, "location %s is used by %ld event(s); move or remove them first",
	    slug) ||
	    in_use(db, "SELECT count(*) FROM token WHERE location_id = ?1 AND "
	    "revoked IS NULL", l->id, f, "location %s has %ld active token(s); "
	    "revoke them first", slug))
		return -1;
	return 0;
}

int
location_delete(sqlite3 *db, const struct location *l, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM closure WHERE location_id = ?1",
	    l->id) < 0)
		return store_fault(f, db);
	if (store_exec_id(db, "DELETE FROM location WHERE id = ?1", l->id) < 0) {
		if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			return fault_set(f, FAULT_CONFLICT, "location %s is still "
			    "referred to (revoked tokens); remove it with "
			    "herstelctl location remove", l->slug);
		return store_fault(f, db);
	}
	return 0;
}


int
location_list(sqlite3 *db, int (*cb)(const struct location *, void *),
    void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	struct location l;
	int rc;

	if ((st = store_prepare(db, "SELECT " LOC_COLS " FROM location "
	    "ORDER BY slug")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		location_row(st, &l);
		if (cb(&l, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fault_set(f, FAULT_INTERNAL, "database error");
	return 0;
}

/* ---- rooms ---- */

int
room_ref_split(struct fault *f, const char *ref, char *loc, char *room)
{
	const char *slash;

	if (ref == NULL || (slash = strchr(ref, '/')) == NULL ||
	    slash - ref > 63 || strlen(slash + 1) > 63)
		return fault_set(f, FAULT_INVALID, "room \"%.80s\" must be named "
		    "LOCATION/ROOM, e.g. herstelhuis/zaal-1", ref ? ref : "");
	memcpy(loc, ref, (size_t)(slash - ref));
	loc[slash - ref] = '\0';
	strcpy(room, slash + 1);
	if (slug_check(f, "location", loc) || slug_check(f, "room", room))
		return -1;
	return 0;
}

#define ROOM_COLS "r.id, r.location_id, l.slug, l.timezone, r.slug, r.name, " \
	"r.capacity, r.accessible, r.features, r.needs_approval, r.created, " \
	"r.modified FROM room r JOIN location l ON l.id = r.location_id"

static void
room_row(sqlite3_stmt *st, void *arg)
{
	struct room *r = arg;

	r->id = sqlite3_column_int64(st, 0);
	r->location_id = sqlite3_column_int64(st, 1);
	snprintf(r->location, sizeof(r->location), "%s", store_text(st, 2));
	snprintf(r->location_tz, sizeof(r->location_tz), "%s", store_text(st, 3));
	snprintf(r->slug, sizeof(r->slug), "%s", store_text(st, 4));
	snprintf(r->name, sizeof(r->name), "%s", store_text(st, 5));
	r->capacity = sqlite3_column_int(st, 6);
	r->accessible = sqlite3_column_int(st, 7);
	snprintf(r->features, sizeof(r->features), "%s", store_text(st, 8));
	r->needs_approval = sqlite3_column_int(st, 9);
	r->created = sqlite3_column_int64(st, 10);
	r->modified = sqlite3_column_int64(st, 11);
}

int
room_get(sqlite3 *db, const char *ref, struct room *out, struct fault *f)
{
	char loc[64], slug[64], norm[130];
	struct location l;

	if (room_ref_split(f, ref, loc, slug) || location_get(db, loc, &l, f))
		return -1;
	snprintf(norm, sizeof(norm), "%s/%s", loc, slug);
	switch (store_one(db, "SELECT " ROOM_COLS " WHERE "
	    "l.slug = substr(?1, 1, instr(?1, '/') - 1) AND "
	    "r.slug = substr(?1, instr(?1, '/') + 1)", norm, 0, room_row, out)) {
	case 1:
		return 0;
	case 0:
		return fault_set(f, FAULT_NOTFOUND, "unknown room \"%s/%s\"",
		    loc, slug);
	default:
		return fault_set(f, FAULT_INTERNAL, "database error");
	}
}

int
room_get_id(sqlite3 *db, int64_t id, struct room *out, struct fault *f)
{
	return store_fetch(db, "SELECT " ROOM_COLS " WHERE r.id = ?1", NULL, id,
	    room_row, out, "room", f);
}

static int
room_validate(struct fault *f, const char *name, long capacity,
    const char *features)
{
	if (text_check(f, "--name", name, NAME_MAX_CHARS, 1, 0))
		return -1;
	if (capacity < 1 || capacity > 100000)
		return fault_set(f, FAULT_INVALID, "--capacity must be a whole "
		    "number from 1 to 100000");
	if (features && strlen(features) >= 512)
		return fault_set(f, FAULT_INVALID, "--features: list is too long");
	return tags_check(f, "--features", features);
}

int
room_add(sqlite3 *db, const struct room_in *in, const char *actor,
    int64_t *id, struct fault *f)
{
	char loc[64], slug[64];
	struct location l;
	sqlite3_stmt *st;
	time_t now = clock_now();
	int rc;

	if (room_ref_split(f, in->ref, loc, slug))
		return -1;
	if (in->capacity < 0)
		return fault_set(f, FAULT_INVALID, "--capacity is required");
	if (room_validate(f, in->name, in->capacity, in->features))
		return -1;
	if (store_begin_f(db, f))
		return -1;
	if (location_get(db, loc, &l, f))
		goto fail;
	if ((st = store_prepare(db, "INSERT INTO room (location_id, slug, name, "
	    "capacity, accessible, features, needs_approval, created, modified) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, l.id);
	store_bind_text(st, 2, slug);
	store_bind_text(st, 3, in->name);
	sqlite3_bind_int64(st, 4, in->capacity);
	sqlite3_bind_int(st, 5, in->accessible > 0);
	store_bind_text(st, 6, in->features ? in->features : "");
	sqlite3_bind_int(st, 7, in->needs_approval > 0);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		fault_set(f, FAULT_CONFLICT, "room \"%s/%s\" already exists",
		    loc, slug);
		goto fail;
	}
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	*id = sqlite3_last_insert_rowid(db);
	return store_finish(db, actor, "room.add", in->ref, in->name, f);
fail:
	store_rollback(db);
	return -1;
}

int
room_update(sqlite3 *db, const char *ref, const struct room_in *in,
    struct room *was, struct fault *f)
{
	struct room r;
	sqlite3_stmt *st;
	const char *name, *features;
	long capacity, maxcap;
	int rc;

	if (room_get(db, ref, &r, f))
		goto fail;
	*was = r;
	name = in->name ? in->name : r.name;
	features = in->features ? in->features : r.features;
	capacity = in->capacity >= 0 ? in->capacity : r.capacity;
	if (room_validate(f, name, capacity, features))
		goto fail;
	/* Events already planned here must still fit. */
	if ((st = store_prepare(db, "SELECT max(capacity) FROM event "
	    "WHERE room_id = ?1 AND status != 'cancelled'")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, r.id);
	maxcap = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (maxcap > capacity) {
		fault_set(f, FAULT_CONFLICT, "--capacity %ld is less than the "
		    "capacity of an event planned in %s (%ld)", capacity, ref,
		    maxcap);
		goto fail;
	}
	if ((st = store_prepare(db, "UPDATE room SET name = ?2, capacity = ?3, "
	    "accessible = ?4, features = ?5, needs_approval = ?6, modified = ?7 "
	    "WHERE id = ?1")) == NULL) {
		store_fault(f, db);
		goto fail;
	}
	sqlite3_bind_int64(st, 1, r.id);
	store_bind_text(st, 2, name);
	sqlite3_bind_int64(st, 3, capacity);
	sqlite3_bind_int(st, 4, in->accessible >= 0 ? in->accessible : r.accessible);
	store_bind_text(st, 5, features);
	sqlite3_bind_int(st, 6, in->needs_approval >= 0 ? in->needs_approval :
	    r.needs_approval);
	sqlite3_bind_int64(st, 7, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_fault(f, db);
		goto fail;
	}
	return 0;
fail:
	return -1;
}

int
room_unused(sqlite3 *db, const char *ref, struct room *r, struct fault *f)
{
	if (room_get(db, ref, r, f) ||
	    in_use(db, "SELECT count(*) FROM event WHERE room_id = ?1", r->id, f,
	    "room %s is used by %ld event(s); move or remove them first", ref) ||
	    in_use(db, "SELECT count(*) FROM event_override WHERE room_id = ?1",
	    r->id, f, "room %s is used by %ld changed occurrence(s); move or "
	    "remove them first", ref) ||
	    in_use(db, "SELECT count(*) FROM booking WHERE room_id = ?1 AND "
	    "status IN ('requested', 'confirmed')", r->id, f, "room %s has %ld "
	    "booking(s); cancel them first (herstelctl booking list --room)",
	    ref))
		return -1;
	return 0;
}

int
room_delete(sqlite3 *db, const struct room *r, struct fault *f)
{
	if (store_exec_id(db, "DELETE FROM closure WHERE room_id = ?1",
	    r->id) < 0)
		return store_fault(f, db);
	if (store_exec_id(db, "DELETE FROM room WHERE id = ?1", r->id) < 0) {
		if (sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_FOREIGNKEY)
			return fault_set(f, FAULT_CONFLICT, "room %s/%s is still "
			    "referred to (past bookings); remove it with "
			    "herstelctl room remove", r->location, r->slug);
		return store_fault(f, db);
	}
	return 0;
}


int
room_list(sqlite3 *db, const char *location,
    int (*cb)(const struct room *, void *), void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	struct location l;
	struct room r;
	int rc;

	if (location && location_get(db, location, &l, f))
		return -1;
	if ((st = store_prepare(db, "SELECT " ROOM_COLS " WHERE ?1 IS NULL OR "
	    "r.location_id = ?1 ORDER BY l.slug, r.slug")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	if (location)
		sqlite3_bind_int64(st, 1, l.id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		room_row(st, &r);
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fault_set(f, FAULT_INTERNAL, "database error");
	return 0;
}

/* ---- closures ---- */

int
closure_resolve(sqlite3 *db, const struct closure_in *in,
    struct closure_plan *p, struct fault *f)
{
	char loc[64], slug[64];
	struct room r;
	icaltimezone *z;
	int has_room;

	memset(p, 0, sizeof(*p));
	if (in->target == NULL || *in->target == '\0')
		return fault_set(f, FAULT_INVALID, "closure needs LOCATION or "
		    "LOCATION/ROOM");
	has_room = strchr(in->target, '/') != NULL;
	if (has_room ? room_ref_split(f, in->target, loc, slug) :
	    slug_check(f, "location", in->target))
		return -1;
	if (!has_room)
		snprintf(loc, sizeof(loc), "%s", in->target);
	if (text_check(f, "--reason", in->reason, REASON_MAX_CHARS, 1, 0))
		return -1;
	if (in->from == NULL || in->to == NULL)
		return fault_set(f, FAULT_INVALID, "closure needs --from and --to");
	if (location_get(db, loc, &p->l, f) ||
	    (has_room && room_get(db, in->target, &r, f)))
		return -1;
	if (has_room)
		p->room_id = r.id;
	z = when_zone(p->l.timezone);
	if (when_parse(f, "--from", in->from, z, &p->from) ||
	    when_parse(f, "--to", in->to, z, &p->to))
		return -1;
	if (p->to <= p->from)
		return fault_set(f, FAULT_INVALID, "--to must be after --from");
	return 0;
}

int
closure_insert(sqlite3 *db, const struct closure_plan *p, const char *reason,
    int64_t *id, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "INSERT INTO closure (location_id, room_id, "
	    "start, \"end\", reason, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"))
	    == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, p->l.id);
	if (p->room_id)
		sqlite3_bind_int64(st, 2, p->room_id);
	sqlite3_bind_int64(st, 3, p->from);
	sqlite3_bind_int64(st, 4, p->to);
	store_bind_text(st, 5, reason);
	sqlite3_bind_int64(st, 6, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fault(f, db);
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int
closure_add(sqlite3 *db, const struct closure_in *in, const char *actor,
    int64_t *id, int64_t *location_id, struct fault *f)
{
	struct closure_plan p;
	char detail[128];

	if (store_begin_f(db, f))
		return -1;
	if (closure_resolve(db, in, &p, f) ||
	    closure_insert(db, &p, in->reason, id, f)) {
		store_rollback(db);
		return -1;
	}
	*location_id = p.l.id;
	snprintf(detail, sizeof(detail), "closure %lld", (long long)*id);
	return store_finish(db, actor, "closure.add", in->target, detail, f);
}

#define CLOSURE_COLS "c.id, c.location_id, l.slug, coalesce(r.slug, ''), " \
	"l.timezone, c.start, c.\"end\", c.reason FROM closure c " \
	"JOIN location l ON l.id = c.location_id " \
	"LEFT JOIN room r ON r.id = c.room_id"

static void
closure_row(sqlite3_stmt *st, void *arg)
{
	struct closure *c = arg;

	c->id = sqlite3_column_int64(st, 0);
	c->location_id = sqlite3_column_int64(st, 1);
	snprintf(c->location, sizeof(c->location), "%s", store_text(st, 2));
	snprintf(c->room, sizeof(c->room), "%s", store_text(st, 3));
	snprintf(c->timezone, sizeof(c->timezone), "%s", store_text(st, 4));
	c->start = sqlite3_column_int64(st, 5);
	c->end = sqlite3_column_int64(st, 6);
	snprintf(c->reason, sizeof(c->reason), "%s", store_text(st, 7));
}

int
closure_get(sqlite3 *db, int64_t id, struct closure *out, struct fault *f)
{
	return store_fetch(db, "SELECT " CLOSURE_COLS " WHERE c.id = ?1", NULL,
	    id, closure_row, out, "closure", f);
}

int
closure_remove(sqlite3 *db, int64_t id, const char *actor, struct fault *f)
{
	struct closure c;
	char detail[64];

	if (store_begin_f(db, f))
		return -1;
	if (closure_get(db, id, &c, f))
		goto fail;
	snprintf(detail, sizeof(detail), "closure %lld", (long long)id);
	if (store_exec_id(db, "DELETE FROM closure WHERE id = ?1", id) < 0) {
		store_fault(f, db);
		goto fail;
	}
	return store_finish(db, actor, "closure.remove", c.location, detail, f);
fail:
	store_rollback(db);
	return -1;
}

int
closure_list(sqlite3 *db, const char *location, time_t since,
    int (*cb)(const struct closure *, void *), void *arg, struct fault *f)
{
	sqlite3_stmt *st;
	struct location l;
	struct closure c;
	int rc;

	if (location && location_get(db, location, &l, f))
		return -1;
	if ((st = store_prepare(db, "SELECT " CLOSURE_COLS " WHERE (?1 IS NULL "
	    "OR c.location_id = ?1) AND c.\"end\" > ?2 ORDER BY c.start, c.id")) == NULL)
		return fault_set(f, FAULT_INTERNAL, "database error");
	if (location)
		sqlite3_bind_int64(st, 1, l.id);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		closure_row(st, &c);
		if (cb(&c, arg))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fault_set(f, FAULT_INTERNAL, "database error");
	return 0;
}
