/*
 * The caps an import applies while it reads the lines of a calendar file,
 * before anything parses the file as a whole: herstelctl checks them
 * before it sends the file, hersteld before libical parses it.  A line
 * past a cap is refused at once, with the message the full check would
 * give, instead of after megabytes of JSON and iCalendar parsing.
 */
#ifndef HERSTELD_ICS_CAPS_H
#define HERSTELD_ICS_CAPS_H

#include <stddef.h>
#include <string.h>

#define ICS_CAP_LINE	(1024 * 1024)	/* bytes of one content line */

/*
 * The text fields of an event: SUMMARY, DESCRIPTION and LOCATION hold at
 * most title, description and place (TITLE_MAX_CHARS, DESC_MAX_CHARS and
 * PLACE_MAX_CHARS in event.h) characters.  Of a cancelled event they also
 * hold "Afgelast: " and a reason of up to 500 characters with a blank
 * line; ICS_CAP_SLACK covers that, so a line refused early is one the
 * full check refuses too.
 */
#define ICS_CAP_TITLE	200
#define ICS_CAP_DESC	10000
#define ICS_CAP_PLACE	500
#define ICS_CAP_SLACK	(10 + 500 + 2)

/* The cap of property name (upper case) in a VEVENT, or -1: none. */
static inline long
ics_cap_of(const char *name)
{
	return strcmp(name, "SUMMARY") == 0 ? ICS_CAP_TITLE :
	    strcmp(name, "DESCRIPTION") == 0 ? ICS_CAP_DESC :
	    strcmp(name, "LOCATION") == 0 ? ICS_CAP_PLACE : -1;
}

/*
 * The characters of an unfolded TEXT value as libical unescapes it
 * (RFC 5545 3.3.11): UTF-8 sequences and backslash escapes count once.
 */
static inline long
ics_text_chars(const char *v)
{
	long n = 0;

	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if ((*p & 0xc0) == 0x80)
			continue;
		n++;
	}
	return n;
}

#endif
