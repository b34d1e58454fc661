/*
 * Events: single sessions and series (RRULE + EXDATE), per-occurrence
 * overrides (moved, changed or cancelled occurrences), status and
 * SEQUENCE.  An event is held in a room, at a location, or at an outside
 * place; its times are read and shown in that place's zone.
 */
#ifndef HERSTELD_EVENT_H
#define HERSTELD_EVENT_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/recur.h"
#include "hersteld/util.h"

#define TITLE_MAX_CHARS		200
#define DESC_MAX_CHARS		10000
#define PLACE_MAX_CHARS		500
/*
 * One occurrence lasts at most a year; one held in a room at most a week,
 * as a room booking does (BOOKING_MAX_SECONDS: the overlap queries on
 * booking slots look back that far).
 */
#define EVENT_MAX_DAYS		366
#define EVENT_MAX_SECONDS	((long)EVENT_MAX_DAYS * 86400)
#define EVENT_ROOM_MAX_DAYS	7
#define EVENT_ROOM_MAX_SECONDS	((long)EVENT_ROOM_MAX_DAYS * 86400)
#define EVENT_MAX_EXCEPT	200
/* Extra dates (RDATE) of one series, as many as EXDATEs of an import. */
#define EVENT_MAX_RDATES	1000
/*
 * The rule of a series of extra dates alone: DTSTART is always the first
 * occurrence (RFC 5545 3.8.5.2), so with it the occurrences are DTSTART
 * and the extra dates, as without a rule.
 */
#define EVENT_RDATE_ONLY_RULE	"FREQ=DAILY;COUNT=1"

struct override {
	time_t	recurrence_id;		/* original start (UTC) */
	time_t	start, end;
	char	title[TITLE_MAX_CHARS * 4 + 1];	/* "" inherits */
	int64_t	room_id;		/* 0 inherits */
	char	room[130];
	int	cancelled;
	char	cancel_reason[2001];
	int	sequence;
};

struct event {
	int64_t		 id;
	char		 uid[160];
	char		 kind[24];
	char		 title[TITLE_MAX_CHARS * 4 + 1];
	char		*description;	/* owned */
	char		 themes[512];
	int64_t		 group_id;
	char		 group[64];
	int64_t		 room_id;
	char		 room[130];	/* "LOC/ROOM" or "" */
	int64_t		 location_id;	/* the room's location, or the location */
	char		 location[64];
	char		 place[PLACE_MAX_CHARS * 4 + 1];
	char		 timezone[72];
	icaltimezone	*zone;		/* borrowed: when_zone(timezone) */
	time_t		 start, end;	/* the first occurrence */
	int		 days;		/* 0: timed; N: N whole dates */
	char		 rrule[RECUR_MAX_LEN + 1];
	time_t		 span_end;	/* 0: open-ended */
	long		 capacity;	/* 0: not set */
	char		 visibility[12];
	char		 status[12];
	int		 sequence;
	char		 cancel_reason[2001];
	time_t		 created, modified;
	int		 ideas;		/* a proposal open for topics on the web */
	time_t		*exdates;	/* owned; original starts */
	int		 nexdates;
	/*
	 * Owned, in order: extra occurrences of a series besides its rule's
	 * (RDATE), as original starts; one that is also an occurrence of the
	 * rule is that occurrence (the set of instants, as libical's
	 * icalcomponent_foreach_recurrence has it).
	 */
	time_t		*rdates;
	int		 nrdates;
	struct override	*overrides;	/* owned */
	int		 noverrides;
};

struct booking_viewer;
struct conflicts;

/* What the API passes in; NULL / -1 means "not given". */
struct event_in {
	const char	*kind, *title, *description, *themes, *group;
	const char	*room, *location, *place;
	const char	*start, *end, *duration, *rrule;
	const char	*date;		/* a day event: its (first) date */
	long		 days;		/* its number of dates; 0: not given */
	const char	**except;
	int		 nexcept;
	long		 capacity;	/* -1: not given */
	const char	*visibility;
	int		 propose;	/* add: status proposed */
	const char	*occurrence;	/* edit/cancel: one occurrence (date) */
	const char	*following;	/* edit/cancel: this one and later */
	const char	*reason;	/* cancel */

	/* The room an event holds (see booking.h): who asks, whether they
	 * may confirm a room that needs approval, and where occurrences that
	 * do not fit are reported (NULL: only the fault says so). */
	int				 confirm;
	const struct booking_viewer	*viewer;
	struct conflicts		*refused;
};

/* One occurrence as shown in lists. */
struct occurrence {
	const struct event	*ev;
	time_t			 recurrence_id;	/* 0 for a single event */
	time_t			 start, end;
	const char		*title;
	const char		*room;		/* effective "LOC/ROOM" or "" */
	int			 cancelled;
	int			 moved;
	int			 sequence;
};

/* Who is looking: events outside the scope are invisible. */
struct event_scope {
	int	all;			/* admin */
	int64_t	group_id;		/* organizer: own group's events */
	int64_t	location_id;		/* manager: events at own location */
	const int64_t *cohosted;	/* organizer: events its group co-hosts,
					 * sorted (see cohost_events) */
	size_t	ncohosted;
};

struct event_filter {
	time_t		 from, to;
	const char	*kind;
	const char	*group;		/* slug */
	const char	*status;
};

/* Free an event from event_get. */
void	event_free(struct event *);

/* Load an event with its exdates and overrides; NULL with f filled. */
struct event *event_get(sqlite3 *, int64_t id, struct fault *);

/* Whether scope may see ev. */
int	event_visible(const struct event *, const struct event_scope *);

/*
 * Writing events.  The event_check_* functions check the input alone and
 * write nothing.  The others write the event's own rows inside the
 * caller's transaction (schedule.c opens it and adds what follows from
 * the change: the room, registrations, notices, the audit row); on
 * failure the caller rolls back.  0, or -1 with f filled.
 */
int	event_check_add(const struct event_in *, struct fault *);
int	event_check_edit(const struct event_in *, struct fault *);
int	event_check_cancel(const struct event_in *, struct fault *);
/* A proposal, as publishing needs; otherwise FAULT_CONFLICT. */
int	event_check_proposed(const struct event *, struct fault *);

/* Insert a new event; its id in *id. */
int	event_insert(sqlite3 *, const struct event_in *, int64_t *id,
	    struct fault *);
/*
 * Change a whole series (or a single event), one occurrence (in->occurrence)
 * or an occurrence and all after it (in->following: the series is split
 * and the new part's id is put in *new_id, 0 otherwise).  detail[len]
 * says which, for the audit.
 */
int	event_update(sqlite3 *, const struct event *, const struct event_in *,
	    int64_t *new_id, char *detail, size_t len, struct fault *);
/*
 * Cancel a whole event, one occurrence, or (in->following) an occurrence
 * and all after it: the series is split and the later part, with its id
 * in *new_id, is cancelled; it stays listed as cancelled.
 */
int	event_set_cancelled(sqlite3 *, const struct event *,
	    const struct event_in *, int64_t *new_id, char *detail, size_t len,
	    struct fault *);
int	event_set_published(sqlite3 *, const struct event *, struct fault *);
/*
 * Replace the description of event id, as it is (the caller checked
 * it), inside the caller's transaction; the SEQUENCE stays.  0 or -1.
 */
int	event_set_description(sqlite3 *, int64_t id, const char *description,
	    struct fault *);
int	event_delete(sqlite3 *, int64_t id, struct fault *);

/*
 * One event as a calendar file describes it (see import.h): times already
 * resolved to UTC, texts already checked.  Borrowed for the call.
 */
struct event_import {
	const char		*uid;
	const char		*kind;		/* NULL: keep (a new event: overig) */
	int64_t			 group_id;	/* 0: keep (a new event: none) */
	const char		*title;
	const char		*description;
	const char		*themes;	/* "a,b" */
	const char		*place;		/* outside place, "" for none */
	const char		*timezone;	/* IANA id the times are read in */
	time_t			 start, end;	/* the first occurrence */
	int			 days;		/* a day event: its dates */
	const char		*rrule;		/* "" for a single event */
	int			 cancelled;
	const char		*cancel_reason;
	int			 sequence;	/* the file's SEQUENCE */
	const time_t		*exdates;	/* occurrences of rrule or rdates */
	int			 nexdates;
	const time_t		*rdates;	/* extra starts (RDATE), after
						   start; rrule is set */
	int			 nrdates;
	/*
	 * Changed occurrences, keyed by recurrence_id (an occurrence of
	 * rrule); title "" inherits the event's; room_id is not read.
	 */
	const struct override	*overrides;
	int			 noverrides;
};

enum event_import_outcome {
	EVENT_IMPORT_UNCHANGED,
	EVENT_IMPORT_ADDED,
	EVENT_IMPORT_UPDATED
};

/*
 * Create the event with in->uid (published, public, at in->place), or
 * bring the stored one in line with in: its exdates and overrides become
 * in's, SEQUENCE is bumped when time, place, recurrence or cancellation
 * changed and raised to in->sequence when that is higher.  An event held
 * in a room or at a location keeps where it is.  Nothing is written when
 * nothing differs (*outcome UNCHANGED).  only_group: when nonzero, an
 * existing event of another group is refused.  When the event was
 * UPDATED, *before is the event as it was (caller frees it with
 * event_free), for what follows from the change; NULL otherwise.  Runs
 * inside the caller's transaction and writes no audit row; on failure
 * the caller rolls back.
 */
int	event_import(sqlite3 *, const struct event_import *, int64_t only_group,
	    int64_t *id, enum event_import_outcome *outcome,
	    struct event **before, struct fault *);

/*
 * Each occurrence in [filter->from, filter->to) visible to scope, in order
 * of start.  cb returns nonzero to stop.
 */
int	event_list(sqlite3 *, const struct event_filter *,
	    const struct event_scope *,
	    int (*cb)(const struct occurrence *, void *), void *, struct fault *);

/*
 * Each event with an occurrence in [from, to) (a series whose span
 * reaches into it), loaded with its exdates and overrides, in order of
 * start; cb returns nonzero to stop.  No visibility filter: callers decide.
 */
int	event_each(sqlite3 *, time_t from, time_t to,
	    int (*cb)(const struct event *, void *), void *, struct fault *);

/*
 * The original start of ev's occurrence on local date ("YYYY-MM-DD");
 * -1 with f filled when ev is not a series, or has none that day, or it
 * was excluded.
 */
int	event_pick(const struct event *, const char *date, time_t *rid,
	    struct fault *);

/*
 * The end of ev's occurrence that starts at start: as long as the first,
 * or, for a day event, the start of the date ev->days dates later (a day
 * is 23 or 25 hours long when the clocks change).
 */
time_t	event_end_of(const struct event *, time_t start);
/* The number of dates from start's to end's (local in z). */
int	event_dates(time_t start, time_t end, icaltimezone *z);
/* Whether rid is one of ev's extra dates (RDATE). */
int	event_is_rdate(const struct event *, time_t rid);

/* The change made to occurrence rid (original start), or NULL. */
const struct override *event_override(const struct event *, time_t rid);

/* The occurrence with original start rid (overrides applied). */
void	event_occurrence(const struct event *, time_t rid, struct occurrence *);

/*
 * The occurrences of one event in [from, to), overrides applied, in order;
 * cb as above.  Returns the count or -1.
 */
long	event_occurrences(const struct event *, time_t from, time_t to,
	    int (*cb)(const struct occurrence *, void *), void *);
/* The same, the rule expanded through recur_expand_memo (recur.h). */
long	event_occurrences_memo(const struct event *, time_t from, time_t to,
	    int (*cb)(const struct occurrence *, void *), void *);

#endif
