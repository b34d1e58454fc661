/*
 * The pinned clock of the unit tests: linked in place of daemon/clock.c,
 * so that every module's clock_now() answers what the test set.  It
 * starts at TESTCLOCK_START, the "now" the tests' fixed dates were written
 * against, and only moves when a test moves it.
 */
#ifndef TESTCLOCK_H
#define TESTCLOCK_H

#include <time.h>

/* Monday 23 November 2026, 12:00 UTC (13:00 in Amsterdam). */
#define TESTCLOCK_START	((time_t)1795435200)

/* Pin clock_now() at t. */
void	testclock_set(time_t t);
/* Move the pinned clock by secs (may be negative). */
void	testclock_advance(time_t secs);

#endif
