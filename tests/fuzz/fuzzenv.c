/*
 * The fuzz harnesses' shared set-up (fuzzenv.h).  The fixture is made
 * through api_handle, as the CLI would make it, once; a copy is kept in a
 * second in-memory database and copied back (sqlite3_backup) after an
 * input that changed anything, so every input sees the same store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/log.h"
#include "hersteld/store.h"
#include "fuzzenv.h"

struct principal fuzzenv_admin = { .role = ROLE_ADMIN,
	.name = "admin (socket)" };
struct principal fuzzenv_organizer = { .role = ROLE_ORGANIZER,
	.token_id = 1, .name = "token organiser (#1)" };
struct principal fuzzenv_manager = { .role = ROLE_LOCATION_MANAGER,
	.token_id = 2, .name = "token beheer (#2)" };

static sqlite3	*fixture;	/* the copy to restore from */
static int	 changes;	/* sqlite3_total_changes after the last reset */

static const char *setup[][3] = {
	{ "POST", "locations", "{\"slug\": \"herstelhuis\", \"name\": "
	    "\"Herstelhuis\", \"address\": \"Bijlmerplein 1\", \"timezone\": "
	    "\"Europe/Amsterdam\", \"hours\": \"mon-sat 09:00-22:00\"}" },
	{ "POST", "locations", "{\"slug\": \"nachtcafe\", \"name\": "
	    "\"Nachtcafe\"}" },
	{ "POST", "rooms", "{\"room\": \"herstelhuis/zaal-1\", \"name\": "
	    "\"Zaal 1\", \"capacity\": 12}" },
	{ "POST", "rooms", "{\"room\": \"herstelhuis/zaal-2\", \"name\": "
	    "\"Zaal 2\", \"capacity\": 20, \"needs_approval\": true}" },
	{ "POST", "rooms", "{\"room\": \"nachtcafe/zaal\", \"name\": "
	    "\"Zaal\", \"capacity\": 30}" },
	{ "POST", "groups", "{\"slug\": \"lotgenoten\", \"name\": "
	    "\"Lotgenoten Zuidoost\", \"kind\": \"steungroep\", \"email\": "
	    "\"lotgenoten@example.org\"}" },
	{ "POST", "groups", "{\"slug\": \"stil\", \"name\": \"Stille groep\", "
	    "\"kind\": \"steungroep\", \"anonymous\": true}" },
	{ "POST", "participants", "{\"email\": \"anna@example.org\", "
	    "\"name\": \"Anna\", \"lang\": \"nl\"}" },
	{ "POST", "participants", "{\"email\": \"ben@example.org\", "
	    "\"name\": \"Ben\", \"lang\": \"en\"}" },
	{ "POST", "events", "{\"kind\": \"steungroep\", \"title\": "
	    "\"Lotgenotengroep\", \"group\": \"lotgenoten\", \"room\": "
	    "\"herstelhuis/zaal-1\", \"start\": \"2026-12-01 19:00\", "
	    "\"end\": \"2026-12-01 21:00\", \"repeat\": "
	    "\"FREQ=WEEKLY;BYDAY=TU;COUNT=8\", \"capacity\": 10}" },
	{ "POST", "events", "{\"kind\": \"themabijeenkomst\", \"title\": "
	    "\"Thema-avond\", \"place\": \"Buurthuis\", \"start\": "
	    "\"2026-12-10 19:30\", \"duration\": \"2h\"}" },
	{ "POST", "events/1/register", "{\"participant\": \"1\"}" },
};

void
fuzzenv_conf(void)
{
	char path[] = "/tmp/hersteld-fuzz.XXXXXX", err[512];
	struct conf *c;
	FILE *fp;
	int fd;

	log_init(1, LOG_LVL_ERROR);
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		perror("fuzzenv: mkstemp");
		abort();
	}
	fprintf(fp, "database = \":memory:\";\ntimezone = \"Europe/Amsterdam\";\n"
	    "public_url = \"https://agenda.example.org\";\n"
	    "listen = { socket = \"/nonexistent/s\"; };\n"
	    "smtp = { from = \"Herstelhuis <noreply@example.org>\"; };\n");
	fclose(fp);
	c = conf_load(path, err, sizeof(err));
	unlink(path);
	if (c == NULL) {
		fprintf(stderr, "fuzzenv: conf_load: %s\n", err);
		abort();
	}
	conf_install(c);
}

void
fuzzenv_store(void)
{
	char err[512];
	sqlite3 *db;
	sqlite3_backup *b;

	fuzzenv_conf();
	/* store_init migrates a connection of its own, which then goes;
	 * this thread's connection is a new, empty in-memory database. */
	if (store_init(":memory:", err, sizeof(err)) != 0 ||
	    (db = store_db()) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzzenv: store: %s\n", err);
		abort();
	}
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
		struct api_resp resp = { 0 };

		api_handle(setup[i][0], setup[i][1], setup[i][2],
		    strlen(setup[i][2]), &fuzzenv_admin, fuzzenv_query, NULL,
		    &resp);
		if (resp.status >= 300) {
			char *s = json_dumps(resp.json, 0);
			fprintf(stderr, "fuzzenv: %s %s: %u %s\n", setup[i][0],
			    setup[i][1], resp.status, s ? s : "");
			free(s);
			abort();
		}
		json_decref(resp.json);
	}
	fuzzenv_organizer.group_id = 1;
	fuzzenv_manager.location_id = 1;
	if (sqlite3_open(":memory:", &fixture) != SQLITE_OK ||
	    (b = sqlite3_backup_init(fixture, "main", db, "main")) == NULL ||
	    sqlite3_backup_step(b, -1) != SQLITE_DONE ||
	    sqlite3_backup_finish(b) != SQLITE_OK) {
		fprintf(stderr, "fuzzenv: cannot copy the fixture\n");
		abort();
	}
	changes = sqlite3_total_changes(db);
}

sqlite3 *
fuzzenv_db(void)
{
	return store_db();
}

void
fuzzenv_reset(void)
{
	sqlite3 *db = store_db();
	sqlite3_backup *b;

	/* A transaction left open is a finding of its own. */
	if (!sqlite3_get_autocommit(db)) {
		fprintf(stderr, "fuzzenv: the input left a transaction open\n");
		abort();
	}
	if (sqlite3_total_changes(db) == changes)
		return;
	if ((b = sqlite3_backup_init(db, "main", fixture, "main")) == NULL ||
	    sqlite3_backup_step(b, -1) != SQLITE_DONE ||
	    sqlite3_backup_finish(b) != SQLITE_OK) {
		fprintf(stderr, "fuzzenv: cannot restore the fixture: %s\n",
		    sqlite3_errmsg(db));
		abort();
	}
	changes = sqlite3_total_changes(db);
}

char *
fuzzenv_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#define MAXQ	16
static char	*qbuf;
static char	*qname[MAXQ], *qvalue[MAXQ];
static int	 nq;

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX and '+' in place, as MHD does for query arguments. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '%' && hex(s[1]) >= 0 && hex(s[2]) >= 0) {
			*w++ = (char)(hex(s[1]) * 16 + hex(s[2]));
			s += 2;
		} else
			*w++ = *s == '+' ? ' ' : *s;
	}
	*w = '\0';
}

void
fuzzenv_query_set(const char *qs)
{
	char *p, *amp;

	free(qbuf);
	nq = 0;
	if ((qbuf = strdup(qs ? qs : "")) == NULL)
		abort();
	for (p = qbuf; *p && nq < MAXQ; p = amp + 1) {
		char *eq;

		if ((amp = strchr(p, '&')) != NULL)
			*amp = '\0';
		if ((eq = strchr(p, '=')) != NULL)
			*eq++ = '\0';
		unescape(p);
		qname[nq] = p;
		qvalue[nq] = eq;
		if (eq)
			unescape(eq);
		nq++;
		if (amp == NULL)
			break;
	}
}

const char *
fuzzenv_query(void *arg, const char *name)
{
	(void)arg;
	for (int i = 0; i < nq; i++)
		if (strcmp(qname[i], name) == 0)
			return qvalue[i];
	return NULL;
}
