/*
 * Signals (signaleren): what parents ran into with the organisations
 * around them (a letter from UHT, the Buurtteam, the municipality, money),
 * recorded by an organizer or the admin to pass on, and closed with a note
 * of what was done.  A signal is never linked to a person: it keeps only
 * its text, a category, the group that recorded it and optionally the
 * session where it came up.
 */
#ifndef HERSTELD_SIGNAL_H
#define HERSTELD_SIGNAL_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/util.h"

#define SIGNAL_MAX_CHARS	2000
#define SIGNAL_NOTE_MAX_CHARS	1000

struct signal_rec {
	int64_t	id;
	int64_t	event_id;		/* 0: none */
	char	group[64];		/* slug of the recording group, or "" */
	char	category[16];
	char	text[SIGNAL_MAX_CHARS * 4 + 1];
	char	status[8];		/* open, closed */
	char	note[SIGNAL_NOTE_MAX_CHARS * 4 + 1];
	time_t	created, closed;	/* closed: 0 while open */
	int	public;			/* the note is shown on /signals */
};

struct signal_filter {
	time_t		 from, to;	/* created in [from, to) */
	const char	*category;	/* NULL: all */
	const char	*status;	/* NULL: all */
	int64_t		 group_id;	/* 0: every group */
};

/* 1 when s is one of uht, buurtteam, gemeente, financieel, overig. */
int	signal_category_valid(const char *s);

/*
 * Record a signal.  event_id: 0 for none.  category: NULL for "overig".
 * group_id: the recording group (0 for the admin; then the event's group
 * when an event is given).
 */
int	signal_add(sqlite3 *, int64_t event_id, const char *text,
	    const char *category, int64_t group_id, const char *actor,
	    int64_t *id, struct fault *);

/* Signals matching flt, oldest first; cb returns nonzero to stop. */
int	signal_list(sqlite3 *, const struct signal_filter *,
	    int (*cb)(const struct signal_rec *, void *), void *,
	    struct fault *);

/* 0 and out filled, or -1 (not found, or database). */
int	signal_get(sqlite3 *, int64_t id, struct signal_rec *out,
	    struct fault *);

/*
 * Close an open signal with a note of what was done; public: the note is
 * listed on the web page of closed signals (/signals).
 */
int	signal_close(sqlite3 *, int64_t id, const char *note, int public,
	    const char *actor, struct fault *);

/*
 * The closed signals with a public note, most recently closed first, at
 * most limit; cb returns nonzero to stop.
 */
int	signal_public(sqlite3 *, int limit,
	    int (*cb)(const struct signal_rec *, void *), void *,
	    struct fault *);

/* The recording group's id of signal id (0: none); -1 when unknown. */
int64_t	signal_group(sqlite3 *, int64_t id);

#endif
