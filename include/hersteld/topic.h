/*
 * Topics: what a proposed session should be about, suggested by its
 * organizers, co-hosts and (through them) participants, voted on, and
 * accepted or rejected.  When the session is published its accepted
 * topics become a paragraph of its description.  Votes are counted, never
 * shown by name.
 */
#ifndef HERSTELD_TOPIC_H
#define HERSTELD_TOPIC_H

#include <stdint.h>
#include <time.h>
#include <sqlite3.h>

#include "hersteld/event.h"
#include "hersteld/util.h"

#define TOPIC_MAX_CHARS		500
/* The paragraph publishing adds: "Onderwerpen: a; b; c". */
#define TOPIC_HEADING		"Onderwerpen: "

struct topic {
	int64_t	id;
	int64_t	event_id;
	char	text[TOPIC_MAX_CHARS * 4 + 1];
	char	status[12];		/* open, accepted, rejected */
	long	votes;
	int	by_participant;		/* suggested on a participant's behalf */
	int	shown;			/* 0: from the web, not yet let through */
	time_t	created;
};

/*
 * Suggest a topic for event id.  participant: an id or an email address
 * (NULL: the organizer's own suggestion), named as an organizer of
 * group_id may name people (participant_get_for; 0: the admin).  Refused
 * on a cancelled event and on a published one whose last occurrence has
 * ended.  shown 0: a suggestion from the web, which the web pages show
 * only once an organizer let it through (topic_allow, or accepted).
 */
int	topic_suggest(sqlite3 *, int64_t event_id, const char *text,
	    const char *participant, int64_t group_id, int shown,
	    const char *actor, int64_t *id, struct fault *);

/* Let a suggestion from the web through: the web pages show it. */
int	topic_allow(sqlite3 *, int64_t id, const char *actor, struct fault *);

/*
 * Open (on) or close a proposed event for topics and votes on the web
 * (its page, and the personal pages of people with a link).
 */
int	topic_ideas(sqlite3 *, int64_t event_id, int on, const char *actor,
	    struct fault *);

/*
 * One vote on topic id: for participant (id or email, named as for
 * topic_suggest) when given, else for the caller (actor).  A second vote
 * by the same voter is a conflict and writes nothing.
 */
int	topic_vote(sqlite3 *, int64_t id, const char *participant,
	    int64_t group_id, const char *actor, struct fault *);

/* Set a topic's status to "accepted" or "rejected". */
int	topic_decide(sqlite3 *, int64_t id, const char *status,
	    const char *actor, struct fault *);

/* 0 and out filled (with its vote count), or -1 with f filled. */
int	topic_get(sqlite3 *, int64_t id, struct topic *out, struct fault *);

/* Topics of an event, most votes first, then by id. */
int	topic_list(sqlite3 *, int64_t event_id,
	    int (*cb)(const struct topic *, void *), void *, struct fault *);

/*
 * Append the accepted topics of ev to its description ("\n\nOnderwerpen:
 * a; b; c", most votes first), inside the caller's transaction; nothing
 * when none was accepted.  0, or -1 when the description would grow past
 * its limit.
 */
int	topic_publish(sqlite3 *, const struct event *ev, struct fault *);

/* Whether ev still takes topics and votes: 0, or -1 with f saying why. */
int	topic_open(const struct event *ev, time_t now, struct fault *);

#endif
