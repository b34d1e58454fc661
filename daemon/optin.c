/*
 * Web registrations waiting for their confirmation (see optin.h): the
 * optin table, the link token and its hash, and the mail with the link.
 * The mail's texts live here, Dutch and English side by side; the
 * message around them is mail_compose's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/event.h"
#include "hersteld/group.h"
#include "hersteld/mail.h"
#include "hersteld/melink.h"
#include "hersteld/optin.h"
#include "hersteld/outbox.h"
#include "hersteld/participant.h"
#include "hersteld/rfc5322.h"
#include "hersteld/store.h"
#include "hersteld/when.h"

/* The texts of the confirmation-link mail; [0] Dutch, [1] English. */
static const struct {
	const char	*subject, *hello, *asked, *series, *from_date,
			*click, *until, *ignore;
} texts[2] = {
	{
		"Bevestig je aanmelding: ",
		"Hallo",
		"Je wilt je aanmelden voor deze bijeenkomst:",
		"alle bijeenkomsten van de reeks",
		"vanaf",
		"Bevestig je aanmelding met deze link. Op de pagina die dan "
		    "opent, klik je op de knop \"Aanmelding bevestigen\":",
		"De link werkt tot",
		"Heb je je niet aangemeld? Dan hoef je niets te doen. Zonder "
		    "bevestiging word je niet aangemeld en bewaren we je adres "
		    "niet langer dan de link werkt.",
	},
	{
		"Confirm your registration: ",
		"Hello",
		"You asked to register for this session:",
		"every session of the series",
		"from",
		"Confirm your registration with this link. On the page that "
		    "opens, press the button \"Confirm registration\":",
		"The link works until",
		"Did you not ask for this? Then there is nothing to do. "
		    "Without a confirmation you are not registered, and we keep "
		    "your address no longer than the link works.",
	},
};

int
optin_token_ok(const char *token)
{
	return hex_token_ok(token, OPTIN_TOKEN_LEN);
}

int
optin_check(const struct optin_in *in, struct fault *f)
{
	if (in->email == NULL || *in->email == '\0')
		return fault_set(f, FAULT_INVALID, "email is required");
	if (group_email_check(f, "email", in->email))
		return -1;
	if (text_check(f, "name", in->name ? in->name : "",
	    PARTICIPANT_NAME_MAX_CHARS, 0, 0))
		return -1;
	if (in->lang == NULL || (strcmp(in->lang, "nl") && strcmp(in->lang,
	    "en")))
		return fault_set(f, FAULT_INVALID, "lang must be nl or en");
	if (in->occurrence && *in->occurrence && strlen(in->occurrence) != 10)
		return fault_set(f, FAULT_INVALID, "occurrence must be a date "
		    "YYYY-MM-DD");
	return 0;
}

/* "2026-12-03 19:00" of what the request registers, into out[64]. */
static void
when_text(const struct event *ev, time_t rid, int series, int en,
    char *out, size_t len)
{
	struct occurrence o;
	char t[32];

	if (rid)
		event_occurrence(ev, rid, &o);
	else
		event_occurrence(ev, ev->start, &o);
	if (ev->days)
		when_format_date(o.start, ev->zone, t);	/* a day event */
	else
		when_format_local(o.start, ev->zone, t);
	if (series)
		snprintf(out, len, "%s, %s %s", texts[en].series,
		    texts[en].from_date, t);
	else
		snprintf(out, len, "%s", t);
}

/* Compose the link mail and queue it. */
static int
queue_mail(sqlite3 *db, const struct optin_in *in, const struct event *ev,
    time_t rid, const char *token, const char *hash, time_t expires,
    struct fault *f)
{
	const struct conf *c = conf_current();
	int en = strcmp(in->lang, "en") == 0;
	struct mail_envelope env = { 0 };
	struct outbox_new m = { 0 };
	char *subject = NULL, *body = NULL, *msg = NULL, mid[128], key[80];
	char when[160], until[32];
	size_t len, blen;
	int rc = -1;

	when_text(ev, rid, ev->rrule[0] && rid == 0, en, when, sizeof(when));
	when_format_local(expires, ev->zone, until);
	len = strlen(texts[en].subject) + strlen(ev->title) + 1;
	blen = 4096 + strlen(ev->title) + strlen(in->base_url) +
	    (in->name ? strlen(in->name) : 0);
	if ((subject = malloc(len)) == NULL || (body = malloc(blen)) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	snprintf(subject, len, "%s%s", texts[en].subject, ev->title);
	snprintf(body, blen, "%s%s%s,\n\n%s\n\n  %s\n  %s\n\n%s\n\n"
	    "%s/confirm/%s%s\n\n%s %s.\n\n%s\n",
	    texts[en].hello, in->name && *in->name ? " " : "",
	    in->name ? in->name : "", texts[en].asked, ev->title, when,
	    texts[en].click, in->base_url, token, en ? "?lang=en" : "",
	    texts[en].until, until,
	    texts[en].ignore);
	if (rfc5322_message_id(c->uid_host, mid)) {
		fault_set(f, FAULT_INTERNAL, "cannot compose a message");
		goto done;
	}
	env.from = c->smtp_from;
	env.to = in->email;
	env.to_name = in->name && *in->name ? in->name : NULL;
	env.message_id = mid;
	if (mail_compose(&env, subject, body, &msg, &len, f))
		goto done;
	/* One message per link: the hash names it, the token stays out. */
	snprintf(key, sizeof(key), "optin:%.32s", hash);
	m.key = key;
	m.kind = "confirmation";
	m.event_id = ev->id;
	m.occurrence = rid;
	m.recipient = in->email;
	m.subject = subject;
	m.message = msg;
	m.due = clock_now();
	m.expires = expires;
	m.quiet_from = m.quiet_to = -1;
	rc = outbox_queue(db, &m, f) < 0 ? -1 : 0;
done:
	free(subject);
	free(body);
	free(msg);
	return rc;
}

int
optin_ask(sqlite3 *db, const struct optin_in *in, enum optin_outcome *out,
    struct fault *f)
{
	unsigned char rnd[32];
	char token[OPTIN_TOKEN_LEN + 1], hash[65];
	const char *occ = in->occurrence ? in->occurrence : "";
	struct event *ev = NULL;
	sqlite3_stmt *st = NULL;
	time_t now = clock_now(), rid = 0, expires;
	long sent;
	int rc, ret = -1;

	*out = OPTIN_PENDING;
	if (optin_check(in, f) || (ev = event_get(db, in->event_id, f)) == NULL)
		return -1;
	if (*occ && event_pick(ev, occ, &rid, f))
		goto done;
	/* Links that no longer work are of no use to anyone. */
	if (store_exec_id(db, "DELETE FROM optin WHERE expires <= ?1", now))
		goto dberr;
	if ((st = store_prepare(db, "SELECT count(*) FROM optin WHERE "
	    "event_id = ?1 AND email = ?2 AND occurrence = ?3 AND used IS NULL "
	    "AND expires > ?4")) == NULL)
		goto dberr;
	sqlite3_bind_int64(st, 1, ev->id);
	store_bind_text(st, 2, in->email);
	store_bind_text(st, 3, occ);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		goto dberr;
	if (sqlite3_column_int64(st, 0) > 0) {
		ret = 0;	/* the link sent before still works */
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Confirmation and link mails together, as melink counts them. */
	if ((sent = melink_mails_today(db, in->email)) < 0)
		goto dberr;
	if (sent >= in->per_day) {
		*out = OPTIN_LIMITED;
		ret = 0;
		goto done;
	}
	if (random_bytes(rnd, sizeof(rnd))) {
		fault_set(f, FAULT_INTERNAL, "no randomness available");
		goto done;
	}
	hex_encode(rnd, sizeof(rnd), token);
	if (sha256_hex(token, hash)) {
		fault_set(f, FAULT_INTERNAL, "cannot hash the link");
		goto done;
	}
	expires = now + in->hours * 3600L;
	/* A used request for the same session is asked again: the same row. */
	if ((st = store_prepare(db, "INSERT INTO optin (token_hash, event_id, "
	    "occurrence, email, name, lang, created, expires) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (event_id, email, occurrence) "
	    "DO UPDATE SET token_hash = ?1, name = ?5, lang = ?6, created = ?7, "
	    "expires = ?8, used = NULL")) == NULL)
		goto dberr;
	store_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, ev->id);
	store_bind_text(st, 3, occ);
	store_bind_text(st, 4, in->email);
	store_bind_text(st, 5, in->name ? in->name : "");
	store_bind_text(st, 6, in->lang);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, expires);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto dberr;
	sqlite3_finalize(st);
	st = NULL;
	if (queue_mail(db, in, ev, rid, token, hash, expires, f))
		goto done;
	*out = OPTIN_MAILED;
	ret = 0;
	goto done;
dberr:
	store_fault(f, db);
done:
	sqlite3_finalize(st);
	event_free(ev);
	return ret;
}

int
optin_find(sqlite3 *db, const char *token, struct optin *out,
    enum optin_state *state)
{
	char hash[65];
	sqlite3_stmt *st;
	int rc;

	*state = OPTIN_UNKNOWN;
	memset(out, 0, sizeof(*out));
	if (!optin_token_ok(token))
		return 0;
	if (sha256_hex(token, hash))
		return -1;
	if ((st = store_prepare(db, "SELECT id, event_id, occurrence, email, "
	    "name, lang, expires, used FROM optin WHERE token_hash = ?1")) ==
	    NULL)
		return -1;
	store_bind_text(st, 1, hash);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->event_id = sqlite3_column_int64(st, 1);
		snprintf(out->occurrence, sizeof(out->occurrence), "%s",
		    store_text(st, 2));
		snprintf(out->email, sizeof(out->email), "%s", store_text(st, 3));
		snprintf(out->name, sizeof(out->name), "%s", store_text(st, 4));
		snprintf(out->lang, sizeof(out->lang), "%s", store_text(st, 5));
		out->expires = sqlite3_column_int64(st, 6);
		*state = sqlite3_column_type(st, 7) != SQLITE_NULL ? OPTIN_USED :
		    out->expires <= clock_now() ? OPTIN_EXPIRED : OPTIN_VALID;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
optin_mark(sqlite3 *db, int64_t id, int used)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, used ?
	    "UPDATE optin SET used = ?2 WHERE id = ?1 AND used IS NULL" :
	    "UPDATE optin SET used = NULL WHERE id = ?1 AND used IS NOT NULL"))
	    == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (used)
		sqlite3_bind_int64(st, 2, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return sqlite3_changes(db) > 0;
}

int
optin_forget(sqlite3 *db, const char *email)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "DELETE FROM optin WHERE email = ?1")) ==
	    NULL)
		return -1;
	store_bind_text(st, 1, email);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	/* The link mails carry the address too, sent or not. */
	if ((st = store_prepare(db, "DELETE FROM outbox WHERE key LIKE "
	    "'optin:%' AND recipient = ?1 COLLATE NOCASE")) == NULL)
		return -1;
	store_bind_text(st, 1, email);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
optin_purge(sqlite3 *db, time_t now, long keep)
{
	sqlite3_stmt *st;
	int rc;

	if (store_exec_id(db, "DELETE FROM optin WHERE expires <= ?1 OR "
	    "used IS NOT NULL", now))
		return -1;
	if ((st = store_prepare(db, "DELETE FROM outbox WHERE kind = "
	    "'confirmation' AND (key LIKE 'optin:%' OR key LIKE 'melink:%') "
	    "AND status IN ('sent', 'failed') AND created <= ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now - keep);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
