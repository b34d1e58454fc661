/*
 * Fuzz target: a configuration file through conf_load(), as the daemon
 * reads it at start-up, at reload and for -n.  A refusal must say where
 * (a "file:line: message" text).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hersteld/conf.h"
#include "hersteld/log.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char	path[64];
static int	fd = -1;

static void
remove_file(void)
{
	unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, LOG_LVL_ERROR);
	snprintf(path, sizeof(path), "%s/hersteld-fuzz-conf.XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		perror("mkstemp");
		abort();
	}
	atexit(remove_file);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024] = "";
	struct conf *c;

	if (size > 64 * 1024)
		return 0;
	if (ftruncate(fd, 0) != 0 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size) {
		perror(path);
		abort();
	}
	if ((c = conf_load(path, err, sizeof(err))) == NULL) {
		if (err[0] == '\0') {
			fprintf(stderr, "conf_load refused without a message\n");
			abort();
		}
		return 0;
	}
	if (c->timezone == NULL || c->database == NULL ||
	    c->nleads < 0 || c->nleads > CONF_MAX_LEADS) {
		fprintf(stderr, "conf_load accepted an incomplete config\n");
		abort();
	}
	conf_free(c);
	return 0;
}
