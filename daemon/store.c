/*
 * SQLite store: the schema and its migrations, per-thread connections in
 * WAL mode, and the write-transaction helpers.  Every write is a
 * BEGIN IMMEDIATE transaction, so a check and the write it guards are never
 * separated by another writer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hersteld/clock.h"
#include "hersteld/log.h"
#include "hersteld/store.h"
#include "hersteld/util.h"

/*
 * Ids are AUTOINCREMENT: an id a script holds never comes back as another
 * object after a removal.
 *
 * migrations[i] brings the schema from version i to i + 1.  Never edit a
 * released step; add a new one.
 */
static const char *migrations[STORE_VERSION] = {
	/* 0 -> 1: the foundation */
	"CREATE TABLE location ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  timezone TEXT NOT NULL,"
	"  hours TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL);"
	"CREATE TABLE room ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  location_id INTEGER NOT NULL REFERENCES location(id),"
	"  slug TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  capacity INTEGER NOT NULL CHECK (capacity > 0),"
	"  accessible INTEGER NOT NULL DEFAULT 0,"
	"  features TEXT NOT NULL DEFAULT '',"
	"  needs_approval INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL,"
	"  UNIQUE (location_id, slug));"
	"CREATE TABLE closure ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  location_id INTEGER NOT NULL REFERENCES location(id),"
	"  room_id INTEGER REFERENCES room(id),"
	"  start INTEGER NOT NULL,"
	"  \"end\" INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  CHECK (\"end\" > start));"
	"CREATE INDEX closure_location ON closure(location_id, start);"
	"CREATE TABLE grp ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('steungroep','partner','gemeente')),"
	"  email TEXT NOT NULL DEFAULT '',"
	"  anonymous INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL);"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  themes TEXT NOT NULL DEFAULT '',"
	"  group_id INTEGER REFERENCES grp(id),"
	"  room_id INTEGER REFERENCES room(id),"
	"  location_id INTEGER REFERENCES location(id),"
	"  place TEXT NOT NULL DEFAULT '',"
	"  timezone TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  \"end\" INTEGER NOT NULL,"
	"  rrule TEXT NOT NULL DEFAULT '',"
	"  span_end INTEGER,"		/* end of the last occurrence; NULL: open */
	"  capacity INTEGER,"
	"  visibility TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  cancel_reason TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL,"
	"  CHECK (\"end\" > start));"
	"CREATE INDEX event_start ON event(start);"
	"CREATE INDEX event_group ON event(group_id);"
	"CREATE INDEX event_room ON event(room_id);"
	"CREATE TABLE event_exdate ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  recurrence_id INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, recurrence_id));"
	"CREATE TABLE event_override ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  recurrence_id INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  \"end\" INTEGER NOT NULL,"
	"  title TEXT,"
	"  description TEXT,"
	"  room_id INTEGER REFERENCES room(id),"
	"  location_id INTEGER REFERENCES location(id),"
	"  place TEXT,"
	"  cancelled INTEGER NOT NULL DEFAULT 0,"
	"  cancel_reason TEXT NOT NULL DEFAULT '',"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  modified INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, recurrence_id),"
	"  CHECK (\"end\" > start));"
	"CREATE TABLE token ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','organizer','location-manager')),"
	"  group_id INTEGER REFERENCES grp(id),"
	"  location_id INTEGER REFERENCES location(id),"
	"  hash TEXT NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL,"
	"  revoked INTEGER);",

	/* 1 -> 2: the audit trail */
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX audit_at ON audit(at);",

	/*
	 * 2 -> 3: bookings.  One booking_slot row per occurrence.  Held slots
	 * of a room never overlap, so "does [s, e) collide" is one step down
	 * the partial index over held slots: the last one starting before e
	 * collides exactly when it ends after s.  The index covers the
	 * columns that step needs.
	 */
	"CREATE TABLE booking ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  room_id INTEGER NOT NULL REFERENCES room(id),"
	"  event_id INTEGER UNIQUE REFERENCES event(id) ON DELETE CASCADE,"
	"  group_id INTEGER REFERENCES grp(id),"
	"  title TEXT NOT NULL DEFAULT '',"
	"  timezone TEXT NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  \"end\" INTEGER NOT NULL,"
	"  rrule TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL CHECK (status IN "
	"    ('requested','confirmed','declined','cancelled')),"
	"  private INTEGER NOT NULL DEFAULT 0,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  booked_by TEXT NOT NULL,"
	"  horizon INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL,"
	"  CHECK (\"end\" > start));"
	"CREATE INDEX booking_room ON booking(room_id, status);"
	"CREATE TABLE booking_slot ("
	"  id INTEGER PRIMARY KEY,"
	"  booking_id INTEGER NOT NULL REFERENCES booking(id) ON DELETE CASCADE,"
	"  room_id INTEGER NOT NULL REFERENCES room(id),"
	"  recurrence_id INTEGER NOT NULL,"
	"  start INTEGER NOT NULL,"
	"  \"end\" INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'held' CHECK (state IN "
	"    ('held','skipped','cancelled')),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (booking_id, recurrence_id),"
	"  CHECK (\"end\" > start AND \"end\" - start <= 604800));"
	"CREATE INDEX slot_overlap ON booking_slot(room_id, start, \"end\", "
	"  booking_id) WHERE state = 'held';",

	/*
	 * 3 -> 4: feed keys.  The secret part of a group's link (events for
	 * the group only) and of a location's link (full details for its
	 * manager).  New rows get theirs from the OS's random source.
	 */
	"ALTER TABLE grp ADD COLUMN feed_key TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE location ADD COLUMN feed_key TEXT NOT NULL DEFAULT '';"
	"UPDATE grp SET feed_key = lower(hex(randomblob(16)));"
	"UPDATE location SET feed_key = lower(hex(randomblob(16)));",

	/*
	 * 4 -> 5: participants, registrations and the outbox.  A
	 * participant is an address and how it wants to be reached; nothing
	 * else is kept.  registration.occurrence is 0 for the whole event
	 * (or series), else the original start of one occurrence; a
	 * 'cancelled' row at an occurrence is a series registrant sitting
	 * that one out.  The outbox holds each message whole (all but its
	 * Date, set when it goes out) under a key unique per kind,
	 * participant, event, occurrence and sequence.
	 */
	"CREATE TABLE participant ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl','en')),"
	"  leads TEXT NOT NULL,"
	"  quiet TEXT NOT NULL DEFAULT '',"
	"  feed_token TEXT NOT NULL UNIQUE,"
	"  unsub_token TEXT NOT NULL UNIQUE,"
	"  unsubscribed INTEGER,"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL);"
	"CREATE TABLE registration ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  participant_id INTEGER NOT NULL REFERENCES participant(id) "
	"    ON DELETE CASCADE,"
	"  occurrence INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL CHECK (status IN ('going','waitlist','cancelled')),"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL,"
	"  UNIQUE (event_id, participant_id, occurrence));"
	"CREATE INDEX registration_participant ON registration(participant_id);"
	"CREATE TABLE follow ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id) "
	"    ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES grp(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (participant_id, group_id));"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  key TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('confirmation','reminder','change',"
	"    'cancellation','promotion','followup','announcement','booking')),"
	"  participant_id INTEGER REFERENCES participant(id) ON DELETE SET NULL,"
	"  event_id INTEGER,"
	"  occurrence INTEGER NOT NULL DEFAULT 0,"
	"  recipient TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  quiet INTEGER NOT NULL DEFAULT 0,"
	"  due INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN "
	"    ('pending','sending','sent','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL,"
	"  first_attempt INTEGER,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  sent INTEGER,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX outbox_next ON outbox(next_attempt) WHERE status = 'pending';"
	"CREATE INDEX outbox_participant ON outbox(participant_id);"
	"CREATE INDEX outbox_event ON outbox(event_id, kind);",

	/*
	 * 5 -> 6: co-creation, signals and accountability.  A co-host is
	 * another group that shapes an event with its owner.  Topics are what
	 * a session should be about; a vote is keyed by who cast it (a
	 * participant, or the token that voted) so that each votes once, and
	 * goes with a forgotten participant.  A signal is never linked to a
	 * person: only to the group that recorded it and, optionally, an
	 * event.  Attendance is a count per occurrence (0: a single event).
	 */
	"CREATE TABLE cohost ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES grp(id),"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, group_id));"
	"CREATE INDEX cohost_group ON cohost(group_id);"
	"CREATE TABLE topic ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  text TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN "
	"    ('open','accepted','rejected')),"
	"  participant_id INTEGER REFERENCES participant(id) ON DELETE SET NULL,"
	"  created INTEGER NOT NULL,"
	"  modified INTEGER NOT NULL);"
	"CREATE INDEX topic_event ON topic(event_id);"
	"CREATE TABLE topic_vote ("
	"  topic_id INTEGER NOT NULL REFERENCES topic(id) ON DELETE CASCADE,"
	"  voter TEXT NOT NULL,"
	"  participant_id INTEGER REFERENCES participant(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (topic_id, voter));"
	"CREATE TABLE signal ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  event_id INTEGER REFERENCES event(id) ON DELETE SET NULL,"
	"  group_id INTEGER REFERENCES grp(id),"
	"  category TEXT NOT NULL CHECK (category IN "
	"    ('uht','buurtteam','gemeente','financieel','overig')),"
	"  text TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  closed INTEGER);"
	"CREATE INDEX signal_created ON signal(created);"
	"CREATE TABLE attendance ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  occurrence INTEGER NOT NULL DEFAULT 0,"
	"  count INTEGER NOT NULL CHECK (count >= 0),"
	"  recorded INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, occurrence));"
	"CREATE INDEX audit_actor ON audit(actor, at);",

	/*
	 * 6 -> 7: check-ins.  Who came, only to refuse a second check-in;
	 * the row goes with the person (participant forget), the count in
	 * attendance stays.
	 */
	"CREATE TABLE checkin ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  participant_id INTEGER NOT NULL REFERENCES participant(id) "
	"    ON DELETE CASCADE,"
	"  occurrence INTEGER NOT NULL DEFAULT 0,"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, participant_id, occurrence));"
	"CREATE INDEX checkin_participant ON checkin(participant_id);",

	/*
	 * 7 -> 8: a message that is pointless after a moment (a reminder
	 * once its session has begun) says when; delivery drops it then.
	 */
	"ALTER TABLE outbox ADD COLUMN expires INTEGER;",

	/*
	 * 8 -> 9: which groups know a person.  An organizer that adds a
	 * participant (a new address or one that exists) links them to its
	 * group; an organizer may name only people so linked, or people
	 * whose registrations for its sessions it can already see.
	 */
	"CREATE TABLE participant_group ("
	"  participant_id INTEGER NOT NULL REFERENCES participant(id) "
	"    ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES grp(id) ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (participant_id, group_id));"
	"CREATE INDEX participant_group_group ON participant_group(group_id);",

	/*
	 * 9 -> 10: the web pages.  An optin is a registration a parent asked
	 * for on the web and has not yet confirmed from the mail: the hash
	 * of the link's token (never the token), what it registers, and
	 * until when the link works; used is set when it was confirmed.
	 * Asking again for the same address and session finds the same row.
	 * secret holds keys the daemon makes itself (the web forms' signing
	 * key).
	 */
	"CREATE TABLE optin ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  occurrence TEXT NOT NULL DEFAULT '',"
	"  email TEXT NOT NULL COLLATE NOCASE,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl','en')),"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  used INTEGER,"
	"  UNIQUE (event_id, email, occurrence));"
	"CREATE INDEX optin_email ON optin(email);"
	"CREATE TABLE secret ("
	"  name TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL,"
	"  created INTEGER NOT NULL);",

	/*
	 * 10 -> 11: the name a group gave a person it added.  An organizer
	 * sees that name, not the one the person or another group gave, so
	 * that adding a known address shows nothing that a new one would
	 * not (NULL: linked before names were kept, or added without one).
	 */
	"ALTER TABLE participant_group ADD COLUMN name TEXT;",

	/*
	 * 11 -> 12: the personal link (/me/TOKEN).  The token is never
	 * stored: it is made from a key of the daemon's (secret "me-link"),
	 * the person's id and me_gen, and only its SHA-256 is kept, to find
	 * the person by it.  Asking for a new link raises me_gen, so the old
	 * link stops working.  me_hash is NULL until the first mail carries
	 * a link.
	 */
	"ALTER TABLE participant ADD COLUMN me_gen INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE participant ADD COLUMN me_hash TEXT;"
	"CREATE UNIQUE INDEX participant_me ON participant(me_hash);",

	/*
	 * 12 -> 13: what the web pages add to signals, groups and topics.
	 * A closed signal whose note is public is listed on /signals.  A
	 * group's secret page (/g/SLUG/KEY) is found by the SHA-256 of its
	 * key (NULL: the group has no page).  An event with ideas = 1 takes
	 * topics and votes on the web while it is proposed; a topic
	 * suggested there is shown = 0 until an organiser lets it through.
	 */
	"ALTER TABLE signal ADD COLUMN public INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE grp ADD COLUMN page_hash TEXT;"
	"CREATE UNIQUE INDEX grp_page ON grp(page_hash);"
	"ALTER TABLE event ADD COLUMN ideas INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE topic ADD COLUMN shown INTEGER NOT NULL DEFAULT 1;",

	/*
	 * 13 -> 14: the mails an address got today (web.mails_per_day) are
	 * counted on every web form; without this index that count reads
	 * the whole outbox, sent reminders included.
	 */
	"CREATE INDEX outbox_recipient ON outbox(recipient COLLATE NOCASE,created);",

	/*
	 * 14 -> 15: replaced secret feed keys.  A group's or a location's
	 * feed key can be replaced (feed rotate); the SHA-256 of the old one
	 * is kept, so that its links answer "this link was replaced" rather
	 * than a bare 404.  owner is "grp" or "location".
	 */
	"CREATE TABLE feed_key_old ("
	"  owner TEXT NOT NULL CHECK (owner IN ('grp','location')),"
	"  owner_id INTEGER NOT NULL,"
	"  key_hash TEXT NOT NULL,"
	"  replaced INTEGER NOT NULL,"
	"  PRIMARY KEY (owner, owner_id, key_hash));",

	/*
	 * 15 -> 16: a person who asked for no more mail and got a place from
	 * the waiting list is not told by mail; unmailed marks that
	 * registration, so that the attendee list and the person's own page
	 * can say so.
	 */
	("ALTER TABLE registration ADD COLUMN unmailed INTEGER NOT NULL "
	"DEFAULT 0;"),

	/*
	 * 16 -> 17: a location's contact address, where its managers hear of
	 * booking requests that wait for them ('' when none).
	 */
	"ALTER TABLE location ADD COLUMN email TEXT NOT NULL DEFAULT '';",

	/*
	 * 17 -> 18: retention.  The registrations of a session that ended
	 * long ago are removed (retention.c); what the report counted of
	 * them stays here, per event and occurrence: those going, and the
	 * whole-series registrants who sat the occurrence out.
	 */
	"CREATE TABLE registration_count ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  occurrence INTEGER NOT NULL,"
	"  going INTEGER NOT NULL DEFAULT 0,"
	"  sitout INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (event_id, occurrence));",

	/*
	 * 18 -> 19: the UID under which a registration for one occurrence
	 * is in the person's calendar, once it is no longer the one its
	 * event and occurrence make (NULL): the series was split, or its
	 * start moved, after the calendar got it.
	 */
	"ALTER TABLE registration ADD COLUMN cal_uid TEXT;",

	/*
	 * 19 -> 20: the extra dates of a series (RDATE), as original starts
	 * in UTC; an occurrence each besides the rule's.
	 */
	("CREATE TABLE event_rdate ("
	"  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
	"  start INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, start));"),

	/*
	 * 20 -> 21: day events.  days = 0: the event has times; days = N:
	 * it lasts N whole dates, start and end being the local midnights
	 * that begin its first date and follow its last (its occurrences,
	 * and their overrides, likewise).
	 */
	"ALTER TABLE event ADD COLUMN days INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 21 -> 22: the registrations of each occurrence in one range of an
	 * index that holds all the reports read of them (report.c), so that
	 * counting them needs neither the rows nor a sort.
	 */
	"CREATE INDEX registration_occurrence ON registration(event_id, "
	"occurrence, status, participant_id);",
};

static char		*db_path;
static pthread_key_t	 db_key;
static atomic_uint_fast64_t generation = 1;
/* What to call when this thread's transaction commits. */
static _Thread_local void (*after_commit)(void);
/* Why this thread's last COMMIT failed (0: it did not); see store_fault. */
static _Thread_local int commit_rc;
static _Thread_local char commit_msg[160];

static void
close_db(void *p)
{
	sqlite3_close_v2(p);
}

sqlite3 *
store_open(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
		    db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	/*
	 * synchronous=FULL: a write the API acknowledged survives a power cut;
	 * these writes are few and small.
	 */
	/*
	 * A small page cache per connection: there is one per request thread,
	 * and the working set (this week's events) is small.
	 */
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-512;"
	    "PRAGMA secure_delete=ON;", NULL, NULL,
	    &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg ? msg : "pragma failed");
		sqlite3_free(msg);
		sqlite3_close_v2(db);
		return NULL;
	}
	return db;
}

static int
user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int
store_migrate(sqlite3 *db, int target, char *err, size_t errlen)
{
	char *msg = NULL, sql[64];
	int v;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if ((v = user_version(db)) < 0) {
		snprintf(err, errlen, "cannot read the schema version: %s",
		    sqlite3_errmsg(db));
		goto rollback;
	}
	if (v > STORE_VERSION) {
		snprintf(err, errlen, "the database has schema version %d, newer "
		    "than this hersteld understands (%d): run a newer hersteld "
		    "or restore a backup", v, STORE_VERSION);
		goto rollback;
	}
	for (; v < target; v++) {
		if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK)
			goto fail;
		log_info("database upgraded to schema version %d", v + 1);
	}
	/* PRAGMA takes no bound parameter; v is our own integer. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", v);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "schema upgrade failed: %s",
	    msg ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_check(const char *path, char *err, size_t errlen)
{
	return path_dir_check("database", path, err, errlen);
}

int
store_init(const char *path, char *err, size_t errlen)
{
	sqlite3 *db;

	if (store_check(path, err, errlen) != 0)
		return -1;
	if ((db = store_open(path, err, errlen)) == NULL)
		return -1;
	if (store_migrate(db, STORE_VERSION, err, errlen) != 0) {
		sqlite3_close_v2(db);
		return -1;
	}
	/*
	 * Close it: the daemon may fork next, and an SQLite connection must
	 * not cross a fork.  Threads open their own on first use.
	 */
	sqlite3_close_v2(db);
	if (pthread_key_create(&db_key, close_db) != 0) {
		snprintf(err, errlen, "pthread_key_create failed");
		return -1;
	}
	db_path = strdup(path);
	return 0;
}

sqlite3 *
store_db(void)
{
	sqlite3 *db = pthread_getspecific(db_key);
	char err[256];

	if (db == NULL) {
		if ((db = store_open(db_path, err, sizeof(err))) == NULL) {
			log_warnx("%s", err);
			return NULL;
		}
		pthread_setspecific(db_key, db);
	}
	return db;
}

void
store_shutdown(void)
{
	sqlite3 *db = pthread_getspecific(db_key);

	if (db != NULL) {
		pthread_setspecific(db_key, NULL);
		sqlite3_close_v2(db);
	}
	free(db_path);
	db_path = NULL;
}

/* Threads in store_begin, waiting for the write lock (store_yield). */
static atomic_int waiting;

int
store_begin(sqlite3 *db)
{
	int rc;

	after_commit = NULL;
	commit_rc = 0;
	atomic_fetch_add(&waiting, 1);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	atomic_fetch_sub(&waiting, 1);
	if (rc != SQLITE_OK) {
		log_warnx("begin: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

void
store_yield(void)
{
	const struct timespec step = { 0, 5 * 1000 * 1000 };

	for (int i = 0; i < 400 && atomic_load(&waiting) > 0; i++)
		nanosleep(&step, NULL);
}

int
store_commit(sqlite3 *db)
{
	void (*fn)(void) = after_commit;

	after_commit = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		/*
		 * Keep the reason: the rollback below (SQLite may have rolled
		 * back already) replaces the connection's error.
		 */
		commit_rc = sqlite3_extended_errcode(db);
		snprintf(commit_msg, sizeof(commit_msg), "%s",
		    sqlite3_errmsg(db));
		log_warnx("commit: %s", commit_msg);
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	commit_rc = 0;
	atomic_fetch_add(&generation, 1);
	if (fn)
		fn();
	return 0;
}

void
store_rollback(sqlite3 *db)
{
	after_commit = NULL;
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_begin_f(sqlite3 *db, struct fault *f)
{
	if (store_begin(db))
		return fault_set(f, FAULT_INTERNAL, "database busy");
	return 0;
}

int
store_finish(sqlite3 *db, const char *actor, const char *action,
    const char *object, const char *detail, struct fault *f)
{
	if (store_audit(db, actor, action, object, detail) ||
	    store_commit(db)) {
		store_fault(f, db);
		store_rollback(db);
		return -1;
	}
	return 0;
}

int
store_checkpoint(sqlite3 *db)
{
	int rc = SQLITE_OK;

	/*
	 * A reader on another connection (the delivery thread, a feed)
	 * makes TRUNCATE busy for as long as it reads: try a few times.
	 */
	for (int i = 0; i < 20; i++) {
		rc = sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	if (rc != SQLITE_OK) {
		log_warnx("checkpoint: %s (the log is emptied at the next "
		    "nightly run)", sqlite3_errstr(rc));
		return -1;
	}
	return 0;
}

void
store_after_commit(void (*fn)(void))
{
	after_commit = fn;
}

uint64_t
store_generation(void)
{
	return atomic_load(&generation);
}

sqlite3_stmt *
store_prepare(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("prepare: %s: %.60s", sqlite3_errmsg(db), sql);
		return NULL;
	}
	return st;
}

int
store_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, idx);
	return sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
}

const char *
store_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t ? (const char *)t : "";
}

int
store_one(sqlite3 *db, const char *sql, const char *key, int64_t id,
    void (*row)(sqlite3_stmt *, void *), void *out)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	if (key != NULL)
		store_bind_text(st, 1, key);
	else
		sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(st, out);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int
store_fetch(sqlite3 *db, const char *sql, const char *key, int64_t id,
    void (*row)(sqlite3_stmt *, void *), void *out, const char *what,
    struct fault *f)
{
	switch (store_one(db, sql, key, id, row, out)) {
	case 1:
		return 0;
	case 0:
		if (key)
			return fault_set(f, FAULT_NOTFOUND, "unknown %s \"%.63s\"",
			    what, key);
		return fault_set(f, FAULT_NOTFOUND, "unknown %s %lld", what,
		    (long long)id);
	default:
		return fault_set(f, FAULT_INTERNAL, "database error: %s",
		    sqlite3_errmsg(db));
	}
}

long
store_count(sqlite3 *db, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	long n = -1;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
store_exec_id(sqlite3 *db, const char *sql, int64_t arg)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, arg);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_new_feed_key(sqlite3 *db, const char *table, int64_t id)
{
	unsigned char rnd[16];
	char hex[33];
	sqlite3_stmt *st;
	int rc;

	if (random_bytes(rnd, sizeof(rnd)))
		return -1;
	hex_encode(rnd, sizeof(rnd), hex);
	/* Two fixed statements: a table name cannot be a bound parameter. */
	if ((st = store_prepare(db, strcmp(table, "grp") == 0 ?
	    "UPDATE grp SET feed_key = ?2 WHERE id = ?1" :
	    "UPDATE location SET feed_key = ?2 WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, hex);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_rotate_feed_key(sqlite3 *db, const char *table, int64_t id)
{
	const char *owner = strcmp(table, "grp") == 0 ? "grp" : "location";
	char old[64], hash[65];
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, owner[0] == 'g' ?
	    "SELECT feed_key FROM grp WHERE id = ?1" :
	    "SELECT feed_key FROM location WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(old, sizeof(old), "%s", store_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || sha256_hex(old, hash))
		return -1;
	if ((st = store_prepare(db, "INSERT INTO feed_key_old (owner, "
	    "owner_id, key_hash, replaced) VALUES (?1, ?2, ?3, ?4) "
	    "ON CONFLICT DO NOTHING")) == NULL)
		return -1;
	store_bind_text(st, 1, owner);
	sqlite3_bind_int64(st, 2, id);
	store_bind_text(st, 3, hash);
	sqlite3_bind_int64(st, 4, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return store_new_feed_key(db, owner, id);
}

int
store_feed_key_replaced(sqlite3 *db, const char *table, int64_t id,
    const char *key)
{
	char hash[65];
	sqlite3_stmt *st;
	int rc;

	if (sha256_hex(key, hash) ||
	    (st = store_prepare(db, "SELECT 1 FROM feed_key_old WHERE owner = "
	    "?1 AND owner_id = ?2 AND key_hash = ?3")) == NULL)
		return 0;
	store_bind_text(st, 1, strcmp(table, "grp") == 0 ? "grp" : "location");
	sqlite3_bind_int64(st, 2, id);
	store_bind_text(st, 3, hash);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW;
}

int
store_secret(sqlite3 *db, const char *name, unsigned char *out, size_t n)
{
	unsigned char fresh[64];
	sqlite3_stmt *st;
	int rc, ret = -1;

	if (n > sizeof(fresh) || random_bytes(fresh, n))
		return -1;
	/* Kept when one exists: the first writer's key wins. */
	if ((st = store_prepare(db, "INSERT INTO secret (name, value, created) "
	    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")) == NULL)
		return -1;
	store_bind_text(st, 1, name);
	sqlite3_bind_blob(st, 2, fresh, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if ((st = store_prepare(db, "SELECT value FROM secret WHERE name = ?1"))
	    == NULL)
		return -1;
	store_bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(st, 0) == n) {
		memcpy(out, sqlite3_column_blob(st, 0), n);
		ret = 0;
	}
	sqlite3_finalize(st);
	return ret;
}

int
store_audit(sqlite3 *db, const char *actor, const char *action,
    const char *object, const char *detail)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "INSERT INTO audit (at, actor, action, "
	    "object, detail) VALUES (?1, ?2, ?3, ?4, ?5)")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)clock_now());
	store_bind_text(st, 2, actor);
	store_bind_text(st, 3, action);
	store_bind_text(st, 4, object);
	store_bind_text(st, 5, detail ? detail : "");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
store_fault(struct fault *f, sqlite3 *db)
{
	int rc = commit_rc ? commit_rc : sqlite3_extended_errcode(db);
	const char *msg = commit_rc ? commit_msg : sqlite3_errmsg(db);

	/* A failed commit's reason is told once, not on a later failure. */
	commit_rc = 0;
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return fault_set(f, FAULT_UNAVAILABLE, "disk full: the "
		    "database cannot grow, nothing was changed; free space on "
		    "its disk and try again");
	case SQLITE_IOERR:
		return fault_set(f, FAULT_UNAVAILABLE, "storage error: the "
		    "database could not be read or written (%s), nothing was "
		    "changed; try again later", msg);
	default:
		return fault_set(f, FAULT_INTERNAL, "database error: %s", msg);
	}
}

/* Sync path's data (a file) or its entries (a directory); -1 on error. */
static int
sync_path(const char *path, int dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) |
	    O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The result of PRAGMA integrity_check on db: 1 when "ok". */
static int
integrity_ok(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "integrity check: %s", sqlite3_errmsg(db));
		return 0;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		ok = strcmp(store_text(st, 0), "ok") == 0;
		if (!ok)
			snprintf(err, errlen, "integrity check failed: %.200s",
			    store_text(st, 0));
	} else
		snprintf(err, errlen, "integrity check: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return ok;
}

int
store_copy(sqlite3 *src, const char *dest, long long *bytes, char *err,
    size_t errlen)
{
	sqlite3 *out = NULL;
	sqlite3_backup *b;
	char tmp[4200], dir[4200];
	struct stat sb;
	int rc;

	*bytes = 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", dest, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errlen, "the backup's path is too long");
		return -1;
	}
	unlink(tmp);
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, out ? sqlite3_errmsg(out) :
		    "cannot create it");
		goto fail;
	}
	if ((b = sqlite3_backup_init(out, "main", src, "main")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(out));
		goto fail;
	}
	/* All pages in one step: one read snapshot of the source. */
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errstr(rc));
		goto fail;
	}
	/* One file on its own: no -wal beside it when it is moved. */
	if (sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", tmp, sqlite3_errmsg(out));
		goto fail;
	}
	if (!integrity_ok(out, err, errlen))
		goto fail;
	sqlite3_close_v2(out);
	out = NULL;
	snprintf(dir, sizeof(dir), "%s", dest);
	if (sync_path(tmp, 0) || rename(tmp, dest) != 0 ||
	    sync_path(dirname(dir), 1)) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		goto fail;
	}
	if (stat(dest, &sb) == 0)
		*bytes = (long long)sb.st_size;
	return 0;
fail:
	sqlite3_close_v2(out);
	unlink(tmp);
	return -1;
}

int
store_restore(const char *file, const char *dbfile, int *version,
    char *err, size_t errlen)
{
	sqlite3 *in = NULL;
	sqlite3_stmt *st;
	char side[4200];
	long long bytes;
	int rc = -1;

	*version = 0;
	if (sqlite3_open_v2(file, &in, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", file, in ? sqlite3_errmsg(in) :
		    "cannot open it");
		goto done;
	}
	if (sqlite3_prepare_v2(in, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: not a hersteld database (%s)", file,
		    sqlite3_errmsg(in));
		goto done;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (*version < 1 || *version > STORE_VERSION) {
		snprintf(err, errlen, "%s: not a hersteld database this version "
		    "can use (schema version %d; this build knows 1 to %d)",
		    file, *version, STORE_VERSION);
		goto done;
	}
	if (!integrity_ok(in, err, errlen))
		goto done;
	/* The database's own log would be applied to the restored file. */
	snprintf(side, sizeof(side), "%s-wal", dbfile);
	if (unlink(side) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", side, strerror(errno));
		goto done;
	}
	snprintf(side, sizeof(side), "%s-shm", dbfile);
	if (unlink(side) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", side, strerror(errno));
		goto done;
	}
	rc = store_copy(in, dbfile, &bytes, err, errlen);
done:
	sqlite3_close_v2(in);
	return rc;
}
