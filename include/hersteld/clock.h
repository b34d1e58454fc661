/*
 * The daemon's one clock.  Every place that needs "now" (validation of
 * input in the past, due times of mail, the booking horizon, audit and
 * modification stamps) asks clock_now(), never time(2), so that the unit
 * tests can link a pinned clock in place of daemon/clock.c.  The daemon
 * itself has no way to set it: tests of the whole program move the clock
 * from outside with libfaketime.
 */
#ifndef HERSTELD_CLOCK_H
#define HERSTELD_CLOCK_H

#include <time.h>

/* The current time in UTC seconds. */
time_t	clock_now(void);

#endif
