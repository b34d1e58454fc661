/*
 * The unit tests' shared fixture (testlib.h): a temporary configuration
 * and database, and their removal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hersteld/conf.h"
#include "hersteld/log.h"
#include "hersteld/store.h"
#include "hersteld/when.h"
#include "testlib.h"

static char dir[64];
static char dbpath[300], confpath[300];

int
testlib_conf(void)
{
	char err[1024];
	struct conf *c;
	FILE *fp;

	log_init(1, LOG_LVL_ERROR);
	snprintf(dir, sizeof(dir), "/tmp/hersteld-unit-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(dbpath, sizeof(dbpath), "%s/test.db", dir);
	snprintf(confpath, sizeof(confpath), "%s/test.conf", dir);
	if ((fp = fopen(confpath, "w")) == NULL) {
		perror(confpath);
		return -1;
	}
	fprintf(fp, "database = \"%s\";\ntimezone = \"Europe/Amsterdam\";\n"
	    "listen = { socket = \"%s/s\"; };\n", dbpath, dir);
	fclose(fp);
	if ((c = conf_load(confpath, err, sizeof(err))) == NULL) {
		fprintf(stderr, "conf_load: %s\n", err);
		return -1;
	}
	conf_install(c);
	return 0;
}

const char *
testlib_dbpath(void)
{
	return dbpath;
}

sqlite3 *
testlib_open(void)
{
	char err[1024];
	sqlite3 *db;

	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0) {
		fprintf(stderr, "store: %s\n", err);
		if (db)
			sqlite3_close_v2(db);
		return NULL;
	}
	return db;
}

void
testlib_cleanup(sqlite3 *db)
{
	static const char *const tails[] = { "", "-wal", "-shm", "-journal" };
	char path[400];

	if (db)
		sqlite3_close_v2(db);
	conf_shutdown();
	when_shutdown();
	unlink(confpath);
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dbpath, tails[i]);
		unlink(path);
	}
	rmdir(dir);
}
