/*
 * Unit tests for the outbox's quiet hours (outbox_quiet), the
 * participant's wishes as written on the command line (lead times and
 * quiet hours), and delivery (outbox_deliver) into a Maildir, which runs
 * the same claiming, sending and recording as over SMTP.  Times are in Europe/Amsterdam: UTC+1 in winter, UTC+2 in
 * summer; summer time starts on 2027-03-28 (02:00 -> 03:00).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/outbox.h"
#include "hersteld/participant.h"
#include "hersteld/when.h"
#include "testlib.h"

static icaltimezone *ams;

/* A wall-clock time in Amsterdam as UTC seconds. */
static time_t
local(int y, int mo, int d, int h, int mi)
{
	struct icaltimetype t = icaltime_null_time();
	time_t out = 0;

	t.year = y;
	t.month = mo;
	t.day = d;
	t.hour = h;
	t.minute = mi;
	assert_int_equal(when_from_local(NULL, "", t, ams, &out), 0);
	return out;
}

#define Q_FROM	(21 * 60)
#define Q_TO	(8 * 60)

static void
test_quiet_outside_the_hours_is_unchanged(void **state)
{
	time_t t = local(2026, 12, 1, 12, 0);

	(void)state;
	assert_int_equal(outbox_quiet(t, 0, Q_FROM, Q_TO, ams), t);
	/* The end is not quiet any more; the start is. */
	t = local(2026, 12, 1, 8, 0);
	assert_int_equal(outbox_quiet(t, 0, Q_FROM, Q_TO, ams), t);
	t = local(2026, 12, 1, 20, 59);
	assert_int_equal(outbox_quiet(t, 0, Q_FROM, Q_TO, ams), t);
}

static void
test_quiet_evening_waits_for_the_next_morning(void **state)
{
	(void)state;
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 21, 0), 0, Q_FROM,
	    Q_TO, ams), local(2026, 12, 2, 8, 0));
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 23, 30), 0, Q_FROM,
	    Q_TO, ams), local(2026, 12, 2, 8, 0));
	/* After midnight: the same morning. */
	assert_int_equal(outbox_quiet(local(2026, 12, 2, 3, 0), 0, Q_FROM,
	    Q_TO, ams), local(2026, 12, 2, 8, 0));
}

static void
test_quiet_goes_before_when_the_event_starts_first(void **state)
{
	time_t start = local(2026, 12, 2, 7, 0);

	(void)state;
	/* A reminder at 01:00 for a 07:00 session goes at 20:59 the evening
	 * before, not at 08:00 (too late) and not at night. */
	assert_int_equal(outbox_quiet(local(2026, 12, 2, 1, 0), start, Q_FROM,
	    Q_TO, ams), local(2026, 12, 1, 20, 59));
	/* A session at 08:00 exactly: 08:00 is too late as well. */
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 22, 0),
	    local(2026, 12, 2, 8, 0), Q_FROM, Q_TO, ams),
	    local(2026, 12, 1, 20, 59));
	/* A session at 09:00: the morning will do. */
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 22, 0),
	    local(2026, 12, 2, 9, 0), Q_FROM, Q_TO, ams),
	    local(2026, 12, 2, 8, 0));
}

static void
test_quiet_hours_within_one_day(void **state)
{
	(void)state;
	/* 13:00-14:00: a lunch break. */
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 13, 30), 0, 13 * 60,
	    14 * 60, ams), local(2026, 12, 1, 14, 0));
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 12, 30), 0, 13 * 60,
	    14 * 60, ams), local(2026, 12, 1, 12, 30));
	/* None: never deferred. */
	assert_int_equal(outbox_quiet(local(2026, 12, 1, 23, 0), 0, -1, -1,
	    ams), local(2026, 12, 1, 23, 0));
}

static void
test_quiet_across_the_change_to_summer_time(void **state)
{
	(void)state;
	/* The night of 27 to 28 March 2027 is an hour shorter; 08:00 is
	 * 08:00 on the clock (06:00 UTC). */
	assert_int_equal(outbox_quiet(local(2027, 3, 28, 1, 30), 0, Q_FROM,
	    Q_TO, ams), local(2027, 3, 28, 8, 0));
	assert_int_equal(local(2027, 3, 28, 8, 0) % 86400, 6 * 3600);
}

static void
test_leads_are_parsed_and_sorted(void **state)
{
	struct fault f = { 0 };
	long leads[CONF_MAX_LEADS];
	char text[64];
	int n;

	(void)state;
	assert_int_equal(participant_parse_leads(&f, "2h,7d,1d", leads, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(leads[0], 7 * 86400);
	assert_int_equal(leads[1], 86400);
	assert_int_equal(leads[2], 7200);
	participant_leads_text(leads, n, text, sizeof(text));
	assert_string_equal(text, "7d,1d,2h");
	assert_int_equal(participant_parse_leads(&f, "none", leads, &n), 0);
	assert_int_equal(n, 0);
	participant_leads_text(leads, n, text, sizeof(text));
	assert_string_equal(text, "none");
	assert_int_equal(participant_parse_leads(&f, "1h30m", leads, &n), 0);
	participant_leads_text(leads, n, text, sizeof(text));
	assert_string_equal(text, "1h30m");
}

static void
test_leads_refuse_garbage(void **state)
{
	static const char *bad[] = { "", "7x", "1d,1d", "1d,,2h", "0m",
	    "91d", "1d,2d,3d,4d,5d,6d,7d,8d,9d" };
	long leads[CONF_MAX_LEADS];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fault f = { 0 };

		if (participant_parse_leads(&f, bad[i], leads, &n) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(f.kind, FAULT_INVALID);
		assert_non_null(strstr(f.msg, "--remind"));
	}
}

static void
test_quiet_text_is_parsed(void **state)
{
	static const char *bad[] = { "", "21:00", "21-08", "25:00-08:00",
	    "21:00-08:60", "21:00-21:00", "9:00-10:00", "21:00-08:00x" };
	struct fault f = { 0 };
	int from, to;

	(void)state;
	assert_int_equal(participant_parse_quiet(&f, "21:00-08:00", &from,
	    &to), 0);
	assert_int_equal(from, 21 * 60);
	assert_int_equal(to, 8 * 60);
	assert_int_equal(participant_parse_quiet(&f, "none", &from, &to), 0);
	assert_int_equal(from, -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fault g = { 0 };

		if (participant_parse_quiet(&g, bad[i], &from, &to) != -1)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(g.kind, FAULT_INVALID);
	}
}

/* ---- delivery ---- */

/* More than the pipeline's ring holds, so that it wraps. */
#define DELIVER_N	300

static char deliver_dir[300], deliver_conf[400], deliver_mail[400];

/* The fixture's database with a configuration delivering into maildir. */
static sqlite3 *
deliver_setup(const char *maildir)
{
	char err[1024];
	struct conf *c;
	sqlite3 *db;
	FILE *fp;

	assert_int_equal(testlib_conf(), 0);
	snprintf(deliver_dir, sizeof(deliver_dir), "%s", testlib_dbpath());
	*strrchr(deliver_dir, '/') = '\0';
	snprintf(deliver_conf, sizeof(deliver_conf), "%s/deliver.conf",
	    deliver_dir);
	snprintf(deliver_mail, sizeof(deliver_mail), "%s/%s", deliver_dir,
	    maildir);
	assert_non_null(fp = fopen(deliver_conf, "w"));
	fprintf(fp, "database = \"%s\";\ntimezone = \"Europe/Amsterdam\";\n"
	    "listen = { socket = \"%s/s\"; };\nmaildir = \"%s\";\n",
	    testlib_dbpath(), deliver_dir, deliver_mail);
	fclose(fp);
	c = conf_load(deliver_conf, err, sizeof(err));
	if (c == NULL)
		fail_msg("conf_load: %s", err);
	conf_install(c);
	assert_non_null(db = testlib_open());
	return db;
}

static void
deliver_queue(sqlite3 *db, int n)
{
	struct outbox_new m = { .kind = "reminder", .subject = "Herinnering",
	    .quiet_from = -1, .quiet_to = -1 };
	char key[32], to[64];
	struct fault f;

	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "test:%d", i);
		snprintf(to, sizeof(to), "ouder%03d@example.org", i);
		m.key = key;
		m.recipient = to;
		m.message = "Subject: Herinnering\r\n\r\nTot morgen.\r\n";
		m.due = clock_now();
		assert_int_equal(outbox_queue(db, &m, &f), 1);
	}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
}

static int
deliver_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int n;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Files in dir (removed when rm), or -1 when there is no dir. */
static int
deliver_files(const char *dir, int rm)
{
	char path[800];
	struct dirent *e;
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		n++;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (rm)
			unlink(path);
	}
	closedir(d);
	return n;
}

static void
deliver_cleanup(sqlite3 *db)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char path[500];

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", deliver_mail, subs[i]);
		deliver_files(path, 1);
		rmdir(path);
	}
	rmdir(deliver_mail);
	unlink(deliver_mail);
	unlink(deliver_conf);
	testlib_cleanup(db);
}

static void
test_deliver_sends_each_message_once_and_records_it(void **state)
{
	char path[500];
	sqlite3 *db;

	(void)state;
	db = deliver_setup("mail");
	deliver_queue(db, DELIVER_N);
	/* Nothing is left pending: no next time. */
	assert_int_equal(outbox_deliver(db), 0);
	assert_int_equal(deliver_count(db, "SELECT count(*) FROM outbox WHERE "
	    "status = 'sent' AND attempts = 1 AND message = '' AND sent > 0"),
	    DELIVER_N);
	snprintf(path, sizeof(path), "%s/new", deliver_mail);
	assert_int_equal(deliver_files(path, 0), DELIVER_N);
	deliver_cleanup(db);
}

static void
test_deliver_puts_back_what_it_did_not_try(void **state)
{
	sqlite3 *db;
	FILE *fp;
	int n;

	(void)state;
	/* A file where the Maildir should be: the first try says why. */
	db = deliver_setup("blocked");
	assert_non_null(fp = fopen(deliver_mail, "w"));
	fclose(fp);
	deliver_queue(db, DELIVER_N);
	/* Those not claimed before the failure are due still. */
	assert_true(outbox_deliver(db) <= clock_now());
	assert_int_equal(deliver_count(db, "SELECT count(*) FROM outbox WHERE "
	    "status = 'pending' AND attempts = 1 AND first_attempt > 0 AND "
	    "last_error LIKE 'maildir %: Not a directory'"), 1);
	/* The claimed rest as they were, saying why they wait. */
	n = deliver_count(db, "SELECT count(*) FROM outbox WHERE status = "
	    "'pending' AND attempts = 0 AND first_attempt IS NULL AND "
	    "next_attempt > due AND "
	    "last_error LIKE 'not tried: maildir %: Not a directory'");
	assert_true(n >= 1);
	assert_int_equal(n + deliver_count(db, "SELECT count(*) FROM outbox "
	    "WHERE status = 'pending' AND attempts = 0 AND first_attempt IS "
	    "NULL AND next_attempt = due AND last_error = ''"), DELIVER_N - 1);
	deliver_cleanup(db);
}

static int
setup(void **state)
{
	(void)state;
	ams = when_zone("Europe/Amsterdam");
	return ams ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	when_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_outside_the_hours_is_unchanged),
		cmocka_unit_test(test_quiet_evening_waits_for_the_next_morning),
		cmocka_unit_test(test_quiet_goes_before_when_the_event_starts_first),
		cmocka_unit_test(test_quiet_hours_within_one_day),
		cmocka_unit_test(test_quiet_across_the_change_to_summer_time),
		cmocka_unit_test(test_leads_are_parsed_and_sorted),
		cmocka_unit_test(test_leads_refuse_garbage),
		cmocka_unit_test(test_quiet_text_is_parsed),
		cmocka_unit_test(test_deliver_sends_each_message_once_and_records_it),
		cmocka_unit_test(test_deliver_puts_back_what_it_did_not_try),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
