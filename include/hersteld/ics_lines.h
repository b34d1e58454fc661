/*
 * The content lines and components of an iCalendar text with their line
 * numbers, for messages that name the line to look at.  The caller fills
 * text, len and the limits of a zeroed struct ics_lines, calls
 * ics_lines_scan, reads lines and blocks, and frees with ics_lines_free.
 */
#ifndef HERSTELD_ICS_LINES_H
#define HERSTELD_ICS_LINES_H

#include <stddef.h>

#include "hersteld/util.h"

#define ICS_NAME_LEN	32

/* One content line (unfolded): where it starts and what it names. */
struct ics_line {
	long	lineno;			/* physical line of its first part */
	size_t	off, end;		/* raw bytes, folds included */
	int	block;			/* the component it is in */
	char	name[ICS_NAME_LEN];	/* upper case */
};

/* One BEGIN..END. */
struct ics_block {
	char	name[ICS_NAME_LEN];
	int	parent;			/* -1 for the calendar */
	long	begin, end;		/* physical lines */
	size_t	first, last;		/* its lines are in [first, last) */
};

struct ics_lines {
	/* set by the caller; text is borrowed */
	const char	*text;
	size_t		 len;
	size_t		 max_line;	/* bytes of one content line */
	int		 max_events;	/* VEVENTs; components: 8 times that */
	int		 text_caps;	/* refuse event texts past ics_caps.h */
	/* the result */
	struct ics_line	*lines;
	size_t		 nlines, lcap;
	struct ics_block *blocks;
	int		 nblocks, bcap;
	int		 open;		/* innermost open block, or -1 */
	int		 depth;
	int		 nevents;
	long		 last;		/* number of physical lines */
	long		 errline;	/* the line the first refusal names */
	char		*buf;		/* one unfolded line */
	size_t		 bufcap;
};

/*
 * Read every content line of s->text: the calendar must be one
 * VCALENDAR with well-formed, properly nested components.  0, or -1 with
 * "line N: ..." in f and N in s->errline (0 when out of memory).
 */
int	ics_lines_scan(struct ics_lines *, struct fault *);

/*
 * The unfolded text of raw bytes [off, end) of s->text; borrowed, valid
 * until the next call.  NULL when out of memory.
 */
char	*ics_lines_unfold(struct ics_lines *, size_t off, size_t end);

/* A short, printable quote of a line for messages into out (len bytes). */
void	ics_lines_quote(const char *line, char *out, size_t len);

/*
 * The line of the first property `name` of block b, preferring one whose
 * text has needle; the block's BEGIN line when it has no such property.
 */
long	ics_lines_line_of(const struct ics_lines *, int b, const char *name,
	    const char *needle);

/* The children of block b, in order: the next one after `after`, or -1. */
int	ics_lines_next_child(const struct ics_lines *, int b, int after);

void	ics_lines_free(struct ics_lines *);

#endif
