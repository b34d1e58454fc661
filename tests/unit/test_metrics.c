/*
 * Unit tests for metrics.c: the exposition text as a whole, line for
 * line, from counters bumped here and an outbox in an in-memory store on
 * the pinned clock; the bounds of the HTTP labels; the health check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/log.h"
#include "hersteld/metrics.h"
#include "hersteld/proto.h"
#include "hersteld/store.h"
#include "testclock.h"

static sqlite3 *db;

static void
exec(const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	log_init(1, LOG_LVL_ERROR);
	testclock_set(TESTCLOCK_START);
	metrics_reset();
	if ((db = store_open(":memory:", err, sizeof(err))) == NULL ||
	    store_migrate(db, STORE_VERSION, err, sizeof(err)))
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	sqlite3_close(db);
	db = NULL;
	return 0;
}

static char *
render(void)
{
	struct dynbuf b = { .max = 1 << 20 };

	assert_int_equal(metrics_render(db, &b), 0);
	assert_non_null(b.p);
	return b.p;
}

/* Every line of want appears in got, in this order. */
static void
expect_lines(const char *got, const char *const *want)
{
	const char *at = got;

	for (int i = 0; want[i] != NULL; i++) {
		char line[256];
		const char *p;

		snprintf(line, sizeof(line), "%s\n", want[i]);
		if ((p = strstr(at, line)) == NULL || (p != got && p[-1] != '\n'))
			fail_msg("missing or out of order: \"%s\" in\n%s",
			    want[i], got);
		at = p + strlen(line);
	}
}

static void
test_render_writes_help_type_and_samples_of_every_figure(void **state)
{
	static const char *const want[] = {
		"# HELP hersteld_outbox_messages Messages in the outbox by "
		    "status.",
		"# TYPE hersteld_outbox_messages gauge",
		"hersteld_outbox_messages{status=\"pending\"} 2",
		"hersteld_outbox_messages{status=\"sending\"} 0",
		"hersteld_outbox_messages{status=\"sent\"} 1",
		"hersteld_outbox_messages{status=\"failed\"} 0",
		"# TYPE hersteld_outbox_oldest_pending_seconds gauge",
		"hersteld_outbox_oldest_pending_seconds 600",
		"# TYPE hersteld_mail_sent_total counter",
		"hersteld_mail_sent_total{kind=\"confirmation\"} 2",
		"hersteld_mail_sent_total{kind=\"reminder\"} 0",
		"# TYPE hersteld_mail_failed_total counter",
		"hersteld_mail_failed_total{kind=\"confirmation\"} 0",
		"hersteld_mail_failed_total{kind=\"reminder\"} 1",
		"hersteld_feed_renders_total 1",
		"hersteld_feed_cache_hits_total 2",
		"hersteld_page_renders_total 0",
		"hersteld_page_cache_hits_total 1",
		"# TYPE hersteld_http_requests_total counter",
		"hersteld_http_requests_total{class=\"api\",code=\"200\"} 2",
		"hersteld_http_requests_total{class=\"web\",code=\"404\"} 1",
		"hersteld_http_requests_total{class=\"other\",code=\"503\"} 1",
		"# TYPE hersteld_booking_refusals_total counter",
		"hersteld_booking_refusals_total 1",
		"# TYPE hersteld_database_bytes gauge",
		"# TYPE hersteld_build_info gauge",
		"hersteld_build_info{version=\"" HERSTELD_VERSION "\"} 1",
		NULL
	};
	char *text, sql[512];

	(void)state;
	/* due 10 minutes ago and may be tried; one not yet due; one sent */
	snprintf(sql, sizeof(sql), "INSERT INTO outbox (key, kind, recipient, "
	    "subject, message, due, next_attempt, created, status) VALUES "
	    "('a', 'confirmation', 'a@x', 's', 'm', %lld, %lld, 0, 'pending'),"
	    "('b', 'reminder', 'b@x', 's', 'm', %lld, %lld, 0, 'pending'),"
	    "('c', 'confirmation', 'c@x', 's', '', 0, 0, 0, 'sent')",
	    (long long)TESTCLOCK_START - 600, (long long)TESTCLOCK_START,
	    (long long)TESTCLOCK_START - 7200, (long long)TESTCLOCK_START + 60);
	exec(sql);
	metrics_count_mail("confirmation", 1);
	metrics_count_mail("confirmation", 1);
	metrics_count_mail("reminder", 0);
	metrics_count_feed(0);
	metrics_count_feed(1);
	metrics_count_feed(1);
	metrics_count_page(1);
	metrics_count_http(METRICS_API, 200);
	metrics_count_http(METRICS_API, 200);
	metrics_count_http(METRICS_WEB, 404);
	metrics_count_http(METRICS_OTHER, 503);
	metrics_count_refusal();
	text = render();
	expect_lines(text, want);
	/* HTTP pairs never seen are not written */
	assert_null(strstr(text, "class=\"feed\""));
	assert_null(strstr(text, "code=\"201\""));
	/* a database in memory has pages too */
	assert_non_null(strstr(text, "\nhersteld_database_bytes "));
	assert_null(strstr(text, "\nhersteld_database_bytes 0\n"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
}

static void
test_http_codes_out_of_range_and_bad_classes_are_not_counted(void **state)
{
	char *text;

	(void)state;
	metrics_count_http(METRICS_API, 99);
	metrics_count_http(METRICS_API, 600);
	metrics_count_http(METRICS_API, 0);
	metrics_count_http(METRICS_NCLASS, 200);
	metrics_count_http(METRICS_FEED, 100);
	metrics_count_http(METRICS_FEED, 599);
	text = render();
	assert_null(strstr(text, "class=\"api\""));
	assert_non_null(strstr(text, "hersteld_http_requests_total{class="
	    "\"feed\",code=\"100\"} 1\n"));
	assert_non_null(strstr(text, "hersteld_http_requests_total{class="
	    "\"feed\",code=\"599\"} 1\n"));
	free(text);
}

static void
test_mail_kinds_beyond_the_table_count_as_other(void **state)
{
	char kind[32], *text;

	(void)state;
	for (int i = 0; i < 20; i++) {
		snprintf(kind, sizeof(kind), "kind%d", i);
		metrics_count_mail(kind, 1);
	}
	text = render();
	assert_non_null(strstr(text, "hersteld_mail_sent_total{kind=\"kind15\"} "
	    "1\n"));
	assert_null(strstr(text, "kind=\"kind16\""));
	assert_non_null(strstr(text, "hersteld_mail_sent_total{kind=\"other\"} "
	    "4\n"));
	free(text);
}

static void
test_health_needs_a_heartbeat(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(metrics_health(db, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "mail delivery"));
	metrics_heartbeat();
	assert_int_equal(metrics_health(db, why, sizeof(why)), 0);
	assert_int_equal(metrics_health(NULL, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "database"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_render_writes_help_type_and_samples_of_every_figure,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_http_codes_out_of_range_and_bad_classes_are_not_counted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_mail_kinds_beyond_the_table_count_as_other,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_needs_a_heartbeat,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
