/*
 * Participants: an email address and how its owner wants to be reached
 * (language, reminder lead times, quiet hours), nothing else.  Each has
 * two secrets: the token of their personal feed and the token of their
 * unsubscribe link.  Forgetting a person (schedule_participant_forget)
 * erases their row, registrations, follows and every message to them,
 * sent or not.
 */
#ifndef HERSTELD_PARTICIPANT_H
#define HERSTELD_PARTICIPANT_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/conf.h"
#include "hersteld/group.h"
#include "hersteld/util.h"

#define PARTICIPANT_NAME_MAX_CHARS	100
#define PARTICIPANT_MAX_LEAD		(90L * 86400)
#define PARTICIPANT_TOKEN_LEN		64	/* hex characters */

struct participant {
	int64_t	id;
	char	email[EMAIL_MAX_BYTES + 1];
	char	name[PARTICIPANT_NAME_MAX_CHARS * 4 + 1];
	char	lang[4];
	long	leads[CONF_MAX_LEADS];	/* seconds, largest first */
	int	nleads;
	char	leads_text[128];	/* "7d,1d" or "none" */
	int	quiet_from, quiet_to;	/* minutes after midnight; -1: none */
	char	quiet_text[48];		/* "21:00-08:00" or "none" */
	char	feed_token[PARTICIPANT_TOKEN_LEN + 1];
	char	unsub_token[PARTICIPANT_TOKEN_LEN + 1];
	time_t	unsubscribed;		/* 0: receives mail */
	time_t	created, modified;
};

/* What the API passes in; NULL means "not given" (edit: keep). */
struct participant_in {
	const char	*email, *name, *lang;
	const char	*remind;	/* "7d,1d,2h" or "none" */
	const char	*quiet;		/* "21:00-08:00" or "none" */
	int		 resubscribe;	/* edit: mail again after unsubscribe */
};

/* Parse "7d,1d,2h" (or "none") into leads, largest first. */
int	participant_parse_leads(struct fault *, const char *s, long *leads,
	    int *n);
/* Parse "21:00-08:00" (or "none": -1, -1). */
int	participant_parse_quiet(struct fault *, const char *s, int *from,
	    int *to);
/* The leads as text ("7d,1d", "1h30m") into out. */
void	participant_leads_text(const long *leads, int n, char *out, size_t len);

/*
 * Add a person.  group_id 0 (the admin): an address that exists already
 * is a conflict.  Else the organizer's group comes to know the person
 * (participant_known), and an existing address is no error: nothing of
 * that person changes, and *id is theirs.
 */
int	participant_add(sqlite3 *, const struct participant_in *,
	    int64_t group_id, const char *actor, int64_t *id, struct fault *);
/*
 * Change a participant, inside the caller's transaction
 * (schedule_participant_edit); their id in *id.  participant_check_edit
 * checks the input alone.
 */
int	participant_check_edit(const struct participant_in *, struct fault *);
int	participant_update(sqlite3 *, const char *ref,
	    const struct participant_in *, int64_t *id, struct fault *);
/* ref: a decimal id or an address.  0, or -1 with f (not found). */
int	participant_get(sqlite3 *, const char *ref, struct participant *,
	    struct fault *);
/*
 * Whether an organizer of group_id may name participant pid: its group
 * added them, or they are registered for a session the group owns or
 * co-hosts and is shown the attendees of.  1, 0, or -1 (database).
 */
int	participant_known(sqlite3 *, int64_t pid, int64_t group_id);
/*
 * participant_get for an organizer of group_id (0: the admin, anyone):
 * a person it may not name is refused with the very fault an unknown id
 * or address gets.
 */
int	participant_get_for(sqlite3 *, const char *ref, int64_t group_id,
	    struct participant *, struct fault *);
int	participant_get_id(sqlite3 *, int64_t id, struct participant *,
	    struct fault *);
/* By feed or unsubscribe token: 0, or -1 when none matches. */
int	participant_by_feed_token(sqlite3 *, const char *token,
	    struct participant *);
int	participant_list(sqlite3 *,
	    int (*cb)(const struct participant *, void *), void *,
	    struct fault *);
/*
 * Delete the person's row (registrations and follows go by cascade) and
 * every outbox message to them, inside the caller's transaction
 * (schedule_participant_forget, which first lets their places go).
 */
int	participant_delete(sqlite3 *, int64_t id, struct fault *);
/*
 * The one-click unsubscribe: no more mail to this address; pending
 * messages are dropped.  1 when the token matched (again, harmlessly),
 * 0 when it did not, -1 on a database error.
 */
int	participant_unsubscribe(sqlite3 *, const char *token);

/* Whether an unsubscribe token is someone's: 1, 0, or -1 (database). */
int	participant_unsub_known(sqlite3 *, const char *token);

/* Follow or stop following a group's announcements. */
int	participant_follow(sqlite3 *, const char *ref, const char *group,
	    int on, const char *actor, struct fault *);
/* The slugs of the groups ref follows, "a,b" into out. */
int	participant_follows(sqlite3 *, int64_t id, char *out, size_t len,
	    struct fault *);

#endif
