/*
 * Import of an iCalendar file (a yearly plan exported from another
 * calendar) as events: each VEVENT keyed by its UID, series with their
 * EXDATEs and RECURRENCE-ID exceptions.  The whole file is read and
 * checked before anything is written, then written in one transaction:
 * a malformed file is refused with the line it broke on and changes
 * nothing, and a file that matches the store changes nothing either.
 */
#ifndef HERSTELD_IMPORT_H
#define HERSTELD_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/util.h"

#define IMPORT_MAX_BYTES	(10 * 1024 * 1024)	/* the file */
#define IMPORT_MAX_LINE		(1024 * 1024)		/* one content line */
#define IMPORT_MAX_EVENTS	20000			/* VEVENTs in it */
#define IMPORT_MAX_WARNINGS	100

struct import_in {
	const char		*ics;		/* the file, NUL-terminated */
	size_t			 len;		/* its length in bytes */
	const char		*group;		/* slug; NULL: none given */
	const char		*kind;		/* default kind; NULL: overig */
	int64_t			 only_group;	/* nonzero: an organizer's group */
	const struct event_in	*ctx;		/* room context (may be NULL) */
};

/* One event of the file and what became of it. */
struct import_item {
	int64_t				 id;
	char				*uid;		/* owned */
	char				*title;		/* owned */
	enum event_import_outcome	 outcome;
};

struct import_result {
	int			 added, updated, unchanged;
	struct import_item	*items;		/* owned; in file order */
	int			 nitems;
	char			**warnings;	/* owned: what was skipped, why */
	int			 nwarnings;
	long			 line;		/* on failure: the line, or 0 */
};

/*
 * Import in->ics.  0 with res filled, or -1 with f saying what was wrong
 * ("line 14: ...") and res->line set when a line is to blame; nothing is
 * written then.  The audit row (one per import, with the counts) is
 * written only when something changed.  Free res with import_result_free
 * in both cases.
 */
int	import_ics(sqlite3 *, const struct import_in *, const char *actor,
	    struct import_result *res, struct fault *);
void	import_result_free(struct import_result *);

#endif
