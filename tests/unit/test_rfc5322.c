/*
 * Unit tests for rfc5322.c: display names come out of "Name <addr>"
 * without their quotes, only addresses that cannot break a header pass,
 * header fields from outside text stay one header (folded lines start
 * with a space, no line is longer than RFC 5322 allows) and RFC 2047
 * words decode back to the text, and display names are written as an
 * atom phrase, a quoted string or encoded words.  The bare address,
 * the Date header and Message-IDs are tested in test_mail.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "hersteld/rfc5322.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Check that b holds exactly one header field: CRLF at the end, every
 * other line break followed by a space, no line over 78 characters.
 */
static void
expect_one_field(const char *b)
{
	size_t n = strlen(b);
	const char *line = b;

	assert_true(n >= 2 && strcmp(b + n - 2, "\r\n") == 0);
	for (const char *p = b; *p; p++) {
		if (*p == '\n')
			fail_msg("bare LF in %s", b);
		if (*p != '\r')
			continue;
		assert_int_equal(p[1], '\n');
		if ((size_t)(p - line) > 78)
			fail_msg("line over 78: %.*s", (int)(p - line), line);
		if (p[2] != '\0' && p[2] != ' ')
			fail_msg("a new header after a fold in %s", b);
		line = p + 2;
		p++;
	}
}

/* The text of "Name: =?utf-8?B?...?=\r\n =?utf-8?B?...?=\r\n" decoded. */
static void
decode_words(const char *field, char *out, size_t len)
{
	const char *p = strchr(field, ':') + 1;
	size_t n = 0;

	while ((p = strstr(p, "=?utf-8?B?")) != NULL) {
		const char *e = strstr(p + 10, "?=");
		unsigned char dec[128];
		int w, pad = 0;

		assert_non_null(e);
		assert_true(e - p + 2 <= 75);	/* one word: at most 75 */
		w = EVP_DecodeBlock(dec, (const unsigned char *)p + 10,
		    (int)(e - p - 10));
		assert_true(w >= 0);
		if (e[-1] == '=')
			pad++;
		if (e[-2] == '=')
			pad++;
		w -= pad;
		assert_true(n + (size_t)w < len);
		memcpy(out + n, dec, (size_t)w);
		n += (size_t)w;
		p = e + 2;
	}
	out[n] = '\0';
}

static void
test_display_name_loses_quotes_and_line_breaks(void **state)
{
	static const struct {
		const char	*in, *out;
	} cases[] = {
		{ "Herstelhuis <noreply@example.org>", "Herstelhuis" },
		{ "\"Doe, J.\" <j@example.org>", "Doe, J." },
		{ "\"Say \\\"hi\\\"\" <j@example.org>", "Say \"hi\"" },
		{ "Evil\r\nBcc: x <j@example.org>", "Evil Bcc: x" },
		{ "noreply@example.org", "" },
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		rfc5322_display_name(cases[i].in, out, sizeof(out));
		assert_string_equal(out, cases[i].out);
	}
}

static void
test_only_plain_addresses_may_stand_in_a_header(void **state)
{
	static const char *good[] = { "a@example.org", "j.doe+x@sub.example.org" };
	static const char *bad[] = { "", "a", "@example.org", "a@", "a b@x.org",
		"a@x.org>", "<a@x.org", "a,b@x.org", "a@x.org\r\nBcc: b@y.org",
		"\"a\"@x.org", "caf\xc3\xa9@x.org" };
	char big[300];

	(void)state;
	for (size_t i = 0; i < N(good); i++)
		assert_int_equal(rfc5322_addr_ok(good[i]), 1);
	for (size_t i = 0; i < N(bad); i++)
		if (rfc5322_addr_ok(bad[i]))
			fail_msg("\"%s\" passed", bad[i]);
	assert_int_equal(rfc5322_addr_ok(NULL), 0);
	memset(big, 'a', sizeof(big));
	memcpy(big + sizeof(big) - 12, "@example.org", 12);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rfc5322_addr_ok(big), 0);	/* over 254 bytes */
}

static void
test_ascii_subject_is_folded_at_spaces(void **state)
{
	struct dynbuf b = { .max = 65536 };
	char want[700];

	(void)state;
	rfc5322_put_text(&b, "Subject", "Aangemeld: Lotgenoten");
	assert_string_equal(b.p, "Subject: Aangemeld: Lotgenoten\r\n");
	b.len = 0;
	snprintf(want, sizeof(want), "%s", "word ");
	for (int i = 0; i < 30; i++)
		strcat(want, "word ");
	rfc5322_put_text(&b, "Subject", want);
	expect_one_field(b.p);
	assert_non_null(strstr(b.p, "\r\n word"));
	assert_null(strstr(b.p, "=?"));
	free(b.p);
}

static void
test_other_text_becomes_words_that_decode_back(void **state)
{
	static const char *texts[] = {
		"Afgelast: Caf\xc3\xa9 \xe2\x80\x94 di 3 dec 19:00",
		"=?utf-8?B?ZXZpbA==?= is not taken as a word",
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		" and more",
	};
	char dec[1024];

	(void)state;
	for (size_t i = 0; i < N(texts); i++) {
		struct dynbuf b = { .max = 65536 };

		rfc5322_put_text(&b, "Subject", texts[i]);
		expect_one_field(b.p);
		assert_int_equal(strncmp(b.p, "Subject: =?utf-8?B?", 19), 0);
		decode_words(b.p, dec, sizeof(dec));
		assert_string_equal(dec, texts[i]);
		free(b.p);
	}
}

static void
test_header_text_cannot_add_a_header(void **state)
{
	struct dynbuf b = { .max = 65536 };

	(void)state;
	rfc5322_put_text(&b, "Subject", "Hi\r\nBcc: victim@example.org");
	assert_string_equal(b.p, "Subject: Hi Bcc: victim@example.org\r\n");
	free(b.p);
}

static void
test_display_names_are_atoms_quoted_or_encoded(void **state)
{
	static const struct {
		const char	*name, *want;
	} cases[] = {
		{ NULL, "To: j@example.org\r\n" },
		{ "Jan Jansen", "To: Jan Jansen <j@example.org>\r\n" },
		{ "Jansen, J.", "To: \"Jansen, J.\" <j@example.org>\r\n" },
		{ "Say \"hi\"", "To: \"Say \\\"hi\\\"\" <j@example.org>\r\n" },
		{ "Jos\xc3\xa9", "To: =?utf-8?B?Sm9zw6k=?= <j@example.org>\r\n" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct dynbuf b = { .max = 65536 };

		rfc5322_put_addr(&b, "To", cases[i].name, "j@example.org");
		assert_string_equal(b.p, cases[i].want);
		free(b.p);
	}
}

static void
test_message_ids_must_be_angle_bracketed_with_a_host(void **state)
{
	(void)state;
	assert_int_equal(rfc5322_msgid_ok("<abc.1@herstel.example.org>"), 1);
	assert_int_equal(rfc5322_msgid_ok("abc@herstel.example.org"), 0);
	assert_int_equal(rfc5322_msgid_ok("<abc>"), 0);
	assert_int_equal(rfc5322_msgid_ok("<a b@x.org>"), 0);
	assert_int_equal(rfc5322_msgid_ok("<a@x.org>\r\nBcc: y@z.org"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_display_name_loses_quotes_and_line_breaks),
		cmocka_unit_test(test_only_plain_addresses_may_stand_in_a_header),
		cmocka_unit_test(test_ascii_subject_is_folded_at_spaces),
		cmocka_unit_test(test_other_text_becomes_words_that_decode_back),
		cmocka_unit_test(test_header_text_cannot_add_a_header),
		cmocka_unit_test(test_display_names_are_atoms_quoted_or_encoded),
		cmocka_unit_test(test_message_ids_must_be_angle_bracketed_with_a_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
