/* Placeholder until the event noun lands. */
#include <stdio.h>
#include <sysexits.h>
#include "cli.h"

int
cmd_event(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "herstelctl: not implemented yet\n");
	return EX_SOFTWARE;
}
