/*
 * herstelctl import FILE.ics [--group G] [--kind K]
 * Placeholder until the import lands.
 */
#include <stdio.h>
#include <sysexits.h>

#include "cli.h"

int
cmd_import(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "herstelctl: import is not available yet\n");
	return EX_UNAVAILABLE;
}
