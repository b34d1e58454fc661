/*
 * The HTTP side (libmicrohttpd): the UNIX socket, where every caller is the
 * admin, and listen.http, where every API call needs a bearer token.
 * Requests are answered from a small thread pool, each thread with its own
 * SQLite connection.
 */
#ifndef HERSTELD_HTTP_H
#define HERSTELD_HTTP_H

#include "hersteld/conf.h"

/*
 * Check what opening c's listeners needs without opening anything: the
 * socket path's length and directory, and that listen.http resolves.
 * http_listen() runs the same checks; 0, or -1 with a message in err.
 */
int	http_check(const struct conf *c, char *err, size_t errlen);
/*
 * Open the listening sockets of c (no threads yet, so the daemon may fork
 * after this); 0, or -1 with a message in err and nothing left open.
 */
int	http_listen(const struct conf *c, char *err, size_t errlen);
/* Start answering on the opened sockets; 0, or -1 with a message. */
int	http_start(char *err, size_t errlen);
/* Stop accepting, let requests in flight finish, and close. */
void	http_stop(void);

/* Whether a (decoded) URL path is one of the feeds of feed.h. */
int	http_feed_path(const char *url);

#endif
