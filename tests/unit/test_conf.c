/*
 * Unit tests for conf.c: the shipped example loads, defaults apply, and a
 * bad file is refused with "FILE:LINE: message" naming the setting.  Each
 * case writes a small file to a temporary directory.
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

#include "hersteld/conf.h"
#include "hersteld/when.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static char	dir[] = "/tmp/hersteld-test-conf-XXXXXX";
static char	path[256];

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static int
group_setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/hersteld.conf", dir);
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	when_shutdown();
	return 0;
}

static void
write_conf(const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		fail_msg("cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
}

/* Load text; returns the conf (caller frees) or NULL with err filled. */
static struct conf *
load(const char *text, char *err, size_t errlen)
{
	write_conf(text);
	err[0] = '\0';
	return conf_load(path, err, errlen);
}

/* text must be refused with "PATH:line: ...msg...". */
static void
expect_refused(const char *text, int line, const char *msg)
{
	char err[1024], want[300];
	struct conf *c;

	if ((c = load(text, err, sizeof(err))) != NULL) {
		conf_free(c);
		fail_msg("accepted:\n%s", text);
	}
	snprintf(want, sizeof(want), "%s:%d: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\" for:\n%s", err,
		    want, text);
	expect_contains(text, err, msg);
}

static void
test_the_shipped_configuration_loads(void **state)
{
	const char *top = getenv("SRCDIR");
	char shipped[512], err[1024] = "";
	struct conf *c;

	(void)state;
	snprintf(shipped, sizeof(shipped), "%s/conf/hersteld.conf",
	    top ? top : ".");
	if ((c = conf_load(shipped, err, sizeof(err))) == NULL)
		fail_msg("conf_load(%s): %s (run from the source tree or set "
		    "SRCDIR)", shipped, err);
	assert_string_equal(c->database, "var/hersteld.db");
	assert_string_equal(c->timezone, "Europe/Amsterdam");
	assert_string_equal(c->public_url, "http://localhost:8080");
	assert_string_equal(c->uid_host, "localhost");
	assert_string_equal(c->listen_socket, "var/hersteld.sock");
	assert_string_equal(c->listen_http, "127.0.0.1:8080");
	assert_string_equal(c->http_host, "127.0.0.1");
	assert_int_equal(c->http_port, 8080);
	assert_string_equal(c->smtp_url, "");
	assert_int_equal(c->smtp_starttls, 0);
	assert_string_equal(c->maildir, "var/mail");
	assert_int_equal(c->nleads, 2);
	assert_int_equal(c->leads[0], 7 * 86400);
	assert_int_equal(c->leads[1], 86400);
	assert_int_equal(c->quiet_from, 21 * 60);
	assert_int_equal(c->quiet_to, 8 * 60);
	assert_int_equal(c->feeds_past_days, 90);
	assert_int_equal(c->feeds_future_days, 730);
	assert_int_equal(c->feeds_refresh, 3600);
	assert_int_equal(c->horizon_days, 730);
	assert_int_equal(c->retention_days, 365);
	assert_int_equal(c->log_level, LOG_LVL_INFO);
	conf_free(c);
}

static void
test_a_minimal_file_gets_the_documented_defaults(void **state)
{
	char err[1024];
	struct conf *c;

	(void)state;
	c = load("listen = { socket = \"/tmp/x.sock\"; };\n", err, sizeof(err));
	if (c == NULL)
		fail_msg("minimal file refused: %s", err);
	assert_string_equal(c->database, "var/hersteld.db");
	assert_string_equal(c->timezone, "Europe/Amsterdam");
	assert_string_equal(c->listen_http, "");
	assert_int_equal(c->nleads, 2);
	assert_int_equal(c->quiet_from, 21 * 60);
	assert_int_equal(c->feeds_refresh, 3600);
	assert_int_equal(c->retention_days, 365);
	assert_int_equal(c->log_level, LOG_LVL_INFO);
	conf_free(c);
}

static void
test_settings_are_read(void **state)
{
	char err[1024];
	struct conf *c;

	(void)state;
	c = load("database = \"/srv/h.db\";\n"
	    "timezone = \"America/New_York\";\n"
	    "public_url = \"https://agenda.example.org/\";\n"
	    "listen = { socket = \"\"; http = \"[::1]:8443\"; };\n"
	    "smtp = { url = \"smtp://127.0.0.1:2525\"; starttls = true; };\n"
	    "reminders = { lead = [ \"2d\", \"3h\", \"30m\" ]; "
	    "quiet_hours = \"22:30-07:15\"; };\n"
	    "feeds = { past_days = 0; future_days = 10; refresh = \"15m\"; };\n"
	    "bookings = { horizon_days = 3660; };\n"
	    "log_level = \"debug\";\n", err, sizeof(err));
	if (c == NULL)
		fail_msg("refused: %s", err);
	assert_string_equal(c->database, "/srv/h.db");
	assert_string_equal(c->timezone, "America/New_York");
	/* Links are built by appending paths: no trailing slash. */
	assert_string_equal(c->public_url, "https://agenda.example.org");
	assert_string_equal(c->uid_host, "agenda.example.org");
	assert_string_equal(c->http_host, "::1");
	assert_int_equal(c->http_port, 8443);
	assert_string_equal(c->smtp_url, "smtp://127.0.0.1:2525");
	assert_int_equal(c->smtp_starttls, 1);
	assert_int_equal(c->nleads, 3);
	assert_int_equal(c->leads[0], 2 * 86400);
	assert_int_equal(c->leads[1], 3 * 3600);
	assert_int_equal(c->leads[2], 30 * 60);
	assert_int_equal(c->quiet_from, 22 * 60 + 30);
	assert_int_equal(c->quiet_to, 7 * 60 + 15);
	assert_int_equal(c->feeds_past_days, 0);
	assert_int_equal(c->feeds_future_days, 10);
	assert_int_equal(c->feeds_refresh, 15 * 60);
	assert_int_equal(c->horizon_days, 3660);
	assert_int_equal(c->log_level, LOG_LVL_DEBUG);
	conf_free(c);
}

static void
test_a_syntax_error_names_file_and_line(void **state)
{
	(void)state;
	expect_refused("database = \"x.db\";\n"
	    "timezone = \"Europe/Amsterdam\";\n"
	    "listen = {\n"
	    "  socket = \"x.sock\";\n"
	    "  http = = \"127.0.0.1:8080\";\n"
	    "};\n", 5, "syntax error");
	/* An unclosed group: the error is where the file ends. */
	expect_refused("database = \"x.db\"\nlisten = {", 2, "syntax error");
}

static void
test_a_missing_file_is_named(void **state)
{
	char err[1024] = "";
	struct conf *c;

	(void)state;
	c = conf_load("/nonexistent/hersteld.conf", err, sizeof(err));
	assert_null(c);
	expect_contains("missing file", err, "/nonexistent/hersteld.conf");
}

static void
test_bad_values_are_refused_naming_their_line(void **state)
{
	static const struct {
		const char	*text;
		int		 line;
		const char	*msg;
	} cases[] = {
		/* time zone */
		{ "database = \"x.db\";\ntimezone = \"Mars/Olympus\";\n", 2,
		    "unknown time zone \"Mars/Olympus\"" },
		{ "database = \"x.db\";\n\ntimezone = \"europe/amsterdam\";\n", 3,
		    "unknown time zone" },
		{ "timezone = \"\";\n", 1, "unknown time zone" },
		{ "timezone = 5;\n", 1, "timezone must be a string" },
		/* listen.http */
		{ "listen = {\n socket = \"s\";\n http = \"127.0.0.1\";\n};\n", 3,
		    "listen.http must be HOST:PORT" },
		{ "listen = {\n socket = \"s\";\n http = \":8080\";\n};\n", 3,
		    "listen.http must be HOST:PORT" },
		{ "listen = {\n socket = \"s\";\n http = \"127.0.0.1:99999\";\n};\n", 3,
		    "listen.http: bad port" },
		{ "listen = {\n socket = \"s\";\n http = \"127.0.0.1:http\";\n};\n", 3,
		    "listen.http: bad port" },
		{ "listen = {\n socket = \"s\";\n http = \"127.0.0.1:-1\";\n};\n", 3,
		    "listen.http: bad port" },
		{ "listen = {\n socket = \"s\";\n http = \"[::1:8080\";\n};\n", 3,
		    "listen.http: bad IPv6 address" },
		{ "listen = {\n socket = \"s\";\n http = 8080;\n};\n", 3,
		    "listen.http must be a string" },
		/* reminders.quiet_hours */
		{ "reminders = {\n quiet_hours = \"21-08\";\n};\n", 2,
		    "reminders.quiet_hours must look like \"21:00-08:00\"" },
		{ "reminders = {\n quiet_hours = \"25:00-08:00\";\n};\n", 2,
		    "reminders.quiet_hours" },
		{ "reminders = {\n quiet_hours = \"21:00-08:60\";\n};\n", 2,
		    "reminders.quiet_hours" },
		{ "reminders = {\n quiet_hours = \"21:00\";\n};\n", 2,
		    "reminders.quiet_hours" },
		{ "reminders = {\n quiet_hours = \"\";\n};\n", 2,
		    "reminders.quiet_hours" },
		{ "reminders = {\n quiet_hours = 2100;\n};\n", 2,
		    "reminders.quiet_hours" },
		/* log_level */
		{ "log_level = \"verbose\";\n", 1,
		    "log_level must be one of error, warn, info, debug" },
		{ "\nlog_level = 3;\n", 2, "log_level must be one of" },
		/* everything else */
		{ "database = 5;\n", 1, "database must be a string" },
		{ "database = \"\";\n", 1, "database must not be empty" },
		{ "\nlisten = { socket = \"\"; http = \"\"; };\n", 2,
		    "give a socket, an http address, or both" },
		{ "public_url = \"ftp://example.org\";\n", 1,
		    "public_url must start with http:// or https://" },
		{ "public_url = \"example.org\";\n", 1, "public_url must start" },
		{ "public_url = \"http://\";\n", 1, "public_url has no host" },
		{ "smtp = {\n url = \"http://mail\";\n};\n", 2,
		    "smtp.url must start with smtp:// or smtps://" },
		{ "smtp = {\n starttls = \"yes\";\n};\n", 2,
		    "smtp.starttls must be true or false" },
		{ "reminders = {\n lead = \"7d\";\n};\n", 2,
		    "reminders.lead must be a list" },
		{ "reminders = {\n lead = [ \"7d\", \"0m\" ];\n};\n", 2,
		    "longer than zero" },
		{ "reminders = {\n lead = [ \"7x\" ];\n};\n", 2, "not a duration" },
		{ "reminders = {\n lead = [ \"91d\" ];\n};\n", 2, "too long" },
		{ "reminders = {\n lead = [ \"1d\", \"2d\", \"3d\", \"4d\", "
		    "\"5d\", \"6d\", \"7d\", \"8d\", \"9d\" ];\n};\n", 2,
		    "at most 8 lead times" },
		{ "feeds = {\n refresh = \"8d\";\n};\n", 2, "too long" },
		{ "feeds = {\n refresh = 60;\n};\n", 2, "feeds.refresh" },
		{ "feeds = {\n past_days = \"90\";\n};\n", 2, "feeds.past_days" },
		{ "bookings = {\n horizon_days = 1.5;\n};\n", 2,
		    "bookings.horizon_days" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		expect_refused(cases[i].text, cases[i].line, cases[i].msg);
}

/* A value of the right type but out of range is reported on its line. */
static void
test_out_of_range_numbers_name_their_line(void **state)
{
	(void)state;
	expect_refused("database = \"x.db\";\nfeeds = { past_days = -1; };\n",
	    2, "feeds.past_days");
	expect_refused("database = \"x.db\";\nfeeds = { future_days = 0; };\n",
	    2, "feeds.future_days");
	expect_refused("database = \"x.db\";\nbookings = { horizon_days = 0; };\n",
	    2, "bookings.horizon_days");
	expect_refused("database = \"x.db\";\nbookings = { horizon_days = 5000; };\n",
	    2, "bookings.horizon_days");
	expect_refused("database = \"x.db\";\nretention = { days = 0; };\n",
	    2, "retention.days");
	expect_refused("database = \"x.db\";\nretention = { days = 36501; };\n",
	    2, "retention.days");
	expect_refused("database = \"x.db\";\nretention = {\n days = \"1y\";\n};\n",
	    3, "retention.days");
}

/*
 * Regression (daemon/conf.c, listen.http): once, "HOST:" with no port is accepted as
 * port 0 (strtol of "" leaves end at the terminator), so the daemon listens
 * on a random port instead of refusing the file.  Reproduce:
 *   printf 'database = "x.db";\nlisten = { socket = "s"; http = "127.0.0.1:"; };\n' > t.conf
 *   daemon/hersteld -n -c t.conf   -> "configuration t.conf OK", exit 0
 */
static void
test_listen_http_without_a_port_is_refused(void **state)
{
	(void)state;
	expect_refused("listen = {\n socket = \"s\";\n http = \"127.0.0.1:\";\n};\n",
	    3, "listen.http");
}

/* "21:00-08:001" must not be read as 21:00-08:00. */
static void
test_quiet_hours_with_trailing_text_are_refused(void **state)
{
	(void)state;
	expect_refused("reminders = {\n quiet_hours = \"21:00-08:00junk\";\n};\n",
	    2, "reminders.quiet_hours");
	expect_refused("reminders = {\n quiet_hours = \"21:00-08:001\";\n};\n",
	    2, "reminders.quiet_hours");
}

static void
test_install_and_current(void **state)
{
	char err[1024];
	struct conf *a, *b;

	(void)state;
	a = load("timezone = \"Europe/Amsterdam\";\n", err, sizeof(err));
	b = load("timezone = \"America/New_York\";\n", err, sizeof(err));
	assert_non_null(a);
	assert_non_null(b);
	conf_install(a);
	assert_ptr_equal(conf_current(), a);
	/* A reload swaps; the old one stays valid until shutdown. */
	conf_install(b);
	assert_ptr_equal(conf_current(), b);
	assert_string_equal(a->timezone, "Europe/Amsterdam");
	conf_shutdown();
	assert_null(conf_current());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_shipped_configuration_loads),
		cmocka_unit_test(test_a_minimal_file_gets_the_documented_defaults),
		cmocka_unit_test(test_settings_are_read),
		cmocka_unit_test(test_a_syntax_error_names_file_and_line),
		cmocka_unit_test(test_a_missing_file_is_named),
		cmocka_unit_test(test_bad_values_are_refused_naming_their_line),
		cmocka_unit_test(test_out_of_range_numbers_name_their_line),
		cmocka_unit_test(test_listen_http_without_a_port_is_refused),
		cmocka_unit_test(test_quiet_hours_with_trailing_text_are_refused),
		cmocka_unit_test(test_install_and_current),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
