/*
 * What the unit tests share: a temporary directory with a configuration
 * installed and a database in it, and putting it all away again.  The
 * clock they read is pinned (testclock.h).
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <sqlite3.h>

/*
 * Make a temporary directory holding a configuration (the database in
 * it, timezone Europe/Amsterdam) and install that configuration; quiet
 * logging.  0, or -1 with the reason on stderr.
 */
int		 testlib_conf(void);
/* The database's path in that directory (valid until testlib_cleanup). */
const char	*testlib_dbpath(void);
/* A connection to that database, migrated to this build's schema; NULL
 * with the reason on stderr.  Close it with testlib_cleanup. */
sqlite3		*testlib_open(void);
/* Close db (may be NULL), put away the configuration and the zones, and
 * remove the directory and what is in it. */
void		 testlib_cleanup(sqlite3 *db);

#endif
