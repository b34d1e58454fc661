/*
 * What the fuzz harnesses share: a quiet log, an installed configuration,
 * and an in-memory store with the project's schema and a small fixture
 * (locations, rooms, groups, participants, events) made through the API,
 * put back as it was after every input that wrote to it.  Linked with the
 * pinned clock of tests/unit/testclock.c, so that runs are repeatable.
 */
#ifndef FUZZENV_H
#define FUZZENV_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "hersteld/token.h"

/* Quiet log and the configuration in force; aborts when it cannot. */
void	fuzzenv_conf(void);

/* fuzzenv_conf, then the in-memory store with the fixture in it. */
void	fuzzenv_store(void);

/* The store's connection (this thread's store_db()). */
sqlite3	*fuzzenv_db(void);

/* Put the store back to the fixture if the last input changed it. */
void	fuzzenv_reset(void);

/* The admin, an organizer of group "lotgenoten" and a manager of location
 * "herstelhuis" (ids filled in by fuzzenv_store). */
extern struct principal fuzzenv_admin, fuzzenv_organizer,
	fuzzenv_manager;

/* A NUL-terminated copy of data[0..size); caller frees.  Aborts on OOM. */
char	*fuzzenv_string(const uint8_t *data, size_t size);

/*
 * A query string "a=1&b=2" as the api_req query callback wants it.
 * fuzzenv_query_set keeps a copy (at most 16 pairs, %XX decoded);
 * fuzzenv_query is the callback, with arg unused.
 */
void	 fuzzenv_query_set(const char *qs);
const char *fuzzenv_query(void *arg, const char *name);

#endif
