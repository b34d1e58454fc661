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
#include "hersteld/ics_caps.h"
#include "hersteld/util.h"

#define IMPORT_MAX_BYTES	(10 * 1024 * 1024)	/* the file */
#define IMPORT_MAX_LINE		ICS_CAP_LINE		/* one content line */
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
 * Read and check in->ics without writing anything: 0 with *plan holding
 * the events the file would write (free it with import_plan_free), or -1
 * with f saying what was wrong ("line 14: ...") and res->line set when a
 * line is to blame.  res collects the warnings (what was skipped, why);
 * schedule_import writes the plan and fills in the rest of res.  Free
 * res with import_result_free in both cases.
 */
struct import_plan;
int	import_read(const struct import_in *, struct import_result *res,
	    struct import_plan **plan, struct fault *);
/* The number of events in the plan, and event i (borrowed until
 * import_plan_free) with its UID and title. */
int	import_plan_size(const struct import_plan *);
struct event_import *import_plan_event(struct import_plan *, int i,
	    const char **uid, const char **title);
/* f says that writing event i was refused for lf, on its line; -1. */
int	import_plan_refused(struct import_plan *, int i,
	    const struct fault *lf, struct fault *f);
void	import_plan_free(struct import_plan *);
void	import_result_free(struct import_result *);

#endif
