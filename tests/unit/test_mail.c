/*
 * Unit tests for mail.c and the Maildir side of smtp.c: every kind of
 * message in Dutch and English names what, when (in words, in the
 * place's zone) and where; composed messages are CRLF throughout, carry
 * each header once, keep outside text inside its header (RFC 2047 words
 * that decode back), carry the iCalendar part for iMIP, and refuse
 * addresses that could break out.  Maildir delivery writes into tmp/ and
 * renames into new/.  Sending over SMTP is tested end to end against a
 * real server, not here.
 *
 * 2026-12-03 is a Thursday; Amsterdam is UTC+1 then and UTC+2 on
 * 2026-07-01.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/mail.h"
#include "hersteld/mail_text.h"
#include "hersteld/rfc5322.h"
#include "hersteld/smtp.h"
#include "hersteld/when.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

#define TITLE	"Erkenning en herstel"
#define ICS	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\n" \
		"PRODID:-//hersteld//test//NL\r\nBEGIN:VEVENT\r\n" \
		"UID:abc@example.org\r\nSUMMARY:Erkenning en herstel\r\n" \
		"END:VEVENT\r\nEND:VCALENDAR\r\n"

static icaltimezone	*ams;

static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi };

	return timegm(&tm);
}

static void
expect_contains(const char *what, const char *hay, const char *needle)
{
	if (hay == NULL || strstr(hay, needle) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what,
		    hay ? hay : "(null)", needle);
}

static void
expect_lacks(const char *what, const char *hay, const char *needle)
{
	if (hay != NULL && strstr(hay, needle) != NULL)
		fail_msg("%s: \"%s\" contains \"%s\"", what, hay, needle);
}

static int
setup(void **state)
{
	(void)state;
	ams = when_zone("Europe/Amsterdam");
	return ams == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	when_shutdown();
	return 0;
}

/* Facts for one Thursday evening session in the Herstelhuis. */
static struct mail_facts
facts(enum mail_kind kind, const char *lang)
{
	struct mail_facts f = {
		.kind = kind, .lang = lang, .name = "Fatima", .title = TITLE,
		.kind_name = "themabijeenkomst",
		.start = utc(2026, 12, 3, 18, 0), .end = utc(2026, 12, 3, 20, 0),
		.zone = ams, .where = "Herstelhuis, Grote zaal",
		.group = "Lotgenoten Zuidoost", .lead = 86400,
		.manage_url = "https://herstel.example.org/feeds/personal/k.ics",
		.unsubscribe_url = "https://herstel.example.org/afmelden/k",
		.room = "Herstelhuis, Grote zaal", .occurrences = 1,
	};

	return f;
}

/* ---- helpers for composed messages ---- */

/* base64 text (line ends ignored) into a new NUL-terminated string. */
static char *
unbase64(const char *s, size_t n, size_t *outlen)
{
	char *clean = malloc(n + 1), *out;
	size_t k = 0;
	int len;

	assert_non_null(clean);
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			clean[k++] = s[i];
	assert_int_equal(k % 4, 0);
	out = malloc(k / 4 * 3 + 1);
	assert_non_null(out);
	len = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)clean,
	    (int)k);
	assert_true(len >= 0);
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (k >= 1 && clean[k - 1] == '=')
		len--;
	if (k >= 2 && clean[k - 2] == '=')
		len--;
	out[len] = '\0';
	free(clean);
	if (outlen)
		*outlen = (size_t)len;
	return out;
}

/* The header block (up to and with the first CRLFCRLF) as a new string. */
static char *
headers_of(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");

	assert_non_null(end);
	return strndup(msg, (size_t)(end - msg) + 2);
}

/* How many header lines start with "name:" (case-insensitive). */
static int
count_header(const char *hdrs, const char *name)
{
	size_t n = strlen(name);
	int count = 0;

	for (const char *p = hdrs; p && *p; ) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			count++;
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	return count;
}

/* The unfolded value of a header, as a new string. */
static char *
header_value(const char *hdrs, const char *name)
{
	size_t n = strlen(name);
	const char *p = hdrs;
	char *out, *o;

	while (p && *p) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			break;
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	if (p == NULL || *p == '\0')
		return NULL;
	p += n + 1;
	while (*p == ' ')
		p++;
	out = o = malloc(strlen(p) + 1);
	assert_non_null(out);
	while (*p) {
		if (p[0] == '\r' && p[1] == '\n') {
			if (p[2] != ' ' && p[2] != '\t')
				break;
			p += 2;		/* unfold: keep the space */
			continue;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return out;
}

/*
 * Decode a header value made of RFC 2047 "B" words in UTF-8 (white space
 * between two words is dropped) and plain text.
 */
static char *
decode_words(const char *v)
{
	char *out = calloc(1, strlen(v) + 1);
	int last_word = 0;

	assert_non_null(out);
	while (*v) {
		if (strncasecmp(v, "=?utf-8?B?", 10) == 0) {
			const char *e = strstr(v + 10, "?=");
			char *dec;

			assert_non_null(e);
			assert_true(e - v + 2 <= 75);
			dec = unbase64(v + 10, (size_t)(e - v - 10), NULL);
			strcat(out, dec);
			free(dec);
			v = e + 2;
			last_word = 1;
			continue;
		}
		if (*v == ' ' && last_word) {
			const char *q = v;

			while (*q == ' ')
				q++;
			if (strncasecmp(q, "=?utf-8?B?", 10) == 0) {
				v = q;
				continue;
			}
		}
		strncat(out, v, 1);
		last_word = 0;
		v++;
	}
	return out;
}

static void
expect_crlf_only(const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r'))
			fail_msg("bare LF at byte %zu", i);
		if (msg[i] == '\r' && (i + 1 >= len || msg[i + 1] != '\n'))
			fail_msg("bare CR at byte %zu", i);
	}
}

static void
expect_short_lines(const char *msg, size_t max)
{
	const char *p = msg;

	while (*p) {
		const char *e = strstr(p, "\r\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n > max)
			fail_msg("line of %zu characters: %.*s", n, (int)n, p);
		p += n + (e ? 2 : 0);
	}
}

/* The decoded body of the part with this Content-Type start. */
static char *
part_body(const char *msg, const char *ctype, char *full_ctype, size_t fl)
{
	const char *p = strstr(msg, ctype), *s, *e;
	size_t n;

	if (p == NULL)
		return NULL;
	e = strstr(p, "\r\n");
	n = (size_t)(e - p);
	if (full_ctype) {
		snprintf(full_ctype, fl, "%.*s", (int)n, p);
	}
	s = strstr(p, "\r\n\r\n");
	assert_non_null(s);
	s += 4;
	e = strstr(s, "\r\n--");
	if (e == NULL)
		e = s + strlen(s);
	return unbase64(s, (size_t)(e - s), NULL);
}

static char *
compose(const struct mail_envelope *env, const char *subject,
    const char *body, size_t *len)
{
	struct fault f = { 0 };
	char *out = NULL;
	size_t n = 0;

	if (mail_compose(env, subject, body, &out, &n, &f) != 0)
		fail_msg("mail_compose: %s", f.msg);
	assert_int_equal(strlen(out), n);
	if (len)
		*len = n;
	return out;
}

static struct mail_envelope
envelope(void)
{
	struct mail_envelope e = {
		.from = "Herstelhuis Zuidoost <noreply@herstel.example.org>",
		.to = "fatima@example.org", .to_name = "Fatima",
		.reply_to = "lotgenoten@example.org",
		.message_id = "<0123456789abcdef.1796320800@herstel.example.org>",
		.unsubscribe_url = "https://herstel.example.org/afmelden/k",
	};

	return e;
}

/* ---- texts ---- */

static void
test_every_kind_in_both_languages_names_title_and_date(void **state)
{
	static const char *const langs[] = { "nl", "en" };
	static const char *const dates[] = { "donderdag 3 december 2026, "
	    "19:00\u201321:00", "Thursday 3 December 2026, 19:00\u201321:00" };
	static const char *const shorts[] = { "do 3 dec", "Thu 3 Dec" };

	(void)state;
	for (size_t l = 0; l < N(langs); l++)
		for (int k = MAIL_CONFIRMATION; k <= MAIL_KIND_LAST; k++) {
			struct mail_facts f = facts(k, langs[l]);
			char *subject = NULL, *body = NULL, what[64];

			snprintf(what, sizeof(what), "kind %d in %s", k,
			    langs[l]);
			assert_int_equal(mail_text(&f, &subject, &body), 0);
			assert_true(strlen(subject) > 0 && strlen(body) > 0);
			expect_contains(what, body, TITLE);
			expect_contains(what, body, dates[l]);
			expect_contains(what, subject, shorts[l]);
			if (k >= MAIL_BOOKING_REQUESTED &&
			    k <= MAIL_BOOKING_CLOSED)
				expect_contains(what, subject, f.room);
			else
				expect_contains(what, subject, TITLE);
			expect_lacks(what, subject, "\n");
			free(subject);
			free(body);
		}
}

/* A closure's mail to the group: who was told, the rooms instead. */
static void
test_closed_room_mail_lists_the_rooms_free_instead(void **state)
{
	struct mail_facts f = facts(MAIL_BOOKING_CLOSED, "nl");
	char *subject = NULL, *body = NULL;

	(void)state;
	f.reason = "Waterschade";
	f.told = 3;
	f.rooms = "Kleine zaal (herstelhuis/zaal-2, 12 pers.)\n"
	    "Zaal\r\nBcc: x@example.org (buurthuis/zaal, 50 pers.)\n";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "Afgelast: " TITLE " (");
	expect_contains("body", body, "Reden: Waterschade");
	expect_contains("body", body, "Iedereen die zich had aangemeld (3)");
	expect_contains("body", body, "\n- Kleine zaal (herstelhuis/zaal-2, "
	    "12 pers.)\n");
	/* Each room one line, whatever it holds. */
	expect_lacks("body", body, "\nBcc:");
	free(subject);
	free(body);

	f.lang = "en";
	f.told = 0;
	f.rooms = "";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("body", body, "No other room is free at the same time.");
	expect_lacks("body", body, "registered (");
	free(subject);
	free(body);
}

/* Unregistered: from a series, or one date; no reason, a way back. */
static void
test_unregistered_says_what_was_left_and_how_to_come_back(void **state)
{
	struct mail_facts f = facts(MAIL_UNREGISTERED, "nl");
	char *subject = NULL, *body = NULL;

	(void)state;
	f.series = 1;
	f.rrule = "FREQ=WEEKLY";
	f.reason = "niet gebruikt";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "Afgemeld: " TITLE " \u2014 do 3 dec");
	expect_contains("body", body, "Je bent afgemeld voor deze "
	    "bijeenkomst.\nJe krijgt er geen herinneringen meer voor.\n");
	expect_contains("body", body, "Dit is een reeks; je bent afgemeld voor "
	    "alle bijeenkomsten.");
	expect_contains("body", body, "Wil je toch komen?");
	expect_lacks("body", body, "Reden:");
	free(subject);
	free(body);

	f.series = 0;
	f.lang = "en";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "Registration cancelled: " TITLE);
	expect_contains("body", body, "You are no longer registered for this "
	    "session.");
	expect_lacks("body", body, "This is a series");
	free(subject);
	free(body);
}

static void
test_dutch_and_english_dates_in_words_in_the_place_zone(void **state)
{
	static const struct {
		const char	*lang;
		int		 y, mo, d, h, mi;	/* start, UTC */
		long		 len;			/* minutes */
		const char	*body, *subject;
	} cases[] = {
		{ "nl", 2026, 12, 3, 18, 0, 120,
		  "Wanneer: donderdag 3 december 2026, 19:00\u201321:00",
		  "Herinnering: " TITLE " \u2014 do 3 dec 19:00" },
		{ "nl", 2026, 7, 1, 17, 30, 90,
		  "Wanneer: woensdag 1 juli 2026, 19:30\u201321:00",
		  "\u2014 wo 1 jul 19:30" },
		{ "nl", 2027, 3, 1, 9, 0, 60,
		  "Wanneer: maandag 1 maart 2027, 10:00\u201311:00",
		  "\u2014 ma 1 mrt 10:00" },
		{ "nl", 2026, 10, 24, 5, 0, 60,
		  "Wanneer: zaterdag 24 oktober 2026, 07:00\u201308:00",
		  "\u2014 za 24 okt 07:00" },
		{ "nl", 2026, 5, 31, 10, 0, 60,
		  "Wanneer: zondag 31 mei 2026, 12:00\u201313:00",
		  "\u2014 zo 31 mei 12:00" },
		/* Past midnight: both dates. */
		{ "nl", 2026, 12, 3, 21, 0, 240,
		  "Wanneer: donderdag 3 december 2026, 22:00 \u2013 vrijdag 4 "
		  "december 2026, 02:00", "\u2014 do 3 dec 22:00" },
		/* Until midnight is the same evening. */
		{ "nl", 2026, 12, 3, 21, 0, 120,
		  "Wanneer: donderdag 3 december 2026, 22:00\u201300:00",
		  "do 3 dec 22:00" },
		{ "en", 2026, 12, 3, 18, 0, 120,
		  "When: Thursday 3 December 2026, 19:00\u201321:00",
		  "Reminder: " TITLE " \u2014 Thu 3 Dec 19:00" },
		{ "en", 2026, 12, 3, 21, 0, 240,
		  "When: Thursday 3 December 2026, 22:00 \u2013 Friday 4 "
		  "December 2026, 02:00", "Thu 3 Dec 22:00" },
		{ NULL, 2026, 2, 17, 18, 0, 60,
		  "Wanneer: dinsdag 17 februari 2026, 19:00\u201320:00",
		  "di 17 feb 19:00" },
		{ "", 2026, 8, 6, 18, 0, 60,
		  "Wanneer: donderdag 6 augustus 2026, 20:00\u201321:00",
		  "do 6 aug 20:00" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct mail_facts f = facts(MAIL_REMINDER, cases[i].lang);
		char *subject, *body;

		f.start = utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
		    cases[i].mi);
		f.end = f.start + cases[i].len * 60;
		assert_int_equal(mail_text(&f, &subject, &body), 0);
		expect_contains("body", body, cases[i].body);
		expect_contains("subject", subject, cases[i].subject);
		free(subject);
		free(body);
	}
}

static void
test_reminder_says_how_long_before(void **state)
{
	static const struct {
		const char	*lang;
		long		 lead;
		const char	*says;
	} cases[] = {
		{ "nl", 7 * 86400, "je bijeenkomst is over 7 dagen." },
		{ "nl", 86400, "je bijeenkomst is morgen." },
		{ "nl", 2 * 3600, "je bijeenkomst is over 2 uur." },
		{ "nl", 3600, "je bijeenkomst is over 1 uur." },
		{ "nl", 30 * 60, "je bijeenkomst is over 30 minuten." },
		{ "en", 7 * 86400, "your session is in 7 days." },
		{ "en", 86400, "your session is tomorrow." },
		{ "en", 2 * 3600, "your session is in 2 hours." },
		{ "en", 3600, "your session is in 1 hour." },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct mail_facts f = facts(MAIL_REMINDER, cases[i].lang);
		char *subject, *body;

		f.lead = cases[i].lead;
		assert_int_equal(mail_text(&f, &subject, &body), 0);
		expect_contains("reminder", body, cases[i].says);
		free(subject);
		free(body);
	}
}

static void
test_greeting_uses_the_name_or_a_plain_word(void **state)
{
	struct mail_facts f = facts(MAIL_CONFIRMATION, "nl");
	char *subject, *body;

	(void)state;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_int_equal(strncmp(body, "Beste Fatima,\n", 14), 0);
	free(subject);
	free(body);

	f.name = NULL;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_int_equal(strncmp(body, "Beste deelnemer,\n", 17), 0);
	free(subject);
	free(body);

	f.lang = "en";
	f.name = "";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_int_equal(strncmp(body, "Hello,\n", 7), 0);
	free(subject);
	free(body);

	f.name = "Fatima\r\nBcc: x@y";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_int_equal(strncmp(body, "Dear Fatima Bcc: x@y,\n", 22), 0);
	free(subject);
	free(body);
}

/* What, when, where first; then how to cancel; then the links. */
static void
test_confirmation_puts_essentials_first_and_links_last(void **state)
{
	struct mail_facts f = facts(MAIL_CONFIRMATION, "nl");
	char *subject, *body;
	const char *what, *when, *where, *cancel, *manage, *unsub;

	(void)state;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_string_equal(subject, "Aangemeld: " TITLE " \u2014 do 3 dec 19:00");
	what = strstr(body, "Wat: " TITLE " (themabijeenkomst)");
	when = strstr(body, "Wanneer: donderdag 3 december 2026");
	where = strstr(body, "Waar: Herstelhuis, Grote zaal");
	cancel = strstr(body, "Kun je niet komen? Antwoord op deze e-mail.");
	manage = strstr(body, f.manage_url);
	unsub = strstr(body, f.unsubscribe_url);
	assert_non_null(what);
	assert_non_null(when);
	assert_non_null(where);
	assert_non_null(cancel);
	assert_non_null(manage);
	assert_non_null(unsub);
	assert_true(what < when && when < where && where < cancel &&
	    cancel < manage && manage < unsub);
	/* The way out is one line at the very end. */
	expect_contains("footer", body, "Wil je deze e-mails niet meer "
	    "ontvangen? Afmelden: https://herstel.example.org/afmelden/k\n");
	assert_string_equal(unsub + strlen(f.unsubscribe_url), "\n");
	expect_lacks("no series", body, "reeks");
	free(subject);
	free(body);

	/* Without links there are no link lines. */
	f.manage_url = NULL;
	f.unsubscribe_url = "";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_lacks("no links", body, "agenda:");
	expect_lacks("no links", body, "Afmelden");
	free(subject);
	free(body);
}

static void
test_series_registration_says_it_is_a_series(void **state)
{
	struct mail_facts f = facts(MAIL_CONFIRMATION, "nl");
	char *subject, *body;

	(void)state;
	f.series = 1;
	f.rrule = "FREQ=WEEKLY;COUNT=4";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("series", body, "Dit is een reeks; je bent aangemeld "
	    "voor alle bijeenkomsten.");
	expect_contains("series", body, "Eerste keer: donderdag 3 december "
	    "2026, 19:00\u201321:00");
	expect_contains("series", body, "Hoe vaak: elke week op donderdag, "
	    "tot en met donderdag 24 december 2026");
	free(subject);
	free(body);

	f.lang = "en";
	f.kind = MAIL_WAITLISTED;
	f.rrule = "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270301T000000Z";
	f.start = utc(2026, 12, 1, 18, 0);
	f.end = f.start + 7200;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("series", body, "This is a series; you are on the "
	    "waiting list for all of its sessions.");
	expect_contains("series", body, "How often: every month on the first "
	    "Tuesday, until Tuesday 2 February 2027");
	expect_contains("waitlist", body, "This session is full.");
	free(subject);
	free(body);
}

static void
test_waitlist_and_promotion_say_where_one_stands(void **state)
{
	struct mail_facts f = facts(MAIL_WAITLISTED, "nl");
	char *subject, *body;

	(void)state;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("waitlist", body, "Deze bijeenkomst is vol. Je staat "
	    "op de wachtlijst.");
	expect_contains("waitlist", body, "Komt er een plek vrij? Dan krijg "
	    "je meteen een e-mail.");
	expect_contains("waitlist", subject, "Wachtlijst: ");
	free(subject);
	free(body);

	f.kind = MAIL_PROMOTION;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("promotion", body, "Er is een plek vrijgekomen. Je "
	    "bent nu aangemeld.");
	expect_contains("promotion", body, "Kun je niet komen?");
	free(subject);
	free(body);
}

static void
test_change_shows_old_and_new_time_and_place(void **state)
{
	struct mail_facts f = facts(MAIL_CHANGE, "nl");
	char *subject, *body;

	(void)state;
	f.old_start = utc(2026, 12, 2, 18, 0);
	f.old_where = "Huis van de Wijk Noord";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "Gewijzigd: " TITLE);
	expect_contains("time", body, "De tijd is veranderd.\n"
	    "Was: woensdag 2 december 2026, 19:00\n"
	    "Nu: donderdag 3 december 2026, 19:00\u201321:00\n");
	expect_contains("place", body, "De plek is veranderd.\n"
	    "Was: Huis van de Wijk Noord\nNu: Herstelhuis, Grote zaal\n");
	free(subject);
	free(body);

	/* Same time, same place: no "was". */
	f.old_start = f.start;
	f.old_where = f.where;
	f.lang = "en";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "Changed: " TITLE);
	expect_contains("change", body, "Something has changed");
	expect_lacks("change", body, "Was:");
	free(subject);
	free(body);
}

static void
test_cancellation_gives_the_reason_and_asks_nothing(void **state)
{
	struct mail_facts f = facts(MAIL_CANCELLATION, "nl");
	char *subject, *body;

	(void)state;
	f.reason = "de gespreksleider is ziek";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_string_equal(subject, "Afgelast: " TITLE " \u2014 do 3 dec 19:00");
	expect_contains("cancel", body, "Deze bijeenkomst gaat niet door.");
	expect_contains("cancel", body, "Reden: de gespreksleider is ziek");
	expect_contains("cancel", body, "Je hoeft niets te doen.");
	expect_lacks("cancel", body, "Kun je niet komen");
	free(subject);
	free(body);

	f.lang = "en";
	f.reason = NULL;
	f.series = 1;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "Cancelled: " TITLE
	    " \u2014 from Thu 3 Dec 19:00");
	expect_contains("cancel", body, "This series of sessions will not "
	    "take place any more");
	expect_contains("cancel", body, "You do not need to do anything.");
	expect_lacks("cancel", body, "Reason");
	free(subject);
	free(body);
}

static void
test_followup_carries_the_notes_verbatim(void **state)
{
	static const char notes[] = "Wat we bespraken:\n- de hersteloperatie\n"
	    "\n  * ingesprongen regel\nVolgende keer: 10 december.";
	struct mail_facts f = facts(MAIL_FOLLOWUP, "nl");
	char *subject, *body;
	const char *intro, *n;

	(void)state;
	f.notes = notes;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_string_equal(subject, "Na afloop: " TITLE " \u2014 do 3 dec");
	intro = strstr(body, "Hieronder staat de informatie na afloop");
	n = strstr(body, notes);
	assert_non_null(intro);
	assert_non_null(n);
	assert_true(intro < strstr(body, "Wanneer: donderdag 3 december 2026"));
	assert_true(strstr(body, "Wanneer: donderdag") < n);
	free(subject);
	free(body);
}

static void
test_announcement_names_the_followed_group(void **state)
{
	struct mail_facts f = facts(MAIL_ANNOUNCEMENT, "en");
	char *subject, *body;

	(void)state;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("subject", subject, "New: " TITLE);
	expect_contains("announce", body, "Lotgenoten Zuidoost has planned a "
	    "new session.");
	expect_contains("announce", body, "You get this email because you "
	    "follow Lotgenoten Zuidoost.");
	free(subject);
	free(body);
}

static void
test_booking_mails_name_room_time_and_count(void **state)
{
	struct mail_facts f = facts(MAIL_BOOKING_REQUESTED, "nl");
	char *subject, *body;

	(void)state;
	f.name = NULL;
	f.manage_url = f.unsubscribe_url = NULL;
	f.occurrences = 12;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	assert_string_equal(subject, "Aanvraag ontvangen: Herstelhuis, Grote "
	    "zaal, do 3 dec 19:00");
	assert_int_equal(strncmp(body, "Hallo,\n", 7), 0);
	expect_contains("request", body, "Ruimte: Herstelhuis, Grote zaal");
	expect_contains("request", body, "Aantal keer: 12");
	expect_contains("request", body, "goedkeuren");
	free(subject);
	free(body);

	f.kind = MAIL_BOOKING_DECLINED;
	f.lang = "en";
	f.reason = "the room is being painted";
	f.occurrences = 1;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("decline", subject, "Declined: Herstelhuis");
	expect_contains("decline", body, "Reason: the room is being painted");
	expect_lacks("decline", body, "Number of times");
	free(subject);
	free(body);

	f.kind = MAIL_BOOKING_CONFIRMED;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_contains("confirm", subject, "Booked: Herstelhuis");
	expect_contains("confirm", body, "The room is booked for you.");
	free(subject);
	free(body);
}

/* ---- composing ---- */

static void
test_compose_is_crlf_with_each_header_once(void **state)
{
	struct mail_facts f = facts(MAIL_CONFIRMATION, "nl");
	struct mail_envelope e = envelope();
	char *subject, *body, *msg, *h, *v;
	size_t len;

	(void)state;
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	e.ics = ICS;
	e.ics_method = "REQUEST";
	msg = compose(&e, subject, body, &len);
	expect_crlf_only(msg, len);
	expect_short_lines(msg, 78);
	h = headers_of(msg);
	assert_int_equal(count_header(h, "From"), 1);
	assert_int_equal(count_header(h, "To"), 1);
	assert_int_equal(count_header(h, "Subject"), 1);
	assert_int_equal(count_header(h, "Reply-To"), 1);
	assert_int_equal(count_header(h, "Message-ID"), 1);
	assert_int_equal(count_header(h, "MIME-Version"), 1);
	assert_int_equal(count_header(h, "Date"), 0);
	assert_int_equal(count_header(h, "Bcc"), 0);
	assert_int_equal(count_header(h, "Cc"), 0);

	v = header_value(h, "From");
	assert_string_equal(v, "Herstelhuis Zuidoost <noreply@herstel.example.org>");
	free(v);
	v = header_value(h, "To");
	assert_string_equal(v, "Fatima <fatima@example.org>");
	free(v);
	v = header_value(h, "Reply-To");
	assert_string_equal(v, "lotgenoten@example.org");
	free(v);
	v = header_value(h, "Message-ID");
	assert_string_equal(v, e.message_id);
	free(v);
	v = header_value(h, "List-Unsubscribe");
	assert_string_equal(v, "<https://herstel.example.org/afmelden/k>");
	free(v);
	v = header_value(h, "List-Unsubscribe-Post");
	assert_string_equal(v, "List-Unsubscribe=One-Click");
	free(v);
	v = header_value(h, "Auto-Submitted");
	assert_string_equal(v, "auto-generated");
	free(v);
	v = header_value(h, "Subject");
	{
		char *d = decode_words(v);
		assert_string_equal(d, subject);
		free(d);
	}
	free(v);
	free(h);
	free(msg);
	free(subject);
	free(body);
}

static void
test_title_with_crlf_cannot_add_a_header(void **state)
{
	struct mail_facts f = facts(MAIL_REMINDER, "nl");
	struct mail_envelope e = envelope();
	char *subject, *body, *msg, *h, *v, *d;
	size_t len;

	(void)state;
	f.title = "Koffie\r\nBcc: x@y";
	assert_int_equal(mail_text(&f, &subject, &body), 0);
	expect_lacks("subject", subject, "\r");
	expect_lacks("subject", subject, "\n");
	e.to_name = "Eve\r\nCc: z@y";
	msg = compose(&e, subject, body, &len);
	expect_crlf_only(msg, len);
	h = headers_of(msg);
	assert_int_equal(count_header(h, "Bcc"), 0);
	assert_int_equal(count_header(h, "Cc"), 0);
	assert_int_equal(count_header(h, "Subject"), 1);
	assert_int_equal(count_header(h, "To"), 1);
	expect_lacks("headers", h, "\r\nBcc");
	v = header_value(h, "Subject");
	d = decode_words(v);
	expect_contains("subject", d, "Koffie Bcc: x@y");
	free(d);
	free(v);
	v = header_value(h, "To");
	assert_string_equal(v, "\"Eve Cc: z@y\" <fatima@example.org>");
	free(v);
	free(h);
	free(msg);

	/* A plain ASCII subject given straight to compose. */
	msg = compose(&e, "Hallo\r\nBcc: x@y\nX-Evil: 1\r", body, &len);
	expect_crlf_only(msg, len);
	h = headers_of(msg);
	assert_int_equal(count_header(h, "Bcc"), 0);
	assert_int_equal(count_header(h, "X-Evil"), 0);
	v = header_value(h, "Subject");
	assert_string_equal(v, "Hallo Bcc: x@y X-Evil: 1");
	free(v);
	free(h);
	free(msg);
	free(subject);
	free(body);
}

static void
test_long_subjects_fold_into_encoded_words_that_decode(void **state)
{
	static const char *const subjects[] = {
		"Herinnering: Gesprek over de hersteloperatie en de "
		"compensatieregeling \u2014 do 3 dec 19:00, zaal \u00e9\u00e9n "
		"\u00e0 c\u00f4t\u00e9 \u2014 \u4f60\u597d \U0001F600 einde",
		"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
		"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
		"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"
		"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9",
		"Caf\u00e9",
		/* ASCII that looks like an encoded word is encoded too. */
		"=?utf-8?B?SGFsbG8=?= is not a word here",
	};
	struct mail_envelope e = envelope();

	(void)state;
	for (size_t i = 0; i < N(subjects); i++) {
		char *msg, *h, *v, *d;
		size_t len;

		msg = compose(&e, subjects[i], "tekst\n", &len);
		expect_crlf_only(msg, len);
		h = headers_of(msg);
		expect_short_lines(h, 76);
		v = header_value(h, "Subject");
		assert_int_equal(strncmp(v, "=?utf-8?B?", 10), 0);
		d = decode_words(v);
		assert_string_equal(d, subjects[i]);
		free(d);
		free(v);
		free(h);
		free(msg);
	}
}

static void
test_long_ascii_subject_folds_at_spaces(void **state)
{
	static const char subject[] = "Reminder: a rather long title for a "
	    "session about compensation, recognition and the road to "
	    "recovery for every parent - Thu 3 Dec 19:00";
	struct mail_envelope e = envelope();
	char *msg, *h, *v;
	size_t len;

	(void)state;
	msg = compose(&e, subject, "text\n", &len);
	h = headers_of(msg);
	expect_short_lines(h, 78);
	expect_contains("folded", h, "\r\n ");
	v = header_value(h, "Subject");
	assert_string_equal(v, subject);
	free(v);
	free(h);
	free(msg);
}

static void
test_non_ascii_names_are_encoded(void **state)
{
	struct mail_envelope e = envelope();
	char *msg, *h, *v, *d;

	(void)state;
	e.from = "\"Steunpunt H\u00e9rstel\" <noreply@herstel.example.org>";
	e.to_name = "Fatima \u00d6zt\u00fcrk";
	msg = compose(&e, "Hallo", "text\n", NULL);
	h = headers_of(msg);
	v = header_value(h, "From");
	expect_contains("from", v, "<noreply@herstel.example.org>");
	d = decode_words(v);
	assert_string_equal(d, "Steunpunt H\u00e9rstel <noreply@herstel.example.org>");
	free(d);
	free(v);
	v = header_value(h, "To");
	d = decode_words(v);
	assert_string_equal(d, "Fatima \u00d6zt\u00fcrk <fatima@example.org>");
	free(d);
	free(v);
	free(h);
	free(msg);

	/* A bare from address, no name: the header is the address. */
	e.from = "noreply@herstel.example.org";
	e.to_name = NULL;
	msg = compose(&e, "Hallo", "text\n", NULL);
	h = headers_of(msg);
	v = header_value(h, "From");
	assert_string_equal(v, "noreply@herstel.example.org");
	free(v);
	v = header_value(h, "To");
	assert_string_equal(v, "fatima@example.org");
	free(v);
	free(h);
	free(msg);
}

static void
test_calendar_part_carries_the_ics_for_imip(void **state)
{
	struct mail_envelope e = envelope();
	char *msg, *h, *v, *text, *ics, ctype[256], bnd[128];
	const char *b;
	size_t len;

	(void)state;
	e.ics = ICS;
	e.ics_method = "REQUEST";
	msg = compose(&e, "Hallo", "Beste Fatima,\n\nTot dan.\n", &len);
	h = headers_of(msg);
	v = header_value(h, "Content-Type");
	expect_contains("top", v, "multipart/alternative; boundary=\"");
	b = strchr(v, '"') + 1;
	snprintf(bnd, sizeof(bnd), "%.*s", (int)(strchr(b, '"') - b), b);
	assert_true(strlen(bnd) >= 16);
	/* Two parts and the closing line. */
	{
		char line[160];
		const char *p = msg;
		int parts = 0;

		snprintf(line, sizeof(line), "\r\n--%s\r\n", bnd);
		while ((p = strstr(p, line)) != NULL) {
			parts++;
			p++;
		}
		assert_int_equal(parts, 2);
		snprintf(line, sizeof(line), "\r\n--%s--\r\n", bnd);
		expect_contains("closing", msg, line);
		/* The boundary appears only on its own lines. */
		p = msg + strlen(h);
		int seen = 0;
		while ((p = strstr(p, bnd)) != NULL) {
			assert_true(p[-1] == '-' && p[-2] == '-');
			seen++;
			p++;
		}
		assert_int_equal(seen, 3);
	}
	text = part_body(msg, "Content-Type: text/plain", ctype, sizeof(ctype));
	assert_string_equal(ctype, "Content-Type: text/plain; charset=utf-8");
	assert_string_equal(text, "Beste Fatima,\r\n\r\nTot dan.\r\n");
	ics = part_body(msg, "Content-Type: text/calendar", ctype, sizeof(ctype));
	assert_string_equal(ctype, "Content-Type: text/calendar; charset=utf-8; "
	    "method=REQUEST");
	assert_string_equal(ics, ICS);
	expect_contains("encoding", msg, "Content-Transfer-Encoding: base64\r\n"
	    "\r\n");
	expect_crlf_only(msg, len);
	expect_short_lines(msg + strlen(h), 76);
	free(text);
	free(ics);
	free(v);
	free(h);
	free(msg);
}

static void
test_plain_message_is_one_base64_text_part(void **state)
{
	struct mail_envelope e = envelope();
	char *msg, *h, *v, *text, *big;
	size_t len;

	(void)state;
	e.unsubscribe_url = NULL;
	msg = compose(&e, "Hallo", "regel 1\nregel 2\r\nregel 3", &len);
	h = headers_of(msg);
	v = header_value(h, "Content-Type");
	assert_string_equal(v, "text/plain; charset=utf-8");
	free(v);
	v = header_value(h, "Content-Transfer-Encoding");
	assert_string_equal(v, "base64");
	free(v);
	assert_int_equal(count_header(h, "List-Unsubscribe"), 0);
	assert_int_equal(count_header(h, "List-Unsubscribe-Post"), 0);
	text = unbase64(msg + strlen(h) + 2, len - strlen(h) - 2, NULL);
	assert_string_equal(text, "regel 1\r\nregel 2\r\nregel 3");
	free(text);
	free(h);
	free(msg);

	/* A long body: every base64 line at most 76. */
	big = malloc(20001);
	assert_non_null(big);
	for (int i = 0; i < 20000; i++)
		big[i] = (char)('a' + i % 26);
	big[20000] = '\0';
	msg = compose(&e, "Hallo", big, &len);
	expect_short_lines(msg, 76);
	h = headers_of(msg);
	text = unbase64(msg + strlen(h) + 2, len - strlen(h) - 2, NULL);
	assert_string_equal(text, big);
	free(text);
	free(h);
	free(msg);
	free(big);
}

static void
test_addresses_that_could_break_a_header_are_refused(void **state)
{
	static const char *const bad[] = {
		"fatima@example.org\r\nBcc: x@y", "fatima@example.org\n",
		"fatima @example.org", "<fatima@example.org>",
		"fatima@example.org,eve@example.org", "fatima", "@example.org",
		"fatima@", "", "f\tatima@example.org", "fa\"tima@example.org",
		"f\u00e4tima@example.org",
	};
	struct mail_envelope e = envelope();
	struct fault f;
	char *out = (char *)1;
	size_t len = 1;

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		e = envelope();
		e.to = bad[i];
		memset(&f, 0, sizeof(f));
		assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out, &len,
		    &f), -1);
		assert_int_equal(f.kind, FAULT_INVALID);
		expect_contains("to", f.msg, "recipient address");
		assert_null(out);

		e = envelope();
		e.reply_to = bad[i];
		memset(&f, 0, sizeof(f));
		if (*bad[i] != '\0') {
			assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out,
			    &len, &f), -1);
			assert_int_equal(f.kind, FAULT_INVALID);
		}
	}
	e = envelope();
	e.to = NULL;
	memset(&f, 0, sizeof(f));
	assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out, &len, &f), -1);

	e = envelope();
	e.from = "Herstelhuis <noreply@example.org\r\nBcc: x@y>";
	memset(&f, 0, sizeof(f));
	assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out, &len, &f), -1);
	expect_contains("from", f.msg, "smtp.from");

	e = envelope();
	e.unsubscribe_url = "https://x.example.org/a>\r\nBcc: x@y";
	memset(&f, 0, sizeof(f));
	assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out, &len, &f), -1);

	e = envelope();
	e.message_id = "<a@b>\r\nBcc: x@y";
	memset(&f, 0, sizeof(f));
	assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out, &len, &f), -1);

	e = envelope();
	e.ics = ICS;
	e.ics_method = "REQUEST\r\nBcc: x@y";
	memset(&f, 0, sizeof(f));
	assert_int_equal(mail_compose(&e, "Hallo", "tekst", &out, &len, &f), -1);
}

static void
test_compose_makes_a_message_id_when_none_is_given(void **state)
{
	struct mail_envelope e = envelope();
	char *msg, *h, *v;

	(void)state;
	e.message_id = NULL;
	msg = compose(&e, "Hallo", "tekst", NULL);
	h = headers_of(msg);
	v = header_value(h, "Message-ID");
	assert_int_equal(v[0], '<');
	expect_contains("msgid", v, "@herstel.example.org>");
	free(v);
	free(h);
	free(msg);
}

static void
test_mail_address_takes_the_bare_address(void **state)
{
	static const struct {
		const char	*in, *out;	/* out NULL: refused */
	} cases[] = {
		{ "Herstelhuis <noreply@example.org>", "noreply@example.org" },
		{ "noreply@example.org", "noreply@example.org" },
		{ "  noreply@example.org  ", "noreply@example.org" },
		{ "<noreply@example.org>", "noreply@example.org" },
		{ "\"Doe, J.\" <j@example.org>", "j@example.org" },
		{ "Name < j@example.org >", "j@example.org" },
		{ "Name <>", NULL },
		{ "Name", NULL },
		{ "Name <j@example.org", NULL },
		{ "", NULL },
		{ "a b@example.org", NULL },
		{ "Name <a\r\n@example.org>", NULL },
	};
	char out[64], tiny[8];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		int rc = rfc5322_address(cases[i].in, out, sizeof(out));

		if (cases[i].out == NULL) {
			if (rc != -1)
				fail_msg("\"%s\" gave \"%s\"", cases[i].in, out);
		} else {
			if (rc != 0)
				fail_msg("\"%s\" refused", cases[i].in);
			assert_string_equal(out, cases[i].out);
		}
	}
	assert_int_equal(rfc5322_address("noreply@example.org", tiny,
	    sizeof(tiny)), -1);
	assert_int_equal(rfc5322_address(NULL, out, sizeof(out)), -1);
}

static void
test_mail_date_is_rfc5322_in_the_host_zone(void **state)
{
	static const struct {
		const char	*tz;
		int		 y, mo, d, h, mi;
		const char	*out;
	} cases[] = {
		{ "Europe/Amsterdam", 2026, 12, 3, 18, 0,
		  "Date: Thu, 03 Dec 2026 19:00:00 +0100\r\n" },
		{ "Europe/Amsterdam", 2026, 7, 1, 17, 5,
		  "Date: Wed, 01 Jul 2026 19:05:00 +0200\r\n" },
		{ "America/New_York", 2026, 12, 3, 18, 0,
		  "Date: Thu, 03 Dec 2026 13:00:00 -0500\r\n" },
		{ "Asia/Kolkata", 2026, 12, 3, 18, 0,
		  "Date: Thu, 03 Dec 2026 23:30:00 +0530\r\n" },
		{ "UTC", 2027, 1, 1, 0, 0,
		  "Date: Fri, 01 Jan 2027 00:00:00 +0000\r\n" },
	};
	char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	char out[64];

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		setenv("TZ", cases[i].tz, 1);
		tzset();
		rfc5322_date(utc(cases[i].y, cases[i].mo, cases[i].d, cases[i].h,
		    cases[i].mi), out);
		assert_string_equal(out, cases[i].out);
	}
	if (old) {
		setenv("TZ", old, 1);
		free(old);
	} else
		unsetenv("TZ");
	tzset();
}

static void
test_message_ids_are_unique_and_well_formed(void **state)
{
	char a[128], b[128], c[128];

	(void)state;
	assert_int_equal(rfc5322_message_id("herstel.example.org", a), 0);
	assert_int_equal(rfc5322_message_id("herstel.example.org", b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(a[0], '<');
	assert_int_equal(strspn(a + 1, "0123456789abcdef"), 32);
	assert_int_equal(a[33], '.');
	expect_contains("msgid", a, "@herstel.example.org>");
	assert_int_equal(a[strlen(a) - 1], '>');
	/* Nothing odd from the host name reaches the header. */
	assert_int_equal(rfc5322_message_id("evil>\r\nBcc: x", c), 0);
	expect_lacks("msgid", c, "\r");
	expect_lacks("msgid", c, " ");
	assert_int_equal(strchr(c, '>') - c, (long)strlen(c) - 1);
	assert_int_equal(rfc5322_message_id(NULL, c), 0);
	expect_contains("msgid", c, "@localhost>");
}

/* ---- Maildir delivery ---- */

static int
count_files(const char *dir, char *first, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == 0 && first)
			snprintf(first, len, "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];
	struct stat st;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
test_maildir_delivery_renames_from_tmp_into_new(void **state)
{
	char dir[] = "/tmp/hersteld-test-mail-XXXXXX";
	char md[256], sub[300], file[600], err[256];
	struct conf c = { 0 };
	struct mail_envelope e = envelope();
	struct smtp_session *s;
	struct stat st;
	char *msg, *got, date[64];
	size_t len, glen;
	time_t now = utc(2026, 12, 3, 18, 0);

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(md, sizeof(md), "%s/mail", dir);
	c.smtp_url = "";
	c.maildir = md;
	c.smtp_username = c.smtp_password_file = "";
	msg = compose(&e, "Hallo", "tekst\n.punt aan het begin\n", &len);

	s = smtp_open(&c);
	assert_non_null(s);
	assert_int_equal(smtp_send(s, "noreply@herstel.example.org",
	    "fatima@example.org", msg, len, now, err, sizeof(err)), SMTP_SENT);
	assert_int_equal(smtp_send(s, "noreply@herstel.example.org",
	    "fatima@example.org", msg, len, now, err, sizeof(err)), SMTP_SENT);
	smtp_close(s);

	for (int i = 0; i < 3; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", md,
		    (const char *[]){ "tmp", "new", "cur" }[i]);
		assert_int_equal(stat(sub, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	snprintf(sub, sizeof(sub), "%s/tmp", md);
	assert_int_equal(count_files(sub, NULL, 0), 0);
	snprintf(sub, sizeof(sub), "%s/cur", md);
	assert_int_equal(count_files(sub, NULL, 0), 0);
	snprintf(sub, sizeof(sub), "%s/new", md);
	assert_int_equal(count_files(sub, file, sizeof(file)), 2);

	got = slurp(file, &glen);
	rfc5322_date(now, date);
	assert_int_equal(strncmp(got, "Date: ", 6), 0);
	assert_int_equal(glen, strlen(date) + len);
	assert_memory_equal(got, date, strlen(date));
	assert_memory_equal(got + strlen(date), msg, len);
	free(got);
	free(msg);
	remove_tree(dir);
}

static void
test_unusable_maildir_or_password_file_is_a_config_problem(void **state)
{
	char dir[] = "/tmp/hersteld-test-mail-XXXXXX";
	char md[256], err[256];
	struct conf c = { 0 };
	struct smtp_session *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* The maildir's parent is not created for it. */
	snprintf(md, sizeof(md), "%s/missing/mail", dir);
	c.smtp_url = "";
	c.maildir = md;
	c.smtp_username = c.smtp_password_file = "";
	s = smtp_open(&c);
	assert_non_null(s);
	assert_int_equal(smtp_send(s, "noreply@example.org",
	    "fatima@example.org", "X: y\r\n\r\nz\r\n", 11, clock_now(), err,
	    sizeof(err)), SMTP_CONFIG);
	expect_contains("err", err, md);
	/* A recipient that cannot be named is this message's problem. */
	assert_int_equal(smtp_send(s, "noreply@example.org",
	    "fatima@example.org\r\nRCPT TO:<x@y>", "X: y\r\n\r\nz\r\n", 11,
	    clock_now(), err, sizeof(err)), SMTP_PERMANENT);
	smtp_close(s);
	smtp_close(NULL);

	/* An unreadable password file: every send says so, nothing is sent. */
	snprintf(md, sizeof(md), "%s/no-such-password", dir);
	c.smtp_url = "smtp://127.0.0.1:1";
	c.smtp_username = "hersteld";
	c.smtp_password_file = md;
	s = smtp_open(&c);
	assert_non_null(s);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(smtp_send(s, "noreply@example.org",
		    "fatima@example.org", "X: y\r\n\r\nz\r\n", 11, clock_now(),
		    err, sizeof(err)), SMTP_CONFIG);
		expect_contains("err", err, "smtp.password_file");
		expect_contains("err", err, md);
	}
	smtp_close(s);
	remove_tree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_in_both_languages_names_title_and_date),
		cmocka_unit_test(test_closed_room_mail_lists_the_rooms_free_instead),
		cmocka_unit_test(
		    test_unregistered_says_what_was_left_and_how_to_come_back),
		cmocka_unit_test(test_dutch_and_english_dates_in_words_in_the_place_zone),
		cmocka_unit_test(test_reminder_says_how_long_before),
		cmocka_unit_test(test_greeting_uses_the_name_or_a_plain_word),
		cmocka_unit_test(test_confirmation_puts_essentials_first_and_links_last),
		cmocka_unit_test(test_series_registration_says_it_is_a_series),
		cmocka_unit_test(test_waitlist_and_promotion_say_where_one_stands),
		cmocka_unit_test(test_change_shows_old_and_new_time_and_place),
		cmocka_unit_test(test_cancellation_gives_the_reason_and_asks_nothing),
		cmocka_unit_test(test_followup_carries_the_notes_verbatim),
		cmocka_unit_test(test_announcement_names_the_followed_group),
		cmocka_unit_test(test_booking_mails_name_room_time_and_count),
		cmocka_unit_test(test_compose_is_crlf_with_each_header_once),
		cmocka_unit_test(test_title_with_crlf_cannot_add_a_header),
		cmocka_unit_test(test_long_subjects_fold_into_encoded_words_that_decode),
		cmocka_unit_test(test_long_ascii_subject_folds_at_spaces),
		cmocka_unit_test(test_non_ascii_names_are_encoded),
		cmocka_unit_test(test_calendar_part_carries_the_ics_for_imip),
		cmocka_unit_test(test_plain_message_is_one_base64_text_part),
		cmocka_unit_test(test_addresses_that_could_break_a_header_are_refused),
		cmocka_unit_test(test_compose_makes_a_message_id_when_none_is_given),
		cmocka_unit_test(test_mail_address_takes_the_bare_address),
		cmocka_unit_test(test_mail_date_is_rfc5322_in_the_host_zone),
		cmocka_unit_test(test_message_ids_are_unique_and_well_formed),
		cmocka_unit_test(test_maildir_delivery_renames_from_tmp_into_new),
		cmocka_unit_test(test_unusable_maildir_or_password_file_is_a_config_problem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
