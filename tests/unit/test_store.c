/*
 * Unit tests for store.c: migrations (an old database is upgraded in one
 * transaction and keeps its rows; a newer one is refused), the pragmas of
 * a connection, and the transaction and audit helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hersteld/log.h"
#include "hersteld/store.h"

static char	dir[] = "/tmp/hersteld-test-store-XXXXXX";
static char	dbpath[256];

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static void
remove_db(void)
{
	char path[300];

	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
}

static int
group_setup(void **state)
{
	(void)state;
	log_init(1, LOG_LVL_ERROR);	/* the failure cases log warnings */
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/test.db", dir);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	remove_db();
	rmdir(dir);
	return 0;
}

static int
fresh(void **state)
{
	(void)state;
	remove_db();
	return 0;
}

/* One integer from a query (for PRAGMAs and counts). */
static long
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fail_msg("%s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
	}
}

static int
table_exists(sqlite3 *db, const char *name)
{
	char sql[200];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name = '%s'", name);
	return query_int(db, sql) == 1;
}

static void
test_store_open_sets_wal_and_foreign_keys(void **state)
{
	char err[512] = "";
	sqlite3 *db;

	(void)state;
	db = store_open(dbpath, err, sizeof(err));
	if (db == NULL)
		fail_msg("store_open: %s", err);
	assert_int_equal(query_int(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(db, "PRAGMA synchronous"), 2);	/* FULL */
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode",
		    -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
		sqlite3_finalize(st);
	}
	sqlite3_close_v2(db);
}

static void
test_store_open_reports_an_unusable_path(void **state)
{
	char err[512] = "";
	sqlite3 *db;

	(void)state;
	db = store_open("/nonexistent-dir/hersteld/x.db", err, sizeof(err));
	assert_null(db);
	expect_contains("store_open error", err, "/nonexistent-dir/hersteld/x.db");
}

static void
test_store_init_upgrades_version_1_and_keeps_rows(void **state)
{
	char err[512] = "";
	sqlite3 *db;

	(void)state;
	/* Build a version-1 database, as a release of that schema left it. */
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, 1, err, sizeof(err)) != 0)
		fail_msg("building a version 1 database: %s", err);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
	assert_false(table_exists(db, "audit"));
	exec(db, "INSERT INTO location (slug, name, timezone, created, modified) "
	    "VALUES ('herstelhuis', 'Herstelhuis', 'Europe/Amsterdam', 1, 1)");
	sqlite3_close_v2(db);

	if (store_init(dbpath, err, sizeof(err)) != 0)
		fail_msg("store_init: %s", err);
	db = store_db();
	assert_non_null(db);
	assert_int_equal(query_int(db, "PRAGMA user_version"), STORE_VERSION);
	assert_true(table_exists(db, "audit"));
	assert_int_equal(query_int(db, "SELECT count(*) FROM location WHERE "
	    "slug = 'herstelhuis' AND name = 'Herstelhuis'"), 1);
	store_shutdown();
}

static void
test_store_init_creates_a_new_database_at_the_current_version(void **state)
{
	char err[512] = "";
	sqlite3 *db;

	(void)state;
	if (store_init(dbpath, err, sizeof(err)) != 0)
		fail_msg("store_init: %s", err);
	db = store_db();
	assert_int_equal(query_int(db, "PRAGMA user_version"), STORE_VERSION);
	assert_true(table_exists(db, "location"));
	assert_true(table_exists(db, "room"));
	assert_true(table_exists(db, "closure"));
	assert_true(table_exists(db, "audit"));
	store_shutdown();

	/* Opening it again is a no-op. */
	if (store_init(dbpath, err, sizeof(err)) != 0)
		fail_msg("store_init again: %s", err);
	assert_int_equal(query_int(store_db(), "PRAGMA user_version"),
	    STORE_VERSION);
	store_shutdown();
}

static void
test_store_init_refuses_a_newer_schema(void **state)
{
	char err[512] = "";
	sqlite3 *db;

	(void)state;
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	exec(db, "PRAGMA user_version = 99");
	sqlite3_close(db);

	assert_int_equal(store_init(dbpath, err, sizeof(err)), -1);
	expect_contains("newer schema", err, "newer");
	expect_contains("newer schema", err, "99");

	/* And it left the database alone. */
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(query_int(db, "PRAGMA user_version"), 99);
	assert_false(table_exists(db, "location"));
	sqlite3_close(db);
}

static void
test_store_init_refuses_a_file_that_is_not_a_database(void **state)
{
	char err[512] = "";
	FILE *fp;

	(void)state;
	assert_non_null(fp = fopen(dbpath, "w"));
	fputs("this is not an SQLite database, just some text that is long "
	    "enough to fill a header and then some more text.\n", fp);
	fclose(fp);
	assert_int_equal(store_init(dbpath, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
}

static void
test_store_migrate_is_one_transaction(void **state)
{
	char err[512] = "";
	sqlite3 *db;

	(void)state;
	/*
	 * An empty database where step 1 -> 2 cannot run (audit exists): step
	 * 0 -> 1 must be rolled back with it.
	 */
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL)
		fail_msg("store_open: %s", err);
	exec(db, "CREATE TABLE audit (x)");
	assert_int_equal(store_migrate(db, STORE_VERSION, err, sizeof(err)), -1);
	expect_contains("failed upgrade", err, "schema upgrade failed");
	assert_int_equal(query_int(db, "PRAGMA user_version"), 0);
	assert_false(table_exists(db, "location"));
	assert_true(sqlite3_get_autocommit(db));
	sqlite3_close_v2(db);
}

static void
test_store_commit_bumps_the_generation_and_rollback_does_not(void **state)
{
	char err[512] = "";
	sqlite3 *db;
	uint64_t g0, g1;

	(void)state;
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0)
		fail_msg("store: %s", err);
	g0 = store_generation();
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_audit(db, "tester", "location.add", "herstelhuis",
	    NULL), 0);
	store_rollback(db);
	assert_true(store_generation() == g0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit"), 0);

	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_audit(db, "tester", "location.add", "herstelhuis",
	    "Herstelhuis"), 0);
	assert_int_equal(store_commit(db), 0);
	g1 = store_generation();
	assert_true(g1 == g0 + 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE "
	    "actor = 'tester' AND action = 'location.add' AND object = "
	    "'herstelhuis' AND detail = 'Herstelhuis'"), 1);
	/* Rolling back outside a transaction is harmless. */
	store_rollback(db);
	sqlite3_close_v2(db);
}

static void
test_store_count_and_exec_id_bind_their_argument(void **state)
{
	char err[512] = "";
	sqlite3 *db;
	sqlite3_stmt *st;

	(void)state;
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0)
		fail_msg("store: %s", err);
	exec(db, "INSERT INTO location (id, slug, name, timezone, created, "
	    "modified) VALUES (7, 'a', 'A', 'UTC', 1, 1), (8, 'b', 'B', 'UTC', 1, 1)");
	assert_int_equal(store_count(db, "SELECT count(*) FROM location WHERE "
	    "id >= ?1", 8), 1);
	assert_int_equal(store_exec_id(db, "DELETE FROM location WHERE id = ?1", 7), 0);
	assert_int_equal(store_count(db, "SELECT count(*) FROM location WHERE "
	    "id > ?1", 0), 1);
	assert_int_equal(store_count(db, "SELECT nonsense FROM nowhere", 0), -1);
	assert_int_equal(store_exec_id(db, "DELETE FROM nowhere WHERE id = ?1", 1), -1);

	/* store_text gives "" for NULL; store_bind_text binds NULL for NULL. */
	assert_non_null(st = store_prepare(db, "SELECT ?1, ?2"));
	store_bind_text(st, 1, NULL);
	store_bind_text(st, 2, "x");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(st, 0), SQLITE_NULL);
	assert_string_equal(store_text(st, 0), "");
	assert_string_equal(store_text(st, 1), "x");
	sqlite3_finalize(st);
	assert_null(store_prepare(db, "SELEC 1"));
	sqlite3_close_v2(db);
}

static void
test_store_enforces_foreign_keys(void **state)
{
	char err[512] = "";
	sqlite3 *db;
	char *msg = NULL;

	(void)state;
	if ((db = store_open(dbpath, err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)) != 0)
		fail_msg("store: %s", err);
	assert_int_not_equal(sqlite3_exec(db, "INSERT INTO room (location_id, "
	    "slug, name, capacity, created, modified) VALUES (42, 'z', 'Z', 5, "
	    "1, 1)", NULL, NULL, &msg), SQLITE_OK);
	sqlite3_free(msg);
	sqlite3_close_v2(db);
}

#define T(fn)	cmocka_unit_test_setup_teardown(fn, fresh, NULL)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_store_open_sets_wal_and_foreign_keys),
		T(test_store_open_reports_an_unusable_path),
		T(test_store_init_upgrades_version_1_and_keeps_rows),
		T(test_store_init_creates_a_new_database_at_the_current_version),
		T(test_store_init_refuses_a_newer_schema),
		T(test_store_init_refuses_a_file_that_is_not_a_database),
		T(test_store_migrate_is_one_transaction),
		T(test_store_commit_bumps_the_generation_and_rollback_does_not),
		T(test_store_count_and_exec_id_bind_their_argument),
		T(test_store_enforces_foreign_keys),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
