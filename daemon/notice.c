/*
 * Notices: what a message says is decided here, from the store, at the
 * moment the change that causes it is written; the outbox then holds
 * the composed message until it can be delivered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "hersteld/clock.h"
#include "hersteld/booking.h"
#include "hersteld/conf.h"
#include "hersteld/feed.h"
#include "hersteld/group.h"
#include "hersteld/log.h"
#include "hersteld/mail.h"
#include "hersteld/mail_text.h"
#include "hersteld/melink.h"
#include "hersteld/notice.h"
#include "hersteld/outbox.h"
#include "hersteld/rfc5322.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

void
notice_where(sqlite3 *db, int64_t room_id, int64_t location_id,
    const char *place, char *out, size_t len)
{
	sqlite3_stmt *st;

	out[0] = '\0';
	if (place && *place && room_id == 0) {
		snprintf(out, len, "%s", place);
		return;
	}
	if ((st = store_prepare(db, room_id ?
	    "SELECT r.name, l.name, l.address FROM room r JOIN location l ON "
	    "l.id = r.location_id WHERE r.id = ?1" :
	    "SELECT '', name, address FROM location WHERE id = ?1")) == NULL)
		return;
	sqlite3_bind_int64(st, 1, room_id ? room_id : location_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *room = store_text(st, 0);

		snprintf(out, len, "%s%s%s", room, *room ? ", " : "",
		    store_text(st, 1));
		if (*store_text(st, 2)) {
			size_t n = strlen(out);
			snprintf(out + n, len - n, ", %s", store_text(st, 2));
		}
	}
	sqlite3_finalize(st);
}

static const char *
kind_column(enum mail_kind k)
{
	switch (k) {
	case MAIL_CONFIRMATION:
	case MAIL_WAITLISTED:	return "confirmation";
	case MAIL_PROMOTION:	return "promotion";
	case MAIL_REMINDER:	return "reminder";
	case MAIL_CHANGE:	return "change";
	case MAIL_CANCELLATION:
	case MAIL_UNREGISTERED:	return "cancellation";
	case MAIL_FOLLOWUP:	return "followup";
	case MAIL_ANNOUNCEMENT:	return "announcement";
	default:		return "booking";
	}
}

static const char *
key_prefix(enum mail_kind k)
{
	return k == MAIL_WAITLISTED ? "waitlisted" : k == MAIL_UNREGISTERED ?
	    "unregistered" : kind_column(k);
}

struct next_occ {
	time_t			 after;
	struct occurrence	 o;
	int			 found;
};

static void	whole_occ(const struct event *, time_t, struct occurrence *);

static int
take_first(const struct occurrence *o, void *arg)
{
	struct next_occ *n = arg;

	if (o->cancelled && !n->found)
		return 0;
	n->o = *o;
	n->found = 1;
	return 1;
}

void
notice_next(const struct event *ev, time_t now, struct occurrence *o)
{
	whole_occ(ev, now, o);
}

/* The occurrence a whole-event notice speaks of: the next one to come. */
static void
whole_occ(const struct event *ev, time_t now, struct occurrence *o)
{
	struct next_occ n = { .after = now };

	if (ev->rrule[0] && event_occurrences(ev, now, now + 3660L * 86400,
	    take_first, &n) > 0 && n.found) {
		*o = n.o;
		return;
	}
	event_occurrence(ev, ev->start, o);
}

static void
group_of(sqlite3 *db, int64_t id, struct group *g)
{
	struct fault f = { 0 };

	memset(g, 0, sizeof(*g));
	if (id)
		group_get_id(db, id, g, &f);
}

/* Compose and queue; the parts common to every notice. */
static int
queue(sqlite3 *db, const char *key, const char *kind, int64_t pid,
    int64_t eid, time_t occ, const char *to, const char *to_name,
    const char *reply_to, const char *unsub, const struct mail_facts *mf,
    const char *ics, const char *method, time_t due, time_t expires,
    int quiet, int qf, int qt, struct fault *f)
{
	const struct conf *c = conf_current();
	struct mail_envelope env = { 0 };
	struct outbox_new m = { 0 };
	char *subject = NULL, *body = NULL, *msg = NULL, mid[128];
	size_t len;
	int rc = -1;

	if (rfc5322_message_id(c->uid_host, mid) ||
	    mail_text(mf, &subject, &body)) {
		fault_set(f, FAULT_INTERNAL, "cannot compose a message");
		goto done;
	}
	env.from = c->smtp_from;
	env.to = to;
	env.to_name = to_name && *to_name ? to_name : NULL;
	env.reply_to = reply_to && *reply_to ? reply_to : NULL;
	env.message_id = mid;
	env.unsubscribe_url = unsub;
	env.ics = ics;
	env.ics_method = method;
	if (mail_compose(&env, subject, body, &msg, &len, f))
		goto done;
	m.key = key;
	m.kind = kind;
	m.participant_id = pid;
	m.event_id = eid;
	m.occurrence = occ;
	m.recipient = to;
	m.subject = subject;
	m.message = msg;
	m.due = due;
	m.expires = expires;
	m.quiet = quiet;
	m.quiet_from = qf;
	m.quiet_to = qt;
	rc = outbox_queue(db, &m, f);
done:
	free(subject);
	free(body);
	free(msg);
	return rc;
}

#define MAX_SKIP	512

/*
 * What p's calendar holds of ev: for a registration for one occurrence,
 * the UID it keeps since that occurrence moved (a split, a new start);
 * for the whole series, the occurrences p sits out, so that a new copy
 * of the series leaves them out as their calendar did.
 */
static int
person_of(sqlite3 *db, const struct notice *n, struct feed_person *who,
    char *uid, size_t uidlen, time_t *skip, struct fault *f)
{
	sqlite3_stmt *st;
	int rc;

	memset(who, 0, sizeof(*who));
	if (n->kind == MAIL_ANNOUNCEMENT)
		return 0;
	if (n->occurrence && !n->series) {
		if ((st = store_prepare(db, "SELECT cal_uid FROM registration "
		    "WHERE event_id = ?1 AND participant_id = ?2 AND "
		    "occurrence = ?3 AND cal_uid IS NOT NULL")) == NULL)
			return store_fault(f, db);
		sqlite3_bind_int64(st, 3, n->occurrence);
	} else if (n->occurrence == 0 && n->ev->rrule[0]) {
		if ((st = store_prepare(db, "SELECT occurrence FROM registration "
		    "WHERE event_id = ?1 AND participant_id = ?2 AND "
		    "occurrence != 0 AND status = 'cancelled' ORDER BY "
		    "occurrence LIMIT ?3")) == NULL)
			return store_fault(f, db);
		sqlite3_bind_int(st, 3, MAX_SKIP);
	} else
		return 0;
	sqlite3_bind_int64(st, 1, n->ev->id);
	sqlite3_bind_int64(st, 2, n->p->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n->occurrence) {
			snprintf(uid, uidlen, "%s", store_text(st, 0));
			who->cal_uid = uid;
		} else
			skip[who->nskip++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	who->skip = skip;
	return rc == SQLITE_DONE ? 0 : store_fault(f, db);
}

/*
 * The outbox key of n about occurrence o: the same notice twice is one
 * message.  A notice about the whole event goes by the event's SEQUENCE.
 */
static void
key_of(const struct notice *n, const struct occurrence *o, char *key,
    size_t len)
{
	char extra[40] = "";

	switch (n->kind) {
	case MAIL_CONFIRMATION:
	case MAIL_PROMOTION:
	case MAIL_WAITLISTED:
	case MAIL_UNREGISTERED:
		/* By the registration row: news again for a new one. */
		snprintf(extra, sizeof(extra), "/%lld",
		    (long long)n->registration);
		break;
	case MAIL_REMINDER:
		snprintf(extra, sizeof(extra), "/%ld", n->lead);
		break;
	case MAIL_FOLLOWUP: {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int mdlen = 0;
		char hex[2 * EVP_MAX_MD_SIZE + 1];

		/* The same notes twice are one message; corrected ones another. */
		EVP_Digest(n->notes, strlen(n->notes), md, &mdlen, EVP_sha256(),
		    NULL);
		hex_encode(md, 8, hex);
		snprintf(extra, sizeof(extra), "/%.16s", hex);
		break;
	}
	default:
		break;
	}
	snprintf(key, len, "%s/%lld/%lld/%lld/%d%s", key_prefix(n->kind),
	    (long long)n->p->id, (long long)n->ev->id,
	    (long long)n->occurrence, n->occurrence ? o->sequence :
	    n->ev->sequence, extra);
}

int
notice_queue(sqlite3 *db, const struct notice *n, struct fault *f)
{
	const struct conf *c = conf_current();
	const struct participant *p = n->p;
	const struct event *ev = n->ev;
	const struct override *ov;
	struct mail_facts mf = { 0 };
	struct occurrence o;
	struct group g;
	char key[512], where[2400], unsub[512], manage[512];
	char me[512] = "", metok[MELINK_TOKEN_LEN + 1];
	char *ics = NULL;
	const char *method = NULL;
	time_t now = clock_now(), due = n->due ? n->due : now;
	int quiet = 0, rc;

	if (p->unsubscribed)
		return 0;
	if (n->occurrence)
		event_occurrence(ev, n->occurrence, &o);
	else
		whole_occ(ev, now, &o);
	/* Queued before (reminders planned again): nothing to compose. */
	key_of(n, &o, key, sizeof(key));
	if ((rc = outbox_queued(db, key, f)) != 0)
		return rc < 0 ? -1 : 0;
	group_of(db, ev->group_id, &g);
	ov = n->occurrence ? event_override(ev, n->occurrence) : NULL;
	notice_where(db, ov && ov->room_id ? ov->room_id : ev->room_id,
	    ev->location_id, ev->place, where, sizeof(where));
	snprintf(unsub, sizeof(unsub), "%s/unsubscribe/%s", c->public_url,
	    p->unsub_token);
	snprintf(manage, sizeof(manage), "%s/feeds/personal/%s.ics",
	    c->public_url, p->feed_token);
	/* Without its link (a key that cannot be read) the mail still goes. */
	if (melink_token(db, p->id, metok) == 0)
		snprintf(me, sizeof(me), "%s/me/%s%s", c->public_url, metok,
		    strcmp(p->lang, "en") == 0 ? "?lang=en" : "");

	mf.kind = n->kind;
	mf.lang = p->lang;
	mf.name = p->name;
	mf.title = o.title;
	mf.kind_name = ev->kind;
	mf.start = o.start;
	mf.days = ev->days;
	mf.end = o.end;
	mf.zone = ev->zone;
	mf.series = n->series && n->occurrence == 0 && ev->rrule[0];
	/* A rule with extra dates (RDATE) reads wrong in words ("elke dag"
	 * for one of extra dates alone): the dates in the mail say it. */
	mf.rrule = ev->nrdates ? "" : ev->rrule;
	mf.where = where;
	mf.group = g.name;
	mf.lead = n->lead;
	mf.old_start = n->old_start;
	mf.old_where = n->old_where;
	mf.notes = n->notes;
	mf.manage_url = manage;
	mf.unsubscribe_url = unsub;
	mf.me_url = me[0] ? me : NULL;
	if (n->kind == MAIL_CANCELLATION)
		mf.reason = ov && ov->cancelled ? ov->cancel_reason :
		    ev->cancel_reason;

	switch (n->kind) {
	case MAIL_CONFIRMATION:
	case MAIL_PROMOTION:
		method = "REQUEST";
		break;
	case MAIL_WAITLISTED:
		break;
	case MAIL_CHANGE:
		method = n->waiting ? NULL : "REQUEST";
		break;
	case MAIL_CANCELLATION:
		method = n->waiting ? NULL : "CANCEL";
		break;
	case MAIL_UNREGISTERED:
		method = n->waiting ? NULL : "CANCEL";
		break;
	case MAIL_REMINDER:
		quiet = 1;
		due = outbox_quiet(due, o.start, p->quiet_from, p->quiet_to,
		    when_zone(c->timezone));
		break;
	case MAIL_FOLLOWUP:
		quiet = 1;
		due = outbox_quiet(due, 0, p->quiet_from, p->quiet_to,
		    when_zone(c->timezone));
		break;
	case MAIL_ANNOUNCEMENT:
		method = "PUBLISH";
		quiet = 1;
		due = outbox_quiet(due, 0, p->quiet_from, p->quiet_to,
		    when_zone(c->timezone));
		break;
	default:
		return fault_set(f, FAULT_INTERNAL, "not a participant notice");
	}
	/*
	 * A reminder that quiet hours would move to before now cannot go
	 * without waking someone: it is not sent (the confirmation or the
	 * other reminders carry the same news).
	 */
	if (n->kind == MAIL_REMINDER && due < now)
		return 0;
	if (method) {
		/*
		 * A registration for one occurrence put that occurrence alone
		 * in their calendar; a series registration the whole series.
		 */
		int alone = n->occurrence && !n->series;
		struct feed_person who;
		char uid[200];
		time_t *skip;

		if ((skip = calloc(MAX_SKIP, sizeof(*skip))) == NULL)
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		rc = person_of(db, n, &who, uid, sizeof(uid), skip, f);
		who.uninvited = n->kind == MAIL_UNREGISTERED;
		if (rc == 0)
			ics = feed_imip(db, ev, n->occurrence, alone, method,
			    n->kind == MAIL_ANNOUNCEMENT ? NULL : p->email,
			    &who, f);
		free(skip);
		if (ics == NULL)
			return -1;
	}
	rc = queue(db, key, kind_column(n->kind), p->id, ev->id, n->occurrence,
	    p->email, p->name, g.email, unsub, &mf, ics, method, due,
	    n->kind == MAIL_REMINDER || n->kind == MAIL_ANNOUNCEMENT ?
	    o.start : 0, quiet, p->quiet_from, p->quiet_to, f);
	free(ics);
	return rc;
}

/*
 * To the location's address: booking id waits for approval.  again: the
 * reminder a few days before its date (its own key, so it goes once).
 */
int
notice_booking_waiting(sqlite3 *db, int64_t id, int again, struct fault *f)
{
	struct mail_facts mf = { 0 };
	struct booking b;
	struct group g;
	char key[128], room[1700], loc[256] = "", email[EMAIL_MAX_BYTES + 1] = "";
	char notes[512];
	sqlite3_stmt *st;
	int rc;

	if (booking_get(db, id, &b, f))
		return -1;
	group_of(db, b.group_id, &g);
	room[0] = '\0';
	if ((st = store_prepare(db, "SELECT l.name, r.name, l.email FROM room r "
	    "JOIN location l ON l.id = r.location_id WHERE r.id = ?1")) == NULL)
		return store_fault(f, db);
	sqlite3_bind_int64(st, 1, b.room_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(loc, sizeof(loc), "%s", store_text(st, 0));
		snprintf(room, sizeof(room), "%s \xe2\x80\x94 %s",
		    store_text(st, 0), store_text(st, 1));
		snprintf(email, sizeof(email), "%s", store_text(st, 2));
	}
	sqlite3_finalize(st);
	if (email[0] == '\0')
		return 0;
	/* What to run; the managers use herstelctl. */
	snprintf(notes, sizeof(notes), "herstelctl booking approve %lld\n"
	    "herstelctl booking decline %lld --reason \"...\"\n",
	    (long long)id, (long long)id);
	mf.kind = MAIL_BOOKING_WAITING;
	mf.lang = "nl";
	mf.name = loc;
	mf.title = b.title;
	mf.start = b.start;
	mf.end = b.end;
	mf.zone = when_zone(b.timezone);
	mf.rrule = b.rrule;
	mf.series = b.rrule[0] != '\0';
	mf.group = g.name;
	mf.room = room;
	mf.occurrences = b.held;
	mf.notes = notes;
	snprintf(key, sizeof(key), "booking/waiting%s/%lld", again ? "-again" :
	    "", (long long)id);
	rc = queue(db, key, "booking", 0, b.event_id, 0, email, loc,
	    g.email[0] ? g.email : NULL, NULL, &mf, NULL, NULL, clock_now(), 0,
	    0, -1, -1, f);
	return rc < 0 ? -1 : 0;
}

int
notice_booking(sqlite3 *db, int64_t id, enum mail_kind kind, struct fault *f)
{
	struct mail_facts mf = { 0 };
	struct booking b;
	struct group g;
	char key[128], room[1700];
	sqlite3_stmt *st;
	int rc;

	if (booking_get(db, id, &b, f))
		return -1;
	group_of(db, b.group_id, &g);
	if (g.email[0] == '\0')
		return 0;
	room[0] = '\0';
	if ((st = store_prepare(db, "SELECT l.name, r.name FROM room r JOIN "
	    "location l ON l.id = r.location_id WHERE r.id = ?1")) != NULL) {
		sqlite3_bind_int64(st, 1, b.room_id);
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(room, sizeof(room), "%s \xe2\x80\x94 %s",
			    store_text(st, 0), store_text(st, 1));
		sqlite3_finalize(st);
	}
	mf.kind = kind;
	mf.lang = "nl";
	mf.name = g.name;
	mf.title = b.title;
	mf.start = b.start;
	mf.end = b.end;
	mf.zone = when_zone(b.timezone);
	mf.rrule = b.rrule;
	mf.series = b.rrule[0] != '\0';
	mf.group = g.name;
	mf.room = room;
	mf.reason = b.reason;
	mf.occurrences = b.held;
	/* One message per booking, outcome and moment. */
	snprintf(key, sizeof(key), "booking/%s/%lld/%lld",
	    kind == MAIL_BOOKING_REQUESTED ? "requested" :
	    kind == MAIL_BOOKING_CONFIRMED ? "confirmed" : "declined",
	    (long long)id, (long long)clock_now());
	rc = queue(db, key, "booking", 0, b.event_id, 0, g.email, g.name, NULL,
	    NULL, &mf, NULL, NULL, clock_now(), 0, 0, -1, -1, f);
	return rc < 0 ? -1 : 0;
}

int
notice_closed(sqlite3 *db, const struct held_slot *h, int64_t closure_id,
    const char *reason, long told, const char *rooms, struct fault *f)
{
	struct mail_facts mf = { 0 };
	struct group g;
	char key[128], room[1700] = "", reply[EMAIL_MAX_BYTES + 1] = "";
	sqlite3_stmt *st;
	int rc;

	group_of(db, h->group_id, &g);
	if (g.email[0] == '\0')
		return 0;
	/* An event at the location without a room: the location alone. */
	if ((st = store_prepare(db, h->room_id ? "SELECT l.name, r.name, "
	    "l.email FROM room r JOIN location l ON l.id = r.location_id "
	    "WHERE r.id = ?1" : "SELECT name, '', email FROM location "
	    "WHERE id = ?2")) == NULL)
		return store_fault(f, db);
	if (h->room_id)
		sqlite3_bind_int64(st, 1, h->room_id);
	else
		sqlite3_bind_int64(st, 2, h->location_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(room, sizeof(room), "%s%s%s", store_text(st, 0),
		    *store_text(st, 1) ? " \xe2\x80\x94 " : "",
		    store_text(st, 1));
		snprintf(reply, sizeof(reply), "%s", store_text(st, 2));
	}
	sqlite3_finalize(st);
	mf.kind = MAIL_BOOKING_CLOSED;
	mf.lang = "nl";
	mf.name = g.name;
	mf.title = h->title;
	mf.start = h->start;
	mf.end = h->end;
	mf.zone = when_zone(h->timezone);
	mf.group = g.name;
	mf.room = room;
	mf.reason = reason;
	mf.told = told;
	mf.rooms = rooms;
	/* One message per closure and occurrence. */
	snprintf(key, sizeof(key), "booking/closed/%lld/%lld/%lld/%lld",
	    (long long)closure_id, (long long)h->booking_id,
	    (long long)h->event_id, (long long)h->recurrence_id);
	rc = queue(db, key, "booking", 0, h->event_id, 0, g.email, g.name,
	    reply[0] ? reply : NULL, NULL, &mf, NULL, NULL, clock_now(), 0, 0,
	    -1, -1, f);
	return rc < 0 ? -1 : 0;
}
