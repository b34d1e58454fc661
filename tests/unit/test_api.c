/*
 * Unit tests for the API's router (api_route.c): every route table is
 * well formed, and api_handle refuses an unknown path (404), a method the
 * path does not take (405) and a role the route does not admit (403)
 * before any handler runs.  Calls go through api_handle with a made-up
 * caller against a temporary database.
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

#include "hersteld/api.h"
#include "hersteld/conf.h"
#include "hersteld/log.h"
#include "hersteld/store.h"
#include "hersteld/when.h"
#include "testlib.h"


static const struct principal admin = { .role = ROLE_ADMIN, .name = "admin" };
static const struct principal organizer = { .role = ROLE_ORGANIZER,
    .group_id = 1, .name = "organizer" };
static const struct principal manager = { .role = ROLE_LOCATION_MANAGER,
    .location_id = 1, .name = "manager" };

static const char *
no_query(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return NULL;
}

/* Call the API; the answer's status, with its error code in code. */
static unsigned int
call(const struct principal *who, const char *method, const char *path,
    const char *body, char *code, size_t codelen)
{
	struct api_resp resp;
	const char *c = NULL;
	unsigned int status;

	api_handle(method, path, body, body ? strlen(body) : 0, who, no_query,
	    NULL, &resp);
	json_unpack(resp.json, "{s:{s:s}}", "error", "code", &c);
	snprintf(code, codelen, "%s", c ? c : "");
	status = resp.status;
	json_decref(resp.json);
	return status;
}

static long
count(const char *sql)
{
	long n = store_count(store_db(), sql, 0);

	assert_true(n >= 0);
	return n;
}

/* Split a pattern into segments (in buf) as api_handle splits a path. */
static int
split(const char *pattern, char *buf, size_t len, char **seg)
{
	int n = 0;
	char *p;

	snprintf(buf, len, "%s", pattern);
	for (p = strtok(buf, "/"); p != NULL && n < 8; p = strtok(NULL, "/"))
		seg[n++] = p;
	return n;
}

/* Literal segments: lower-case letters, digits and '-'; ":name" a word. */
static int
well_formed(const char *pattern)
{
	const char *p = pattern;
	int nseg = 0;

	if (*p == ':' || *p == '\0')
		return 0;	/* the noun is literal */
	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 0 || ++nseg > 8)
			return 0;
		for (size_t i = *p == ':' ? 1 : 0; i < n; i++)
			if (!(p[i] >= 'a' && p[i] <= 'z') &&
			    !(p[i] >= '0' && p[i] <= '9') && p[i] != '-')
				return 0;
		if (*p == ':' && n == 1)
			return 0;
		p += n;
		if (*p == '/' && *++p == '\0')
			return 0;	/* a trailing '/' */
	}
	return 1;
}

static void
test_route_tables_are_well_formed(void **state)
{
	static const char *const methods[] = { "GET", "POST", "PATCH",
	    "DELETE" };
	const struct api_route *all[200];
	size_t n = 0, tables = 0;

	(void)state;
	for (size_t t = 0; api_route_tables[t] != NULL; t++, tables++)
		for (const struct api_route *rt = api_route_tables[t];
		    rt->method != NULL; rt++) {
			int known = 0;

			for (size_t m = 0; m < 4; m++)
				known |= strcmp(rt->method, methods[m]) == 0;
			if (!known)
				fail_msg("%s %s: unknown method", rt->method,
				    rt->pattern);
			if (rt->pattern == NULL || !well_formed(rt->pattern))
				fail_msg("%s %s: bad pattern", rt->method,
				    rt->pattern ? rt->pattern : "(null)");
			if (rt->fn == NULL)
				fail_msg("%s %s: no handler", rt->method,
				    rt->pattern);
			if (rt->roles == 0 || (rt->roles & ~API_ANYONE) != 0)
				fail_msg("%s %s: bad roles %#x", rt->method,
				    rt->pattern, rt->roles);
			/* The default 403 message speaks of the admin only. */
			if (rt->roles != API_ANYONE && rt->roles != API_ADMIN &&
			    rt->denied == NULL)
				fail_msg("%s %s: no message for the roles "
				    "refused", rt->method, rt->pattern);
			assert_true(n < sizeof(all) / sizeof(all[0]));
			all[n++] = rt;
		}
	assert_int_equal(tables, 13);
	/*
	 * No route hides another: an earlier route of the same method whose
	 * pattern takes a later one's path would always win (this also
	 * finds a method and pattern given twice).
	 */
	for (size_t j = 0; j < n; j++) {
		char buf[256], *seg[8];
		int nseg = split(all[j]->pattern, buf, sizeof(buf), seg);

		for (size_t i = 0; i < j; i++)
			if (strcmp(all[i]->method, all[j]->method) == 0 &&
			    api_route_match(all[i]->pattern, seg, nseg))
				fail_msg("%s %s is hidden by %s", all[j]->method,
				    all[j]->pattern, all[i]->pattern);
	}
}

static void
test_pattern_matches_segment_by_segment(void **state)
{
	char a[] = "events", b[] = "12", c[] = "register", d[] = "x";
	char *path[] = { a, b, c, d };

	(void)state;
	assert_true(api_route_match("events", path, 1));
	assert_true(api_route_match("events/:id", path, 2));
	assert_true(api_route_match("events/:id/register", path, 3));
	assert_true(api_route_match(":noun/:id/:verb", path, 3));
	assert_false(api_route_match("events", path, 2));
	assert_false(api_route_match("events/:id", path, 1));
	assert_false(api_route_match("events/:id", path, 3));
	assert_false(api_route_match("events/:id/cancel", path, 3));
	assert_false(api_route_match("event/:id", path, 2));
	assert_false(api_route_match("eventsx", path, 1));
	assert_false(api_route_match("events/:id/register", path, 4));
}

static void
test_unknown_path_is_404(void **state)
{
	static const char *const paths[] = { "nope", "events/1/nope",
	    "locations/x/y/z", "outbox/1/retry/now", "a/b/c/d/e/f/g/h/i",
	    "events//1", "events/" };
	char code[32];

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(call(&admin, "GET", paths[i], NULL, code,
		    sizeof(code)), 404);
		assert_string_equal(code, "not_found");
	}
	/* Even for a caller no route of the noun admits. */
	assert_int_equal(call(&manager, "GET", "tokens/1/x", NULL, code,
	    sizeof(code)), 404);
}

static void
test_known_path_with_a_wrong_method_is_405(void **state)
{
	static const char *const calls[][2] = { { "PUT", "locations" },
	    { "DELETE", "events" }, { "GET", "outbox/1/retry" },
	    { "PATCH", "tokens/1" }, { "POST", "events/1" } };
	char code[32];
	long before = count("SELECT count(*) FROM audit");

	(void)state;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		assert_int_equal(call(&admin, calls[i][0], calls[i][1],
		    "{\"slug\": \"x\", \"name\": \"X\"}", code, sizeof(code)),
		    405);
		assert_string_equal(code, "method");
	}
	/* The method is wrong for every role: 405 before the role. */
	assert_int_equal(call(&organizer, "PUT", "tokens", NULL, code,
	    sizeof(code)), 405);
	assert_int_equal(count("SELECT count(*) FROM audit"), before);
}

static void
test_a_role_the_route_does_not_admit_is_403(void **state)
{
	static const struct {
		const struct principal	*who;
		const char		*method, *path, *body;
	} calls[] = {
		{ &organizer, "GET", "tokens", NULL },
		{ &organizer, "POST", "tokens",
		    "{\"role\": \"admin\", \"name\": \"x\"}" },
		{ &organizer, "POST", "locations",
		    "{\"slug\": \"x\", \"name\": \"X\"}" },
		{ &organizer, "GET", "participants", NULL },
		{ &organizer, "GET", "audit", NULL },
		{ &organizer, "GET", "reports/rooms", NULL },
		{ &manager, "POST", "events", "{}" },
		{ &manager, "POST", "import", "{\"ics\": \"\"}" },
		{ &manager, "GET", "signals", NULL },
		{ &manager, "GET", "outbox/1", NULL },
	};
	char code[32];
	long before = count("SELECT count(*) FROM audit");

	(void)state;
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		if (call(calls[i].who, calls[i].method, calls[i].path,
		    calls[i].body, code, sizeof(code)) != 403)
			fail_msg("%s %s was not refused", calls[i].method,
			    calls[i].path);
		assert_string_equal(code, "forbidden");
	}
	assert_int_equal(count("SELECT count(*) FROM audit"), before);
	assert_int_equal(count("SELECT count(*) FROM token"), 0);
	assert_int_equal(count("SELECT count(*) FROM location"), 0);
}

static void
test_an_admitted_call_reaches_its_handler(void **state)
{
	char code[32];

	(void)state;
	assert_int_equal(call(&admin, "GET", "", NULL, code, sizeof(code)),
	    200);
	assert_int_equal(call(&admin, "GET", "tokens", NULL, code,
	    sizeof(code)), 200);
	assert_int_equal(call(&organizer, "GET", "locations", NULL, code,
	    sizeof(code)), 200);
	/* The handler's own answers: an unknown object, a bad body. */
	assert_int_equal(call(&manager, "GET", "locations/nowhere", NULL,
	    code, sizeof(code)), 404);
	assert_string_equal(code, "not_found");
	assert_int_equal(call(&admin, "GET", "closures/abc", NULL, code,
	    sizeof(code)), 404);
	assert_int_equal(call(&admin, "POST", "groups", "{\"slug\": 1}", code,
	    sizeof(code)), 422);
	assert_int_equal(call(&admin, "POST", "groups", "{", code,
	    sizeof(code)), 400);
	assert_string_equal(code, "bad_json");
}

static int
setup(void **state)
{
	char err[1024];

	(void)state;
	if (testlib_conf())
		return -1;
	/* store_init migrates; store_db() then opens this thread's own. */
	if (store_init(testlib_dbpath(), err, sizeof(err)) != 0 ||
	    store_db() == NULL) {
		fprintf(stderr, "store: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	store_shutdown();
	testlib_cleanup(NULL);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_tables_are_well_formed),
		cmocka_unit_test(test_pattern_matches_segment_by_segment),
		cmocka_unit_test(test_unknown_path_is_404),
		cmocka_unit_test(test_known_path_with_a_wrong_method_is_405),
		cmocka_unit_test(test_a_role_the_route_does_not_admit_is_403),
		cmocka_unit_test(test_an_admitted_call_reaches_its_handler),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
