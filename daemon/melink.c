/*
 * The personal link (see melink.h): its token made from the daemon's
 * key, the hash that finds the person, and the mail that brings a new
 * link.  The mail's texts live here, Dutch and English side by side; the
 * message around them is mail_compose's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/mail.h"
#include "hersteld/melink.h"
#include "hersteld/outbox.h"
#include "hersteld/rfc5322.h"
#include "hersteld/store.h"

/* The texts of the link mail; [0] Dutch, [1] English. */
static const struct {
	const char	*subject, *hello, *asked, *works, *ignore;
} texts[2] = {
	{
		"Je persoonlijke link",
		"Hallo",
		"Je vroeg om een nieuwe link naar je eigen pagina. Daar zie je "
		    "je bijeenkomsten, meld je je af, kies je wanneer je "
		    "herinneringen krijgt, of laat je je gegevens wissen:",
		"Deze link vervangt je vorige link; die werkt niet meer. Deel "
		    "de link met niemand.",
		"Heb je hier niet om gevraagd? Dan hoef je niets te doen.",
	},
	{
		"Your personal link",
		"Hello",
		"You asked for a new link to your own page. There you see your "
		    "sessions, cancel a registration, choose when you get "
		    "reminders, or have your data erased:",
		"This link replaces your previous link; that one no longer "
		    "works. Share the link with nobody.",
		"Did you not ask for this? Then there is nothing to do.",
	},
};

int
melink_token_ok(const char *token)
{
	return hex_token_ok(token, MELINK_TOKEN_LEN);
}

/* The token of person pid at generation gen into out[65]; 0 or -1. */
static int
make(sqlite3 *db, int64_t pid, int64_t gen, char *out)
{
	unsigned char key[32], md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char msg[64];
	int len, rc = -1;

	len = snprintf(msg, sizeof(msg), "me\n%lld\n%lld", (long long)pid,
	    (long long)gen);
	if (len < 0 || (size_t)len >= sizeof(msg) ||
	    store_secret(db, "me-link", key, sizeof(key)))
		return -1;
	if (HMAC(EVP_sha256(), key, sizeof(key), (unsigned char *)msg,
	    (size_t)len, md, &n) != NULL && n == 32) {
		hex_encode(md, n, out);
		rc = 0;
	}
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* Record hash as pid's (and gen as its generation); 0 or -1. */
static int
record(sqlite3 *db, int64_t pid, int64_t gen, const char *hash)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "UPDATE participant SET me_gen = ?2, "
	    "me_hash = ?3 WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, gen);
	store_bind_text(st, 3, hash);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* pid's generation and whether a hash is recorded; 0 or -1. */
static int
generation(sqlite3 *db, int64_t pid, int64_t *gen, int *recorded)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = store_prepare(db, "SELECT me_gen, me_hash IS NOT NULL FROM "
	    "participant WHERE id = ?1")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, pid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*gen = sqlite3_column_int64(st, 0);
		*recorded = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
melink_token(sqlite3 *db, int64_t pid, char *out)
{
	int64_t gen = 0;
	int recorded = 0;
	char hash[65];

	if (generation(db, pid, &gen, &recorded) || make(db, pid, gen, out))
		return -1;
	if (recorded)
		return 0;
	if (sha256_hex(out, hash) || record(db, pid, gen, hash))
		return -1;
	return 0;
}

int
melink_find(sqlite3 *db, const char *token, int64_t *pid)
{
	sqlite3_stmt *st;
	char hash[65];
	int rc;

	*pid = 0;
	if (!melink_token_ok(token))
		return 0;
	if (sha256_hex(token, hash))
		return -1;
	if ((st = store_prepare(db, "SELECT id FROM participant WHERE "
	    "me_hash = ?1")) == NULL)
		return -1;
	store_bind_text(st, 1, hash);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*pid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

long
melink_mails_today(sqlite3 *db, const char *email)
{
	sqlite3_stmt *st;
	long n = -1;

	if ((st = store_prepare(db, "SELECT count(*) FROM outbox WHERE kind = "
	    "'confirmation' AND (key LIKE 'optin:%' OR key LIKE 'melink:%') "
	    "AND recipient = ?1 COLLATE NOCASE AND created > ?2")) == NULL)
		return -1;
	store_bind_text(st, 1, email);
	sqlite3_bind_int64(st, 2, clock_now() - 86400);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Compose the mail with the new link and queue it. */
static int
queue_mail(sqlite3 *db, const struct participant *p, const char *base_url,
    const char *token, const char *hash, struct fault *f)
{
	const struct conf *c = conf_current();
	int en = strcmp(p->lang, "en") == 0;
	struct mail_envelope env = { 0 };
	struct outbox_new m = { 0 };
	char *body = NULL, *msg = NULL, mid[128], key[80];
	size_t len, blen;
	int rc = -1;

	blen = 2048 + strlen(base_url) + strlen(p->name);
	if ((body = malloc(blen)) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	snprintf(body, blen, "%s%s%s,\n\n%s\n\n%s/me/%s%s\n\n%s\n\n%s\n",
	    texts[en].hello, p->name[0] ? " " : "", p->name, texts[en].asked,
	    base_url, token, en ? "?lang=en" : "", texts[en].works,
	    texts[en].ignore);
	if (rfc5322_message_id(c->uid_host, mid)) {
		fault_set(f, FAULT_INTERNAL, "cannot compose a message");
		goto done;
	}
	env.from = c->smtp_from;
	env.to = p->email;
	env.to_name = p->name[0] ? p->name : NULL;
	env.message_id = mid;
	if (mail_compose(&env, texts[en].subject, body, &msg, &len, f))
		goto done;
	/* One message per link: the hash names it, the token stays out. */
	snprintf(key, sizeof(key), "melink:%.32s", hash);
	m.key = key;
	m.kind = "confirmation";
	m.participant_id = p->id;
	m.recipient = p->email;
	m.subject = texts[en].subject;
	m.message = msg;
	m.due = clock_now();
	m.expires = clock_now() + 86400;
	m.quiet_from = m.quiet_to = -1;
	rc = outbox_queue(db, &m, f) < 0 ? -1 : 0;
done:
	free(body);
	free(msg);
	return rc;
}

int
melink_renew(sqlite3 *db, const struct participant *p, const char *base_url,
    struct fault *f)
{
	int64_t gen = 0;
	int recorded = 0;
	char token[MELINK_TOKEN_LEN + 1], hash[65];

	if (generation(db, p->id, &gen, &recorded) ||
	    make(db, p->id, gen + 1, token) || sha256_hex(token, hash) ||
	    record(db, p->id, gen + 1, hash))
		return store_fault(f, db);
	return queue_mail(db, p, base_url, token, hash, f);
}
