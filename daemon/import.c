/*
 * Import of an iCalendar file (a yearly plan exported from Outlook, Google
 * or another hersteld) as events.  libical parses; what it does not keep
 * is line numbers, so a first pass (ics_lines.c) reads the content lines
 * (unfolding, NAME;PARAM=V:VALUE syntax, BEGIN/END nesting) and remembers
 * where every component and property is.  libical's tree is then walked
 * alongside it, so every refusal names the line to look at.  The whole
 * file is checked before the first write (import_read); schedule_import
 * then writes the events (event_import, one per series) and the audit row
 * in one transaction.
 *
 * Choices, for the man page and for whoever reads this next:
 * - A VEVENT without RECURRENCE-ID is an event keyed by its UID; one with
 *   RECURRENCE-ID changes one occurrence of the series with that UID in
 *   the same file, matched by instant, or by the date as written when
 *   either is all-day (Exchange).  An exception whose series is not in
 *   the file (Google leaves such orphans after "this and following"
 *   edits) becomes a single event keyed UID "_R" RECURRENCE-ID
 *   (read_orphan); one that is not an occurrence of its series is
 *   skipped with a warning, as is an EXDATE that is not an occurrence.
 * - No DTEND or DURATION: a timed event ends at its start, an all-day one
 *   lasts the day.  The store keeps no event without length (end >
 *   start), so such an event is skipped with a warning, and such a
 *   changed occurrence is left out of its series.  An occurrence lasts
 *   at most EVENT_MAX_DAYS (event.c keeps one in a room to a week).
 * - An empty value reads as absent unless the import needs it
 *   (may_be_empty); libical's X-LIC-ERRORs never reach the events.
 * - Times: TZID is taken as an IANA id when hersteld knows it (libical's
 *   "/vendor/.../Europe/Amsterdam" prefixes are stripped); any other TZID
 *   must have a VTIMEZONE in the file, which is matched by its UTC offsets
 *   over two years against its X-LIC-LOCATION, an IANA name at the end of
 *   the TZID, the configured zone and the usual Windows names ("W. Europe
 *   Standard Time"); when none matches, the VTIMEZONE's own rules give
 *   the instants, kept in the configured zone (a series only when no
 *   occurrence would move there: same_series).  UTC and floating times are read in the
 *   configured zone, which also becomes the event's zone (a series keeps
 *   the wall-clock time of its first occurrence).  Every VTIMEZONE is
 *   checked first (when_check_vtimezone): only yearly rules, years
 *   1600-2200, at most 100000 changes in all, as real zones have.
 * - All-day events (VALUE=DATE) become 00:00-24:00 in the configured zone
 *   (DTEND is exclusive; none means one day); hersteld has no all-day
 *   events, so they come back out with times.
 * - STATUS:CANCELLED cancels; our own "Afgelast: " before SUMMARY (and
 *   before the reason in DESCRIPTION) is taken off again, so that a feed
 *   imported elsewhere reads as it was written.
 * - CATEGORIES: the first one that is one of our kinds is the kind (else
 *   --kind, else the stored kind, else overig); the others become themes
 *   as slugs (lower case, accents dropped, other characters as '-');
 *   what gives no slug is left out.
 * - LOCATION becomes the place text; rooms are not guessed.  An event
 *   already held here in a room or at a location stays where it is.
 * - RDATE: extra occurrences, as libical's icalcomponent_foreach_recurrence
 *   has them: the set of the rule's and the extra starts (one that is also
 *   the rule's, or DTSTART, is that occurrence), less the EXDATEs, which
 *   may name an extra date too, as RECURRENCE-IDs may.  A date or date
 *   and time in any zone or UTC is the instant it names; one in a date
 *   where DTSTART has a time (or the other way round), or before DTSTART,
 *   is refused.  RDATE;VALUE=PERIOD is an occurrence at the period's
 *   start lasting the period (a changed occurrence when its length is
 *   not the series', unless a RECURRENCE-ID component changes it), as
 *   RFC 5545 3.8.5.2 has it; libical 3.0 skips such values.  An
 *   event with RDATE and no RRULE is a series by the rule FREQ=DAILY;
 *   COUNT=1: DTSTART is always its first instance (RFC 5545 3.8.5.2), so
 *   the instances are the same.
 * - More than one RRULE, and RECURRENCE-ID;RANGE=THISANDFUTURE are
 *   refused (not silently dropped).  Other components (VTODO, ...) are
 *   skipped with a warning; unknown property names are ignored as RFC
 *   5545 allows.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/clock.h"
#include "hersteld/conf.h"
#include "hersteld/ics_lines.h"
#include "hersteld/import.h"
#include "hersteld/recur.h"
#include "hersteld/when.h"

#define MAX_EXDATES	1000			/* of one series */
#define CANCELLED_PREFIX "Afgelast: "		/* what feed.c writes */

/* The early caps of ics_caps.h are the fields' own (event.h). */
_Static_assert(ICS_CAP_TITLE == TITLE_MAX_CHARS, "SUMMARY cap");
_Static_assert(ICS_CAP_DESC == DESC_MAX_CHARS, "DESCRIPTION cap");
_Static_assert(ICS_CAP_PLACE == PLACE_MAX_CHARS, "LOCATION cap");
_Static_assert(ICS_CAP_SLACK >= sizeof(CANCELLED_PREFIX) - 1 + 500 + 2,
    "what a cancelled event adds");

/* A TZID of the file and the IANA zone it came to. */
struct tzc {
	char		*tzid;
	char		 iana[72];
	int		 utc;		/* plain UTC: read in the default zone */
	icaltimezone	*rules;		/* no IANA zone matched: the file's
					   VTIMEZONE (borrowed from root) */
};

/* A time property, resolved. */
struct when_val {
	struct icaltimetype	t;	/* as written */
	int			is_date;
	char			tz[72];	/* the zone it is read in */
	icaltimezone		*zone;
	icaltimezone		*rules;	/* the file's own zone it was read
					   in (struct tzc), else NULL */
	time_t			at;	/* the instant (a date: local 00:00) */
};

/* An RDATE;VALUE=PERIOD whose length is not the series'. */
struct period {
	time_t	start, end;
};

/* One series (or single event) of the file. */
struct master {
	icalcomponent		*c;
	int			 block;
	const char		*uid;	/* libical's */
	struct event_import	 ei;
	char			*title, *description, *reason, *place;
	const char		*kind;	/* one of kinds[], or NULL */
	char			 themes[512], tz[72];
	char			 rrule[RECUR_MAX_LEN + 1];
	icaltimezone		*zone;
	icaltimezone		*rules;	/* DTSTART's zone from the file */
	int			 all_day;	/* DTSTART is a DATE */
	int			 skipped;	/* not imported (warned) */
	char			*own_uid;	/* an orphan's UID (owned) */
	time_t			*exdates;
	int			 nexdates;
	time_t			*rdates;	/* extra starts (RDATE) */
	int			 nrdates;
	struct period		*periods;	/* RDATE;VALUE=PERIOD lengths */
	int			 nperiods;
	struct override		*ovs;
	long			*ov_lines;
	int			 novs, ovcap;
};

struct imp {
	const struct import_in	*in;
	struct import_result	*res;
	struct ics_lines	 s;
	icalcomponent		*root;
	const char		*deftz;
	struct tzc		*tzs;
	int			 ntzs;
	struct master		*masters;
	int			 nmasters;
	struct master		**byuid;	/* the series, by UID */
	int			 nbyuid;
	struct master		**plan;		/* what is written */
	int			 nplan;
};

static const char *kinds[] = { "themabijeenkomst", "dialoogsessie",
    "steungroep", "kennissessie", "netwerksessie", "overig", NULL };

/* Windows zone names Outlook writes, and the IANA zone to try for each. */
static const struct {
	const char	*windows, *iana;
} windows_zones[] = {
	{ "W. Europe Standard Time",		"Europe/Berlin" },
	{ "Romance Standard Time",		"Europe/Paris" },
	{ "Central Europe Standard Time",	"Europe/Budapest" },
	{ "Central European Standard Time",	"Europe/Warsaw" },
	{ "GMT Standard Time",			"Europe/London" },
	{ "Greenwich Standard Time",		"Atlantic/Reykjavik" },
	{ "E. Europe Standard Time",		"Europe/Chisinau" },
	{ "FLE Standard Time",			"Europe/Kiev" },
	{ "GTB Standard Time",			"Europe/Bucharest" },
	{ "Turkey Standard Time",		"Europe/Istanbul" },
	{ "Morocco Standard Time",		"Africa/Casablanca" },
	{ "SA Western Standard Time",		"America/Curacao" },
	{ "SA Eastern Standard Time",		"America/Paramaribo" },
	{ "Eastern Standard Time",		"America/New_York" },
	{ "Central Standard Time",		"America/Chicago" },
	{ "Mountain Standard Time",		"America/Denver" },
	{ "Pacific Standard Time",		"America/Los_Angeles" },
	{ "UTC",				"Etc/UTC" },
	{ "Coordinated Universal Time",		"Etc/UTC" },
};

static int
one_of(const char *s, const char **list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Fill f with "line N: ..." and remember the line; always -1. */
static int __attribute__((format(printf, 5, 6)))
line_fault(struct imp *im, long line, enum fault_kind kind, struct fault *f,
    const char *fmt, ...)
{
	char msg[sizeof(f->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f->kind == FAULT_NONE)
		im->res->line = line;
	return fault_set(f, kind, "line %ld: %s", line, msg);
}

/*
 * A fault from a shared checker, on a line: its option names become the
 * property names a calendar file has.
 */
static int
relabel(struct imp *im, long line, const struct fault *from, struct fault *f)
{
	static const char *names[][2] = {
		{ "--repeat", "RRULE" }, { "--start", "DTSTART" },
		{ "--except", "EXDATE" },
	};
	char msg[sizeof(f->msg)], out[sizeof(f->msg)];

	snprintf(msg, sizeof(msg), "%s", from->msg);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *p;
		size_t ol = strlen(names[i][0]);

		while ((p = strstr(msg, names[i][0])) != NULL) {
			snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - msg), msg,
			    names[i][1], p + ol);
			snprintf(msg, sizeof(msg), "%s", out);
		}
	}
	return line_fault(im, line, from->kind == FAULT_NONE ? FAULT_INVALID :
	    from->kind, f, "%s", msg);
}

static void __attribute__((format(printf, 3, 4)))
warn(struct imp *im, long line, const char *fmt, ...)
{
	struct import_result *r = im->res;
	char msg[600], **nw;
	va_list ap;
	int n;

	if (r->nwarnings > IMPORT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((nw = realloc(r->warnings, (r->nwarnings + 1) * sizeof(*nw))) == NULL)
		return;
	r->warnings = nw;
	if (r->nwarnings == IMPORT_MAX_WARNINGS) {
		nw[r->nwarnings++] = strdup("more warnings left out");
		return;
	}
	n = snprintf(NULL, 0, "line %ld: %s", line, msg);
	if ((nw[r->nwarnings] = malloc((size_t)n + 1)) == NULL)
		return;
	snprintf(nw[r->nwarnings], (size_t)n + 1, "line %ld: %s", line, msg);
	text_sanitize(nw[r->nwarnings]);
	r->nwarnings++;
}

/* ---- libical's errors, put on a line ---- */

/*
 * Whether libical's "No value for NAME property" is about a property that
 * may be empty.  RFC 5545 allows an empty TEXT value (Google writes
 * "LOCATION:" and "DESCRIPTION:", others an empty "CATEGORIES:"), and
 * producers leave other properties empty that hersteld does not read
 * (Thunderbird's "CLASS:", Apple's "URL;VALUE=URI:"): such a property
 * reads as absent.  An empty time, duration, rule or number that the
 * import or a time zone depends on is broken.
 */
static int
may_be_empty(const char *msg)
{
	static const icalproperty_kind needed[] = {
		ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,
		ICAL_DURATION_PROPERTY, ICAL_RRULE_PROPERTY,
		ICAL_EXRULE_PROPERTY, ICAL_EXDATE_PROPERTY,
		ICAL_RDATE_PROPERTY, ICAL_RECURRENCEID_PROPERTY,
		ICAL_SEQUENCE_PROPERTY, ICAL_TZOFFSETFROM_PROPERTY,
		ICAL_TZOFFSETTO_PROPERTY,
	};
	char name[64];
	icalproperty_kind k;

	if (sscanf(msg, "No value for %63s property", name) != 1)
		return 0;
	if (strcmp(name, "X") == 0)
		return 1;
	k = icalproperty_string_to_kind(name);
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (k == needed[i])
			return 0;
	return 1;
}

/*
 * Whether an X-LIC-ERROR refuses the file.  An unknown property name is
 * an iana-prop (RFC 5545 3.8.8.2) that we may ignore like an X- one; an
 * empty value that may be empty reads as absent (may_be_empty).
 */
static int
real_error(icalproperty *p)
{
	icalparameter *t = icalproperty_get_first_parameter(p,
	    ICAL_XLICERRORTYPE_PARAMETER);
	const char *msg = icalproperty_get_xlicerror(p);
	icalparameter_xlicerrortype type = t ?
	    icalparameter_get_xlicerrortype(t) : ICAL_XLICERRORTYPE_NONE;

	if (msg == NULL)
		return 1;
	if (type == ICAL_XLICERRORTYPE_PROPERTYPARSEERROR &&
	    strncmp(msg, "Parse error in property name", 28) == 0)
		return 0;
	return !(type == ICAL_XLICERRORTYPE_VALUEPARSEERROR &&
	    may_be_empty(msg));
}

static icalproperty *
first_error(icalcomponent *c)
{
	for (icalproperty *p = icalcomponent_get_first_property(c,
	    ICAL_XLICERROR_PROPERTY); p; p = icalcomponent_get_next_property(c,
	    ICAL_XLICERROR_PROPERTY))
		if (real_error(p))
			return p;
	return NULL;
}

static icalproperty *
deep_error(icalcomponent *c)
{
	icalproperty *p = first_error(c);

	for (icalcomponent *k = icalcomponent_get_first_component(c,
	    ICAL_ANY_COMPONENT); k && p == NULL;
	    k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		p = deep_error(k);
	return p;
}

/* libical's message without "Removing entire property: ...". */
static void
error_text(icalproperty *p, char *out, size_t len)
{
	const char *msg = icalproperty_get_xlicerror(p);
	const char *cut = msg ? strstr(msg, ". Removing") : NULL;

	if (msg == NULL)
		msg = "cannot be read";
	snprintf(out, len, "%.*s", cut ? (int)(cut - msg) : 200, msg);
}

/* Parse one line alone in a component like its own; 1 with its error. */
static int
probe(struct imp *im, const struct ics_line *l, char *msg, size_t len)
{
	const char *name = im->s.blocks[l->block].name;
	int inner = strcmp(name, "VCALENDAR") != 0;
	const char *u;
	char *text;
	size_t n;
	icalcomponent *c;
	icalproperty *e;
	int bad = 0;

	if ((u = ics_lines_unfold(&im->s, l->off, l->end)) == NULL)
		return 0;
	n = strlen(u) + 2 * strlen(name) + 64;
	if ((text = malloc(n)) == NULL)
		return 0;
	snprintf(text, n, "BEGIN:VCALENDAR\r\n%s%s%s%s\r\n%s%s%sEND:VCALENDAR"
	    "\r\n", inner ? "BEGIN:" : "", inner ? name : "", inner ? "\r\n" : "",
	    u, inner ? "END:" : "", inner ? name : "", inner ? "\r\n" : "");
	if ((c = icalparser_parse_string(text)) != NULL) {
		if ((e = deep_error(c)) != NULL) {
			error_text(e, msg, len);
			bad = 1;
		}
		icalcomponent_free(c);
	}
	free(text);
	return bad;
}

/*
 * " in the event \"TITLE\"" (or its UID) when c is a VEVENT, into out:
 * which event a broken value belongs to.
 */
static void
event_named(icalcomponent *c, char *out, size_t len)
{
	icalproperty *p;
	const char *s = NULL;
	char q[80];

	*out = '\0';
	if (icalcomponent_isa(c) != ICAL_VEVENT_COMPONENT)
		return;
	if ((p = icalcomponent_get_first_property(c, ICAL_SUMMARY_PROPERTY)))
		s = icalproperty_get_summary(p);
	if ((s == NULL || *s == '\0') && (p = icalcomponent_get_first_property(
	    c, ICAL_UID_PROPERTY)))
		s = icalproperty_get_uid(p);
	if (s == NULL || *s == '\0')
		return;
	ics_lines_quote(s, q, sizeof(q));
	snprintf(out, len, " in the event \"%s\"", q);
}

/* Refuse with the line of the first error libical found in c (block b). */
static int
find_error(struct imp *im, icalcomponent *c, int b, struct fault *f)
{
	const struct ics_block *bl = &im->s.blocks[b];
	icalproperty *e = first_error(c);
	char msg[300], q[80], ev[100];
	int kb = b;

	if (e != NULL) {
		event_named(c, ev, sizeof(ev));
		for (size_t i = bl->first; i < bl->last; i++) {
			const struct ics_line *l = &im->s.lines[i];
			if (l->block == b && probe(im, l, msg, sizeof(msg))) {
				const char *u = ics_lines_unfold(&im->s, l->off, l->end);

				ics_lines_quote(u ? u : "", q, sizeof(q));
				return line_fault(im, l->lineno, FAULT_INVALID,
				    f, "%s%s: %s: \"%s\"", l->name, ev, msg, q);
			}
		}
		error_text(e, msg, sizeof(msg));
		return line_fault(im, bl->begin, FAULT_INVALID, f, "in %s%s: %s",
		    bl->name, ev, msg);
	}
	for (icalcomponent *k = icalcomponent_get_first_component(c,
	    ICAL_ANY_COMPONENT); k; k = icalcomponent_get_next_component(c,
	    ICAL_ANY_COMPONENT)) {
		if ((kb = ics_lines_next_child(&im->s, b, kb)) < 0)
			break;
		if (deep_error(k))
			return find_error(im, k, kb, f);
	}
	e = deep_error(c);
	error_text(e, msg, sizeof(msg));
	return line_fault(im, bl->begin, FAULT_INVALID, f, "in %s: %s",
	    bl->name, msg);
}

/* ---- time zones and times ---- */

/* Whether zones a and b have the same UTC offset every day of two years. */
static int
same_offsets(icaltimezone *a, icaltimezone *b, int year)
{
	struct icaltimetype t = icaltime_null_time();

	t.year = year;
	t.month = 1;
	t.day = 1;
	t.hour = 12;
	t.zone = icaltimezone_get_utc_timezone();
	for (int d = 0; d < 731; d++) {
		struct icaltimetype u = t;
		int da, db;

		icaltime_adjust(&u, d, 0, 0, 0);
		if (icaltimezone_get_utc_offset_of_utc_time(a, &u, &da) !=
		    icaltimezone_get_utc_offset_of_utc_time(b, &u, &db))
			return 0;
	}
	return 1;
}

/*
 * Check every VTIMEZONE of the file before libical computes any offset
 * in one: a rule no real zone has (FREQ=SECONDLY, a year 1) would make it
 * expand the zone for ever, under a lock that every other import and
 * listing needs too.
 */
static int
check_zones(struct imp *im, struct fault *f)
{
	icalcomponent *c;
	long budget = WHEN_VTZ_MAX_CHANGES;
	int b = 0;

	for (c = icalcomponent_get_first_component(im->root, ICAL_ANY_COMPONENT);
	    c; c = icalcomponent_get_next_component(im->root,
	    ICAL_ANY_COMPONENT)) {
		struct fault lf = { 0 };

		if ((b = ics_lines_next_child(&im->s, 0, b)) < 0)
			return fault_set(f, FAULT_INTERNAL, "the file's "
			    "components are not where they were read");
		if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT &&
		    when_check_vtimezone(&lf, c, &budget))
			return line_fault(im, im->s.blocks[b].begin, lf.kind, f,
			    "%s", lf.msg);
	}
	return 0;
}

/*
 * Whether s looks like an IANA zone name (Area/Location, letters, digits,
 * '_', '+', '-').  Only such names go to when_zone(): libical opens
 * /usr/share/zoneinfo/NAME for any name it is given ("../", "posix/")
 * and keeps every zone it loads, so a file must not choose the path.
 */
static int
iana_like(const char *s)
{
	int start = 1;

	if (*s == '\0' || strlen(s) > 64 || strncmp(s, "posix/", 6) == 0 ||
	    strncmp(s, "right/", 6) == 0)
		return 0;
	for (; *s; s++) {
		if (start && !isalpha((unsigned char)*s))
			return 0;
		start = *s == '/';
		if (!start && !isalnum((unsigned char)*s) && !strchr("_+-", *s))
			return 0;
	}
	return !start;
}

static icaltimezone *
file_zone(const char *name)
{
	return name && iana_like(name) ? when_zone(name) : NULL;
}

/* The IANA zone for tzid, or UTC, as the file uses it; -1 refused. */
static int
resolve_tzid(struct imp *im, const char *tzid, long line, int year,
    struct tzc **out, struct fault *f)
{
	struct tzc *z, *nz;
	icaltimezone *custom;
	const char *cands[16 + sizeof(windows_zones) / sizeof(windows_zones[0])];
	const char *slash;
	int nc = 0;

	for (int i = 0; i < im->ntzs; i++)
		if (strcmp(im->tzs[i].tzid, tzid) == 0) {
			*out = &im->tzs[i];
			return 0;
		}
	if ((nz = realloc(im->tzs, (im->ntzs + 1) * sizeof(*nz))) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	im->tzs = nz;
	z = &im->tzs[im->ntzs];
	memset(z, 0, sizeof(*z));
	if ((z->tzid = strdup(tzid)) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	im->ntzs++;
	*out = z;
	if (strcasecmp(tzid, "UTC") == 0 || strcasecmp(tzid, "GMT") == 0 ||
	    strcmp(tzid, "Z") == 0) {
		z->utc = 1;
		return 0;
	}
	if (file_zone(tzid)) {
		snprintf(z->iana, sizeof(z->iana), "%s", tzid);
		return 0;
	}
	/* "/freeassociation.sourceforge.net/Europe/Amsterdam" and the like. */
	for (slash = strchr(tzid, '/'); slash; slash = strchr(slash + 1, '/'))
		if (file_zone(slash + 1)) {
			snprintf(z->iana, sizeof(z->iana), "%s", slash + 1);
			return 0;
		}
	if ((custom = icalcomponent_get_timezone(im->root, tzid)) == NULL)
		return line_fault(im, line, FAULT_INVALID, f, "time zone "
		    "\"%.80s\" is not one hersteld knows, and the file has no "
		    "VTIMEZONE for it: use an IANA name such as Europe/Amsterdam",
		    tzid);
	/*
	 * Candidates, each taken only when its offsets are the VTIMEZONE's:
	 * libical reads X-LIC-LOCATION as the zone's location; a private
	 * name may end in an IANA one ("custom_America/New_York"); then
	 * the configured zone, the zone of a Windows name, and the zones
	 * Windows names stand for.
	 */
	if (icaltimezone_get_location(custom))
		cands[nc++] = icaltimezone_get_location(custom);
	for (const char *q = tzid; *q && nc < 12; q++)
		if (q > tzid && strchr("_ -.:", q[-1]) && strchr(q, '/') &&
		    iana_like(q))
			cands[nc++] = q;
	cands[nc++] = im->deftz;
	for (size_t i = 0; i < sizeof(windows_zones) / sizeof(windows_zones[0]);
	    i++)
		if (strcasecmp(tzid, windows_zones[i].windows) == 0)
			cands[nc++] = windows_zones[i].iana;
	for (size_t i = 0; i < sizeof(windows_zones) / sizeof(windows_zones[0]);
	    i++)
		cands[nc++] = windows_zones[i].iana;
	for (int i = 0; i < nc; i++) {
		icaltimezone *known = file_zone(cands[i]);

		if (known && same_offsets(custom, known, year)) {
			snprintf(z->iana, sizeof(z->iana), "%s", cands[i]);
			return 0;
		}
	}
	/*
	 * No zone we know keeps these times: read them with the file's own
	 * rules (checked by check_zones) and keep them as instants in the
	 * configured zone.
	 */
	z->rules = custom;
	snprintf(z->iana, sizeof(z->iana), "%s", im->deftz);
	warn(im, line, "time zone \"%.80s\" matches no time zone hersteld "
	    "knows: its times are read with the file's VTIMEZONE and kept as "
	    "the same moments in %s", tzid, im->deftz);
	return 0;
}

static int
time_valid(struct icaltimetype t)
{
	if (t.year < 1970 || t.year > 2200 || t.month < 1 || t.month > 12 ||
	    t.day < 1 || t.day > icaltime_days_in_month(t.month, t.year))
		return 0;
	return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 &&
	    t.minute < 60 && t.second >= 0 && t.second < 61);
}

/*
 * Read time property p (named what, on line) into w: a TZID as resolved
 * above, UTC and floating times and dates in deftz.
 */
static int
prop_time(struct imp *im, icalproperty *p, const char *what, long line,
    const char *deftz, struct when_val *w, struct fault *f)
{
	icalvalue *v = icalproperty_get_value(p);
	icalparameter *tp = icalproperty_get_first_parameter(p,
	    ICAL_TZID_PARAMETER);
	const char *tzid = tp ? icalparameter_get_tzid(tp) : NULL;
	const char *raw = icalproperty_get_value_as_string(p);
	struct fault lf = { 0 };
	struct tzc *tz = NULL;

	memset(w, 0, sizeof(*w));
	if (v && icalvalue_isa(v) == ICAL_PERIOD_VALUE &&
	    strcmp(what, "RDATE") == 0)
		w->t = icalvalue_get_period(v).start;	/* read_rdates */
	else if (v == NULL || (icalvalue_isa(v) != ICAL_DATETIME_VALUE &&
	    icalvalue_isa(v) != ICAL_DATE_VALUE))
		return line_fault(im, line, FAULT_INVALID, f, "%s must be a "
		    "date or a date and time", what);
	else
		w->t = icalvalue_get_datetime(v);
	w->is_date = w->t.is_date;
	if (!time_valid(w->t))
		return line_fault(im, line, FAULT_INVALID, f, "%s \"%.40s\" is "
		    "not a valid %s", what, raw ? raw : "", w->is_date ? "date" :
		    "date and time");
	snprintf(w->tz, sizeof(w->tz), "%s", deftz);
	if (!w->is_date && icaltime_is_utc(w->t)) {
		w->zone = when_zone(w->tz);
		w->at = icaltime_as_timet_with_zone(w->t,
		    icaltimezone_get_utc_timezone());
		return 0;
	}
	if (!w->is_date && tzid && *tzid) {
		if (resolve_tzid(im, tzid, line, w->t.year, &tz, f))
			return -1;
		if (tz->utc) {
			w->zone = when_zone(w->tz);
			w->t.zone = icaltimezone_get_utc_timezone();
			w->at = icaltime_as_timet_with_zone(w->t, w->t.zone);
			return 0;
		}
		snprintf(w->tz, sizeof(w->tz), "%s", tz->iana);
		w->rules = tz->rules;
	}
	if ((w->zone = when_zone(w->tz)) == NULL)
		return line_fault(im, line, FAULT_INTERNAL, f, "unknown time "
		    "zone %s", w->tz);
	{
		struct icaltimetype lt = w->t;

		lt.zone = NULL;
		if (lt.is_date) {
			lt.is_date = 0;
			lt.hour = lt.minute = lt.second = 0;
		}
		if (when_from_local(&lf, what, lt, w->rules ? w->rules :
		    w->zone, &w->at))
			return relabel(im, line, &lf, f);
	}
	return 0;
}

/*
 * The end of an occurrence that starts at start (w, as written): DTEND,
 * else DURATION, else (a date) the next day, else (a date and time) the
 * start itself (RFC 5545 3.6.1).
 */
static int
read_end(struct imp *im, icalcomponent *c, int b, const struct when_val *start,
    time_t *end, struct fault *f)
{
	icalproperty *pe = icalcomponent_get_first_property(c,
	    ICAL_DTEND_PROPERTY);
	icalproperty *pd = icalcomponent_get_first_property(c,
	    ICAL_DURATION_PROPERTY);
	struct when_val we;
	struct fault lf = { 0 };

	if (pe) {
		if (prop_time(im, pe, "DTEND", ics_lines_line_of(&im->s, b, "DTEND", NULL),
		    start->tz, &we, f))
			return -1;
		*end = we.at;
		return 0;
	}
	if (pd || start->is_date) {
		struct icaldurationtype d = pd ? icalproperty_get_duration(pd) :
		    icaldurationtype_from_int(86400);
		struct icaltimetype lt = start->t;
		long exact;

		if (icaldurationtype_is_bad_duration(d) || d.is_neg)
			return line_fault(im, ics_lines_line_of(&im->s, b, "DURATION", NULL),
			    FAULT_INVALID, f, "DURATION must be a positive "
			    "duration such as PT2H");
		if (start->is_date && pd == NULL) {
			d = icaldurationtype_null_duration();
			d.days = 1;
		}
		/* Days and weeks are calendar days (RFC 5545 3.3.6). */
		lt.zone = NULL;
		if (lt.is_date) {
			lt.is_date = 0;
			lt.hour = lt.minute = lt.second = 0;
		}
		if (icaltime_is_utc(start->t) || start->zone == NULL) {
			*end = start->at + (time_t)(d.weeks * 7 + d.days) * 86400;
		} else {
			icaltime_adjust(&lt, (int)(d.weeks * 7 + d.days), 0, 0, 0);
			if (when_from_local(&lf, "the end", lt, start->rules ?
			    start->rules : start->zone, end))
				return relabel(im, ics_lines_line_of(&im->s, b, pd ? "DURATION" :
				    "DTSTART", NULL), &lf, f);
		}
		exact = (long)d.hours * 3600 + (long)d.minutes * 60 + d.seconds;
		*end += exact;
		return 0;
	}
	*end = start->at;
	return 0;
}

/* ---- occurrences of a series of the file ---- */

static int
count_one(time_t t, void *arg)
{
	(void)t;
	++*(long *)arg;
	return 0;
}

static int
time_cmp(const void *a, const void *b)
{
	time_t x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

static int
keep_first(time_t t, void *arg)
{
	*(time_t *)arg = t;
	return 1;
}

static int
is_occurrence(const struct master *m, time_t t)
{
	long n = 0;

	return recur_expand(m->rrule, m->ei.start, m->zone, t, t + 1, 100000,
	    count_one, &n) > 0;
}

/* The extra date (RDATE) of m at t, or (to != 0) the first in [t, to). */
static time_t
rdate_of(const struct master *m, time_t t, time_t to)
{
	for (int i = 0; i < m->nrdates; i++)
		if (to ? m->rdates[i] >= t && m->rdates[i] < to :
		    m->rdates[i] == t)
			return m->rdates[i];
	return 0;
}

/*
 * The occurrence w names: the same instant, or (a date, or any
 * RECURRENCE-ID of an all-day series, such as Exchange's
 * "TZID=GMT Standard Time:20200416T000000") the one on the date as
 * written.  0 when there is none.
 */
static time_t
occurrence_of(const struct master *m, const struct when_val *w)
{
	struct icaltimetype day;
	time_t from, found = 0;

	/* An all-day series: the occurrence on the date as written. */
	if (!w->is_date && !m->all_day)
		return is_occurrence(m, w->at) ? w->at : rdate_of(m, w->at, 0);
	day = w->t;
	day.is_date = 0;
	day.hour = day.minute = day.second = 0;
	day.zone = NULL;
	if (when_from_local(NULL, "", day, m->zone, &from))
		return 0;
	recur_expand(m->rrule, m->ei.start, m->zone, from, from + 86400, 100000,
	    keep_first, &found);
	return found ? found : rdate_of(m, from, from + 86400);
}

/* ---- texts ---- */

/* A text property's value, or NULL. */
static const char *
text_of(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p = icalcomponent_get_first_property(c, kind);
	icalvalue *v = p ? icalproperty_get_value(p) : NULL;

	return v ? icalvalue_get_text(v) : NULL;
}

/* One line of text: control characters become spaces.  New string. */
static char *
one_line(const char *s)
{
	char *d = strdup(s ? s : "");

	for (unsigned char *p = (unsigned char *)d; d && *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return d;
}

static const char *
strip_cancelled(const char *s, int cancelled)
{
	size_t n = strlen(CANCELLED_PREFIX);

	return cancelled && strncmp(s, CANCELLED_PREFIX, n) == 0 ? s + n : s;
}

/*
 * DESCRIPTION of a cancelled component as feed.c writes it: "Afgelast:
 * REASON" and then, after a blank line, the description.  Splits it into
 * new strings *reason and *desc.
 */
static int
split_description(const char *d, int cancelled, char **reason, char **desc)
{
	size_t n = strlen(CANCELLED_PREFIX);

	*reason = *desc = NULL;
	if (d == NULL)
		d = "";
	if (cancelled && strncmp(d, CANCELLED_PREFIX, n) == 0) {
		const char *rest = d + n, *blank = strstr(rest, "\n\n");
		size_t rlen = blank ? (size_t)(blank - rest) : strlen(rest);
		long chars;

		if ((*reason = strndup(rest, rlen)) == NULL)
			return -1;
		/* A reason is one line of at most 500 characters (event
		 * cancel --reason); anything else is not ours. */
		chars = utf8_len(*reason);
		if (strchr(*reason, '\n') == NULL && chars >= 0 && chars <= 500) {
			*desc = strdup(blank ? blank + 2 : "");
			return *desc ? 0 : -1;
		}
		free(*reason);
	}
	*reason = strdup("");
	*desc = strdup(d);
	return *reason && *desc ? 0 : -1;
}

/*
 * A category as a theme tag: lower case, common accents dropped, runs of
 * anything else as one '-'.  "" when nothing is left.
 */
static void
slugify(const char *s, char *out, size_t len)
{
	/* U+00C0..U+00FF without their accents; '-' for ×, ÷ and the like. */
	static const char latin1[] =
	    "aaaaaaaceeeeiiiidnooooo-ouuuuyts"
	    "aaaaaaaceeeeiiiidnooooo-ouuuuyty";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	int dash = 0;

	while (*p && n + 1 < len && n < 63) {
		char c = 0;

		if (isalnum(*p) && *p < 0x80) {
			c = (char)tolower(*p);
			p++;
		} else if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
			c = latin1[p[1] - 0x80];
			p += 2;
		} else {
			p++;
			while (*p >= 0x80 && *p < 0xc0)
				p++;	/* the rest of a character */
		}
		if (c == 0 || c == '-') {
			dash = n > 0;
			continue;
		}
		if (dash && n + 2 < len && n < 62)
			out[n++] = '-';
		dash = 0;
		out[n++] = c;
	}
	out[n] = '\0';
}

static int
categories(struct imp *im, struct master *m, struct fault *f)
{
	size_t off = 0;

	m->kind = NULL;
	m->themes[0] = '\0';
	for (icalproperty *p = icalcomponent_get_first_property(m->c,
	    ICAL_CATEGORIES_PROPERTY); p; p = icalcomponent_get_next_property(
	    m->c, ICAL_CATEGORIES_PROPERTY)) {
		const char *v = icalproperty_get_categories(p);
		char tag[64], lower[64];

		if (v == NULL)
			continue;
		snprintf(lower, sizeof(lower), "%s", v);
		for (char *q = lower; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		for (int i = 0; m->kind == NULL && kinds[i]; i++)
			if (strcmp(lower, kinds[i]) == 0)
				m->kind = kinds[i];
		if (m->kind && strcmp(m->kind, lower) == 0)
			continue;
		slugify(v, tag, sizeof(tag));
		if (tag[0] == '\0' || !slug_valid(tag))
			continue;
		{
			/* Once each. */
			char probe_[sizeof(m->themes) + 2];
			char needle[sizeof(tag) + 2];
			snprintf(probe_, sizeof(probe_), ",%s,", m->themes);
			snprintf(needle, sizeof(needle), ",%s,", tag);
			if (strstr(probe_, needle))
				continue;
		}
		if (off + strlen(tag) + 2 >= sizeof(m->themes)) {
			warn(im, ics_lines_line_of(&im->s, m->block, "CATEGORIES", NULL),
			    "too many categories for \"%.60s\"; the rest are "
			    "left out", m->title);
			break;
		}
		off += (size_t)snprintf(m->themes + off, sizeof(m->themes) - off,
		    "%s%s", off ? "," : "", tag);
	}
	(void)f;
	return 0;
}

/* text_check on a line, in the file's words. */
static int
check_text(struct imp *im, int b, const char *prop, const char *s, long max,
    int required, int multiline, struct fault *f)
{
	struct fault lf = { 0 };

	if (text_check(&lf, prop, s, max, required, multiline))
		return relabel(im, ics_lines_line_of(&im->s, b, prop, NULL), &lf, f);
	return 0;
}

/* ---- VEVENTs ---- */

/* rid among m's EXDATEs (once). */
static int
add_exdate(struct master *m, time_t rid, struct fault *f)
{
	time_t *nx;

	for (int i = 0; i < m->nexdates; i++)
		if (m->exdates[i] == rid)
			return 0;
	if ((nx = realloc(m->exdates, (m->nexdates + 1) * sizeof(*nx))) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	m->exdates = nx;
	m->exdates[m->nexdates++] = rid;
	return 0;
}

struct starts {
	time_t	*v;
	long	 n;
};

static int
keep_start(time_t t, void *arg)
{
	struct starts *s = arg;

	s->v[s->n++] = t;
	return 0;
}

/*
 * A series in a zone known only by the file's VTIMEZONE is kept in the
 * configured zone: only when its occurrences (up to the booking horizon)
 * are the same moments there as by the file's rules.
 */
static int
same_series(struct imp *im, struct master *m, time_t start, time_t now,
    long line, struct fault *f)
{
	struct starts a = { NULL, 0 }, b = { NULL, 0 };
	time_t to = (start > now ? start : now) +
	    (time_t)conf_current()->horizon_days * 86400;
	long i;
	int ret = -1;

	if ((a.v = calloc(RECUR_MAX_OCCURRENCES + 1, sizeof(*a.v))) == NULL ||
	    (b.v = calloc(RECUR_MAX_OCCURRENCES + 1, sizeof(*b.v))) == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	recur_expand(m->rrule, start, m->rules, start, to,
	    RECUR_MAX_OCCURRENCES, keep_start, &a);
	recur_expand(m->rrule, start, m->zone, start, to,
	    RECUR_MAX_OCCURRENCES, keep_start, &b);
	for (i = 0; i < a.n && i < b.n && a.v[i] == b.v[i]; i++)
		;
	if (i < a.n || i < b.n) {
		char when[32];

		when_format_local(i < a.n ? a.v[i] : b.v[i], m->zone, when);
		line_fault(im, line, FAULT_INVALID, f, "the series \"%.60s\" "
		    "repeats in a time zone of the file that matches no time "
		    "zone hersteld knows, and in %s its occurrence near %s "
		    "would move: export the plan with IANA names such as "
		    "Europe/Amsterdam", m->title, m->tz, when);
		goto done;
	}
	ret = 0;
done:
	free(a.v);
	free(b.v);
	return ret;
}

/*
 * The end of the occurrence an RDATE;VALUE=PERIOD p (line) gives, which
 * starts at start: the period's end, read as its start is, or its start
 * plus the period's length.
 */
static int
period_end(struct imp *im, icalproperty *p, long line,
    const struct when_val *start, const char *deftz, time_t *end,
    struct fault *f)
{
	struct icalperiodtype per = icalvalue_get_period(
	    icalproperty_get_value(p));
	icalparameter *tp = icalproperty_get_first_parameter(p,
	    ICAL_TZID_PARAMETER);
	const char *raw = icalproperty_get_value_as_string(p);

	if (icaltime_is_null_time(per.end))
		*end = start->at + icaldurationtype_as_int(per.duration);
	else {
		icalproperty *pe = icalproperty_new_dtend(per.end);
		struct when_val we;
		int rc;

		if (pe == NULL)
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		if (tp)
			icalproperty_add_parameter(pe, icalparameter_new_tzid(
			    icalparameter_get_tzid(tp)));
		rc = prop_time(im, pe, "RDATE", line, deftz, &we, f);
		icalproperty_free(pe);
		if (rc)
			return -1;
		*end = we.at;
	}
	if (*end <= start->at || *end - start->at > EVENT_MAX_SECONDS)
		return line_fault(im, line, FAULT_INVALID, f, "the period of "
		    "RDATE %.60s must end after it starts and last at most %d "
		    "days", raw ? raw : "", EVENT_MAX_DAYS);
	return 0;
}

/*
 * The RDATEs of m, whose first occurrence is ws to end, once its RRULE is
 * read (import.c's opening comment says what they come to).
 */
static int
read_rdates(struct imp *im, struct master *m, const struct when_val *ws,
    time_t end, struct fault *f)
{
	icalcomponent *c = m->c;

	for (icalproperty *p = icalcomponent_get_first_property(c,
	    ICAL_RDATE_PROPERTY); p; p = icalcomponent_get_next_property(c,
	    ICAL_RDATE_PROPERTY)) {
		const char *raw = icalproperty_get_value_as_string(p);
		long line = ics_lines_line_of(&im->s, m->block, "RDATE", raw);
		icalvalue *v = icalproperty_get_value(p);
		struct when_val wr;
		time_t rend = 0, *nr;
		int dup = 0;

		if (raw == NULL)
			raw = "";
		if (prop_time(im, p, "RDATE", line, m->tz, &wr, f))
			return -1;
		if (wr.is_date != ws->is_date)
			return line_fault(im, line, FAULT_INVALID, f, "RDATE "
			    "%.60s is %s, but DTSTART %s", raw, wr.is_date ?
			    "a date" : "a date and time", ws->is_date ?
			    "is a date" : "has a time");
		if (wr.at < ws->at)
			return line_fault(im, line, FAULT_INVALID, f, "RDATE "
			    "%.60s is before DTSTART, which must be the first "
			    "occurrence", raw);
		if (v && icalvalue_isa(v) == ICAL_PERIOD_VALUE &&
		    period_end(im, p, line, &wr, m->tz, &rend, f))
			return -1;
		/* DTSTART itself, or given twice: the same occurrence. */
		dup = wr.at == ws->at;
		for (int i = 0; i < m->nrdates && !dup; i++)
			dup = m->rdates[i] == wr.at;
		if (dup)
			continue;
		if (m->nrdates == EVENT_MAX_RDATES)
			return line_fault(im, line, FAULT_INVALID, f, "more than "
			    "%d RDATEs in one series", EVENT_MAX_RDATES);
		if ((nr = realloc(m->rdates, (m->nrdates + 1) *
		    sizeof(*nr))) == NULL)
			return fault_set(f, FAULT_INTERNAL, "out of memory");
		m->rdates = nr;
		m->rdates[m->nrdates++] = wr.at;
		if (rend && rend - wr.at != end - ws->at) {
			struct period *np = realloc(m->periods,
			    (m->nperiods + 1) * sizeof(*np));
			if (np == NULL)
				return fault_set(f, FAULT_INTERNAL, "out of "
				    "memory");
			m->periods = np;
			m->periods[m->nperiods].start = wr.at;
			m->periods[m->nperiods++].end = rend;
		}
	}
	if (m->nrdates > 1)
		qsort(m->rdates, m->nrdates, sizeof(*m->rdates), time_cmp);
	/* RDATE alone: see the opening comment. */
	if (m->nrdates > 0 && m->rrule[0] == '\0')
		snprintf(m->rrule, sizeof(m->rrule), "%s",
		    EVENT_RDATE_ONLY_RULE);
	return 0;
}

/*
 * How many occurrences the bounded series m has, its extra dates
 * included; -1 when it is open-ended (or its rule cannot be read).
 */
static long
bounded_count(const struct master *m)
{
	struct starts a = { NULL, 0 };
	time_t last;
	long n;

	if (recur_last(m->rrule, m->ei.start, m->zone, &last) != 1 ||
	    (a.v = calloc(RECUR_MAX_OCCURRENCES + 1, sizeof(*a.v))) == NULL)
		return -1;
	recur_expand(m->rrule, m->ei.start, m->zone, m->ei.start, last + 1,
	    RECUR_MAX_OCCURRENCES + 1, keep_start, &a);
	n = a.n;
	for (int i = 0; i < m->nrdates; i++)
		n += bsearch(&m->rdates[i], a.v, a.n, sizeof(*a.v),
		    time_cmp) == NULL;
	free(a.v);
	return n;
}

static int
read_master(struct imp *im, struct master *m, struct fault *f)
{
	icalcomponent *c = m->c;
	int b = m->block;
	icalproperty *p;
	const char *summary, *loc;
	int cancelled = icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED;
	struct when_val ws;
	time_t end, now = clock_now();
	struct fault lf = { 0 };

	if ((summary = text_of(c, ICAL_SUMMARY_PROPERTY)) == NULL ||
	    *strip_cancelled(summary, cancelled) == '\0')
		return line_fault(im, im->s.blocks[b].begin, FAULT_INVALID, f,
		    "the event %.100s has no SUMMARY (a title is required)",
		    m->uid);
	if ((m->title = one_line(strip_cancelled(summary, cancelled))) == NULL ||
	    split_description(text_of(c, ICAL_DESCRIPTION_PROPERTY), cancelled,
	    &m->reason, &m->description))
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	loc = text_of(c, ICAL_LOCATION_PROPERTY);
	if ((m->place = one_line(loc)) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	if (check_text(im, b, "SUMMARY", m->title, TITLE_MAX_CHARS, 1, 0, f) ||
	    check_text(im, b, "DESCRIPTION", m->description, DESC_MAX_CHARS, 0,
	    1, f) ||
	    check_text(im, b, "DESCRIPTION", m->reason, 500, 0, 0, f) ||
	    check_text(im, b, "LOCATION", m->place, PLACE_MAX_CHARS, 0, 0, f) ||
	    categories(im, m, f))
		return -1;

	if ((p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY)) ==
	    NULL)
		return line_fault(im, im->s.blocks[b].begin, FAULT_INVALID, f,
		    "the event %.100s has no DTSTART", m->uid);
	if (prop_time(im, p, "DTSTART", ics_lines_line_of(&im->s, b, "DTSTART", NULL),
	    im->deftz, &ws, f) || read_end(im, c, b, &ws, &end, f))
		return -1;
	if (end < ws.at) {
		const char *which = icalcomponent_get_first_property(c,
		    ICAL_DTEND_PROPERTY) ? "DTEND" : "DURATION";

		return line_fault(im, ics_lines_line_of(&im->s, b, which, NULL), FAULT_INVALID,
		    f, "the event ends before it starts");
	}
	if (end == ws.at) {
		/* The store keeps no event without length (end > start). */
		warn(im, im->s.blocks[b].begin, "\"%.60s\" (UID %.100s) ends "
		    "when it starts (%s): hersteld keeps no events without "
		    "length, so it is skipped%s", m->title, m->uid,
		    icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY) ?
		    "DTEND is DTSTART" : icalcomponent_get_first_property(c,
		    ICAL_DURATION_PROPERTY) ? "its DURATION is 0" : "it has no "
		    "DTEND or DURATION", icalcomponent_get_first_property(c,
		    ICAL_RRULE_PROPERTY) ? " with all its occurrences" : "");
		m->skipped = 1;
		return 0;
	}
	if (end - ws.at > EVENT_MAX_SECONDS + (ws.is_date ? 3600 : 0))
		return line_fault(im, ics_lines_line_of(&im->s, b, "DTSTART", NULL),
		    FAULT_INVALID, f, "the event lasts more than %d days, "
		    "hersteld's limit for one occurrence (%d days in a room)",
		    EVENT_MAX_DAYS, EVENT_ROOM_MAX_DAYS);
	snprintf(m->tz, sizeof(m->tz), "%s", ws.tz);
	m->zone = ws.zone;
	m->rules = ws.rules;
	m->all_day = ws.is_date;

	m->rrule[0] = '\0';
	if ((p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY))) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);
		char *s = icalrecurrencetype_as_string_r(&r);
		long line = ics_lines_line_of(&im->s, b, "RRULE", NULL);

		if (icalcomponent_get_next_property(c, ICAL_RRULE_PROPERTY)) {
			free(s);
			return line_fault(im, line, FAULT_INVALID, f, "more than "
			    "one RRULE is not supported");
		}
		if (s == NULL || strlen(s) > RECUR_MAX_LEN) {
			free(s);
			return line_fault(im, line, FAULT_INVALID, f, "RRULE is "
			    "too long");
		}
		snprintf(m->rrule, sizeof(m->rrule), "%s", s);
		free(s);
		if (recur_check(&lf, m->rrule) ||
		    recur_check_start(&lf, m->rrule, ws.at, m->zone) ||
		    recur_check_size(&lf, m->rrule, ws.at, m->zone, now, now +
		    (time_t)conf_current()->horizon_days * 86400))
			return relabel(im, line, &lf, f);
		if (m->rules && same_series(im, m, ws.at, now, line, f))
			return -1;
	}
	if (read_rdates(im, m, &ws, end, f))
		return -1;

	m->ei.uid = m->uid;
	m->ei.kind = m->kind ? m->kind : im->in->kind;
	m->ei.title = m->title;
	m->ei.description = m->description;
	m->ei.themes = m->themes;
	m->ei.place = m->place;
	m->ei.timezone = m->tz;
	m->ei.start = ws.at;
	m->ei.end = end;
	/*
	 * A DATE start that ends on a later date's start is a day event
	 * (shown in the all-day row, and written back as dates).
	 */
	m->ei.days = 0;
	if (ws.is_date) {
		int n = event_dates(ws.at, end, m->zone);
		if (n > 0 && when_days_after(ws.at, n, m->zone) == end)
			m->ei.days = n;
	}
	m->ei.rrule = m->rrule;
	m->ei.cancelled = cancelled;
	m->ei.cancel_reason = m->reason;
	m->ei.sequence = icalcomponent_get_sequence(c);

	/* EXDATEs, once the series is known. */
	for (p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	    p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		const char *raw = icalproperty_get_value_as_string(p);
		long line = ics_lines_line_of(&im->s, b, "EXDATE", raw);
		struct when_val wx;
		time_t rid;
		int dup = 0;

		if (m->rrule[0] == '\0') {
			warn(im, line, "EXDATE of \"%.60s\", which does not "
			    "repeat, is ignored", m->title);
			break;
		}
		if (prop_time(im, p, "EXDATE", line, m->tz, &wx, f))
			return -1;
		if ((rid = occurrence_of(m, &wx)) == 0) {
			warn(im, line, "EXDATE %.40s is not an occurrence of "
			    "\"%.60s\" and is ignored", raw ? raw : "", m->title);
			continue;
		}
		for (int i = 0; i < m->nexdates && !dup; i++)
			dup = m->exdates[i] == rid;
		if (dup)
			continue;
		if (m->nexdates == MAX_EXDATES)
			return line_fault(im, line, FAULT_INVALID, f, "more than "
			    "%d EXDATEs in one series", MAX_EXDATES);
		if (add_exdate(m, rid, f))
			return -1;
	}
	if (m->nexdates > 0) {
		long n = bounded_count(m);

		/* A series must keep at least one occurrence. */
		if (n >= 0 && n <= m->nexdates)
			return line_fault(im, ics_lines_line_of(&im->s, b, "EXDATE", NULL),
			    FAULT_INVALID, f, "the EXDATEs leave no occurrence of "
			    "\"%.60s\"", m->title);
	}
	return 0;
}

static int
uid_cmp(const void *a, const void *b)
{
	const struct master *x = *(struct master *const *)a;
	const struct master *y = *(struct master *const *)b;

	return strcmp(x->uid, y->uid);
}

static int
block_cmp(const void *a, const void *b)
{
	const struct master *x = *(struct master *const *)a;
	const struct master *y = *(struct master *const *)b;

	return (x->block > y->block) - (x->block < y->block);
}

static struct master *
master_of(struct imp *im, const char *uid)
{
	struct master key = { .uid = uid }, *kp = &key, **hit;

	hit = bsearch(&kp, im->byuid, im->nbyuid, sizeof(*im->byuid), uid_cmp);
	return hit ? *hit : NULL;
}

/*
 * A changed occurrence whose series is not in the file (Google leaves
 * these after "this and following" edits, or exports one calendar of
 * several): a single event of its own, keyed UID "_R" RECURRENCE-ID in
 * UTC ("...@google.com_R20270105T180000Z", a date as "_R20270105"), so
 * that importing the file again finds it again.
 */
static int
read_orphan(struct imp *im, icalcomponent *c, int b, const char *uid,
    struct fault *f)
{
	icalproperty *p = icalcomponent_get_first_property(c,
	    ICAL_RECURRENCEID_PROPERTY);
	long line = ics_lines_line_of(&im->s, b, "RECURRENCE-ID", NULL);
	struct when_val wr;
	struct master *m;
	char rid[24], *own;
	size_t n;

	if (prop_time(im, p, "RECURRENCE-ID", line, im->deftz, &wr, f))
		return -1;
	if (text_of(c, ICAL_SUMMARY_PROPERTY) == NULL ||
	    icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY) == NULL) {
		warn(im, line, "a changed occurrence of %.100s, a series that is "
		    "not in the file, is skipped: without its own SUMMARY and "
		    "DTSTART it is not an event by itself", uid);
		return 0;
	}
	if (wr.is_date)
		snprintf(rid, sizeof(rid), "%04d%02d%02d", wr.t.year,
		    wr.t.month, wr.t.day);
	else {
		struct tm tm;

		gmtime_r(&wr.at, &tm);
		strftime(rid, sizeof(rid), "%Y%m%dT%H%M%SZ", &tm);
	}
	n = strlen(uid) + strlen(rid) + 3;
	if (n > sizeof(((struct event *)0)->uid)) {
		warn(im, line, "a changed occurrence of %.100s, a series that is "
		    "not in the file, is skipped: its UID is too long to make "
		    "one of its own", uid);
		return 0;
	}
	if ((own = malloc(n)) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	memcpy(own, uid, strlen(uid));
	memcpy(own + strlen(uid), "_R", 2);
	memcpy(own + strlen(uid) + 2, rid, strlen(rid) + 1);
	for (int i = 0; i < im->nmasters; i++)
		if (strcmp(im->masters[i].uid, own) == 0) {
			long first = im->masters[i].own_uid ?
			    ics_lines_line_of(&im->s, im->masters[i].block,
			    "RECURRENCE-ID", NULL) :
			    im->s.blocks[im->masters[i].block].begin;

			free(own);
			return line_fault(im, line, FAULT_INVALID, f, "occurrence "
			    "%s of %.100s is changed twice (also on line %ld)",
			    rid, uid, first);
		}
	m = &im->masters[im->nmasters++];
	m->c = c;
	m->block = b;
	m->own_uid = own;
	m->uid = own;
	warn(im, line, "a changed occurrence of %.100s, a series that is not "
	    "in the file, is imported as a single event with UID %s", uid, own);
	return read_master(im, m, f);
}

/* A VEVENT with RECURRENCE-ID: one occurrence of a series of the file. */
static int
read_override(struct imp *im, icalcomponent *c, int b, const char *uid,
    struct fault *f)
{
	icalproperty *p = icalcomponent_get_first_property(c,
	    ICAL_RECURRENCEID_PROPERTY);
	long line = ics_lines_line_of(&im->s, b, "RECURRENCE-ID", NULL);
	const char *raw = icalproperty_get_value_as_string(p);
	int cancelled = icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED;
	struct master *m = master_of(im, uid);
	struct when_val wr, ws;
	struct override *o;
	const char *summary;
	char *title = NULL, *reason = NULL, *desc = NULL;
	time_t rid;
	int ret = -1;

	{
		icalparameter *range = icalproperty_get_first_parameter(p,
		    ICAL_RANGE_PARAMETER);
		if (range && icalparameter_get_range(range) ==
		    ICAL_RANGE_THISANDFUTURE)
			return line_fault(im, line, FAULT_INVALID, f,
			    "RECURRENCE-ID;RANGE=THISANDFUTURE is not supported");
	}
	if (m == NULL)
		return read_orphan(im, c, b, uid, f);
	if (m->skipped)
		return 0;	/* warned with its series */
	if (m->rrule[0] == '\0') {
		warn(im, line, "\"%.60s\" does not repeat; its RECURRENCE-ID "
		    "component is skipped", m->title);
		return 0;
	}
	if (prop_time(im, p, "RECURRENCE-ID", line, m->tz, &wr, f))
		return -1;
	if ((rid = occurrence_of(m, &wr)) == 0) {
		warn(im, line, "RECURRENCE-ID %.40s is not an occurrence of "
		    "\"%.60s\"; skipped", raw ? raw : "", m->title);
		return 0;
	}
	for (int i = 0; i < m->novs; i++)
		if (m->ovs[i].recurrence_id == rid)
			return line_fault(im, line, FAULT_INVALID, f, "occurrence "
			    "%.40s of %.100s is changed twice (also on line %ld)",
			    raw ? raw : "", uid, m->ov_lines[i]);
	summary = text_of(c, ICAL_SUMMARY_PROPERTY);
	if ((title = one_line(summary ? strip_cancelled(summary, cancelled) :
	    "")) == NULL || split_description(text_of(c,
	    ICAL_DESCRIPTION_PROPERTY), cancelled, &reason, &desc)) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		goto done;
	}
	if (check_text(im, b, "SUMMARY", title, TITLE_MAX_CHARS, 0, 0, f) ||
	    check_text(im, b, "DESCRIPTION", reason, 500, 0, 0, f))
		goto done;
	/* Its own time, or the occurrence's. */
	if ((p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY))) {
		if (prop_time(im, p, "DTSTART", ics_lines_line_of(&im->s, b, "DTSTART", NULL),
		    m->tz, &ws, f))
			goto done;
	} else {
		ws = wr;
		ws.at = rid;
		ws.is_date = 0;
		ws.t = when_local(rid, m->zone);
		ws.zone = m->zone;
	}
	if (m->novs == m->ovcap) {
		int ncap = m->ovcap ? m->ovcap * 2 : 4;
		struct override *no = realloc(m->ovs, ncap * sizeof(*no));
		long *nl;

		if (no != NULL)
			m->ovs = no;
		if (no == NULL || (nl = realloc(m->ov_lines, ncap *
		    sizeof(*nl))) == NULL) {
			fault_set(f, FAULT_INTERNAL, "out of memory");
			goto done;
		}
		m->ov_lines = nl;
		m->ovcap = ncap;
	}
	o = &m->ovs[m->novs];
	memset(o, 0, sizeof(*o));
	o->recurrence_id = rid;
	o->start = ws.at;
	if (icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY) ||
	    icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY) ||
	    ws.is_date) {
		if (read_end(im, c, b, &ws, &o->end, f))
			goto done;
	} else
		o->end = o->start + (m->ei.end - m->ei.start);
	if (o->end < o->start || o->end - o->start > EVENT_MAX_SECONDS) {
		line_fault(im, line, FAULT_INVALID, f, "the changed occurrence "
		    "must not end before it starts and may last at most %d "
		    "days", EVENT_MAX_DAYS);
		goto done;
	}
	if (o->end == o->start) {
		/* As a single event without length: left out (read_master). */
		warn(im, line, "occurrence %.40s of \"%.60s\" ends when it "
		    "starts: hersteld keeps no events without length, so it is "
		    "left out of the series", raw ? raw : "", m->title);
		ret = add_exdate(m, rid, f);
		goto done;
	}
	/* The series' title is inherited, not copied. */
	snprintf(o->title, sizeof(o->title), "%s", strcmp(title, m->title) == 0 ?
	    "" : title);
	o->cancelled = cancelled;
	snprintf(o->cancel_reason, sizeof(o->cancel_reason), "%s", reason);
	o->sequence = icalcomponent_get_sequence(c);
	m->ov_lines[m->novs++] = line;
	ret = 0;
done:
	free(title);
	free(reason);
	free(desc);
	return ret;
}

/* ---- the import ---- */

static void
imp_free(struct imp *im)
{
	for (int i = 0; i < im->nmasters; i++) {
		struct master *m = &im->masters[i];
		free(m->title);
		free(m->description);
		free(m->reason);
		free(m->place);
		free(m->exdates);
		free(m->rdates);
		free(m->periods);
		free(m->ovs);
		free(m->ov_lines);
		free(m->own_uid);
	}
	free(im->masters);
	free(im->byuid);
	free(im->plan);
	for (int i = 0; i < im->ntzs; i++)
		free(im->tzs[i].tzid);
	free(im->tzs);
	if (im->root)
		icalcomponent_free(im->root);
	ics_lines_free(&im->s);
}

/*
 * An RDATE;VALUE=PERIOD of another length than the series' is a changed
 * occurrence, unless a RECURRENCE-ID component changed it (or an EXDATE
 * took it out).
 */
static int
period_overrides(struct master *m, struct fault *f)
{
	for (int i = 0; i < m->nperiods; i++) {
		const struct period *pd = &m->periods[i];
		struct override *o;
		int have = 0;

		for (int k = 0; k < m->novs && !have; k++)
			have = m->ovs[k].recurrence_id == pd->start;
		for (int k = 0; k < m->nexdates && !have; k++)
			have = m->exdates[k] == pd->start;
		if (have)
			continue;
		if (m->novs == m->ovcap) {
			int ncap = m->ovcap ? m->ovcap * 2 : 4;
			struct override *no = realloc(m->ovs, ncap * sizeof(*no));

			if (no == NULL)
				return fault_set(f, FAULT_INTERNAL, "out of "
				    "memory");
			m->ovs = no;
			m->ovcap = ncap;
		}
		o = &m->ovs[m->novs++];
		memset(o, 0, sizeof(*o));
		o->recurrence_id = o->start = pd->start;
		o->end = pd->end;
	}
	return 0;
}

/* Read every VEVENT into im->masters (and their overrides). */
static int
read_events(struct imp *im, struct fault *f)
{
	icalcomponent *c;
	int b = 0;

	if ((im->masters = calloc((size_t)im->s.nevents + 1,
	    sizeof(*im->masters))) == NULL ||
	    (im->byuid = calloc((size_t)im->s.nevents + 1,
	    sizeof(*im->byuid))) == NULL ||
	    (im->plan = calloc((size_t)im->s.nevents + 1,
	    sizeof(*im->plan))) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	/* Pass 1: the series and single events. */
	for (c = icalcomponent_get_first_component(im->root, ICAL_ANY_COMPONENT);
	    c; c = icalcomponent_get_next_component(im->root,
	    ICAL_ANY_COMPONENT)) {
		icalcomponent_kind k = icalcomponent_isa(c);
		const char *uid;
		struct master *m;

		if ((b = ics_lines_next_child(&im->s, 0, b)) < 0)
			return fault_set(f, FAULT_INTERNAL, "the file's "
			    "components are not where they were read");
		if (k == ICAL_VTIMEZONE_COMPONENT || k == ICAL_X_COMPONENT)
			continue;
		if (k != ICAL_VEVENT_COMPONENT) {
			warn(im, im->s.blocks[b].begin, "%s skipped: only events "
			    "(VEVENT) are imported", im->s.blocks[b].name);
			continue;
		}
		if ((uid = icalcomponent_get_uid(c)) == NULL || *uid == '\0')
			return line_fault(im, im->s.blocks[b].begin,
			    FAULT_INVALID, f, "VEVENT without UID");
		if (strlen(uid) >= sizeof(((struct event *)0)->uid))
			return line_fault(im, ics_lines_line_of(&im->s, b, "UID", NULL),
			    FAULT_INVALID, f, "UID is longer than %zu bytes",
			    sizeof(((struct event *)0)->uid) - 1);
		if (check_text(im, b, "UID", uid, 1000, 1, 0, f))
			return -1;
		if (icalcomponent_get_first_property(c,
		    ICAL_RECURRENCEID_PROPERTY))
			continue;
		m = &im->masters[im->nmasters++];
		m->c = c;
		m->block = b;
		m->uid = uid;
		if (read_master(im, m, f))
			return -1;
	}
	for (int i = 0; i < im->nmasters; i++)
		im->byuid[i] = &im->masters[i];
	im->nbyuid = im->nmasters;
	qsort(im->byuid, im->nmasters, sizeof(*im->byuid), uid_cmp);
	for (int i = 1; i < im->nmasters; i++)
		if (strcmp(im->byuid[i - 1]->uid, im->byuid[i]->uid) == 0) {
			const struct master *x = im->byuid[i - 1];
			const struct master *y = im->byuid[i];

			if (x->block > y->block) {
				const struct master *t = x;
				x = y;
				y = t;
			}
			return line_fault(im, im->s.blocks[y->block].begin,
			    FAULT_INVALID, f, "a second event with UID %.100s "
			    "(the first is on line %ld)", y->uid,
			    im->s.blocks[x->block].begin);
		}
	/* Pass 2: changed occurrences, now that every series is known. */
	b = 0;
	for (c = icalcomponent_get_first_component(im->root, ICAL_ANY_COMPONENT);
	    c; c = icalcomponent_get_next_component(im->root,
	    ICAL_ANY_COMPONENT)) {
		if ((b = ics_lines_next_child(&im->s, 0, b)) < 0)
			break;
		if (icalcomponent_isa(c) == ICAL_VEVENT_COMPONENT &&
		    icalcomponent_get_first_property(c,
		    ICAL_RECURRENCEID_PROPERTY) &&
		    read_override(im, c, b, icalcomponent_get_uid(c), f))
			return -1;
	}
	/* What is written: the events not skipped, in file order. */
	for (int i = 0; i < im->nmasters; i++) {
		struct master *m = &im->masters[i];

		if (period_overrides(m, f))
			return -1;
		m->ei.exdates = m->exdates;
		m->ei.nexdates = m->nexdates;
		m->ei.rdates = m->rdates;
		m->ei.nrdates = m->nrdates;
		m->ei.overrides = m->ovs;
		m->ei.noverrides = m->novs;
		if (!m->skipped)
			im->plan[im->nplan++] = m;
	}
	if (im->nplan > 1)
		qsort(im->plan, im->nplan, sizeof(*im->plan), block_cmp);
	return 0;
}

/* An import read and checked, not yet written (import.h). */
struct import_plan {
	struct imp	im;
};

int
import_read(const struct import_in *in, struct import_result *res,
    struct import_plan **out, struct fault *f)
{
	struct import_plan *p;
	struct imp *im;

	memset(res, 0, sizeof(*res));
	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return fault_set(f, FAULT_INTERNAL, "out of memory");
	im = &p->im;
	im->in = in;
	im->res = res;
	im->s.text = in->ics;
	im->s.len = in->len;
	im->s.max_line = IMPORT_MAX_LINE;
	im->s.max_events = IMPORT_MAX_EVENTS;
	im->s.text_caps = 1;
	im->deftz = conf_current()->timezone;
	if (in->len > IMPORT_MAX_BYTES) {
		fault_set(f, FAULT_INVALID, "the file is larger than 10 MiB");
		goto fail;
	}
	if (strlen(in->ics) != in->len) {
		line_fault(im, 1, FAULT_INVALID, f, "not an iCalendar file: it "
		    "contains NUL bytes");
		goto fail;
	}
	if (in->kind && !one_of(in->kind, kinds)) {
		fault_set(f, FAULT_INVALID, "--kind \"%.40s\" is not one of "
		    "themabijeenkomst, dialoogsessie, steungroep, kennissessie, "
		    "netwerksessie, overig", in->kind);
		goto fail;
	}
	if (ics_lines_scan(&im->s, f)) {
		if (im->s.errline)
			im->res->line = im->s.errline;
		goto fail;
	}
	/* libical is not told about a byte order mark. */
	if ((im->root = icalparser_parse_string(in->ics + (in->len >= 3 &&
	    memcmp(in->ics, "\xef\xbb\xbf", 3) == 0 ? 3 : 0))) == NULL ||
	    icalcomponent_isa(im->root) != ICAL_VCALENDAR_COMPONENT) {
		line_fault(im, 1, FAULT_INVALID, f, "not an iCalendar file "
		    "(libical cannot read it as a VCALENDAR)");
		goto fail;
	}
	if (deep_error(im->root)) {
		find_error(im, im->root, 0, f);
		goto fail;
	}
	/* What is left is harmless (real_error): not the file's content. */
	icalcomponent_strip_errors(im->root);
	if (check_zones(im, f) || read_events(im, f))
		goto fail;
	*out = p;
	return 0;
fail:
	import_plan_free(p);
	return -1;
}

int
import_plan_size(const struct import_plan *p)
{
	return p->im.nplan;
}

struct event_import *
import_plan_event(struct import_plan *p, int i, const char **uid,
    const char **title)
{
	struct master *m = p->im.plan[i];

	*uid = m->uid;
	*title = m->title;
	return &m->ei;
}

int
import_plan_refused(struct import_plan *p, int i, const struct fault *lf,
    struct fault *f)
{
	struct master *m = p->im.plan[i];

	if (lf->kind == FAULT_INTERNAL) {
		*f = *lf;
		return -1;
	}
	return line_fault(&p->im, p->im.s.blocks[m->block].begin, lf->kind, f,
	    "\"%.80s\": %s", m->title, lf->msg);
}

void
import_plan_free(struct import_plan *p)
{
	if (p == NULL)
		return;
	imp_free(&p->im);
	free(p);
}

void
import_result_free(struct import_result *r)
{
	for (int i = 0; i < r->nitems; i++) {
		free(r->items[i].uid);
		free(r->items[i].title);
	}
	free(r->items);
	for (int i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}
