/*
 * Fuzz target: an iCalendar file the whole way from bytes to the events
 * it would write (import_read, no store), then through schedule_import
 * into an in-memory store that is put back after each input.  The same
 * file is imported twice, as a person importing an updated plan would:
 * the second import must change nothing that the first did not.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/import.h"
#include "hersteld/schedule.h"
#include "fuzzenv.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzzenv_store();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_in in = { 0 };
	struct import_result res;
	struct fault f = { 0 };
	char *ics;
	int rc;

	/* Files are capped at 10 MiB; mutations stay far below. */
	if (size > 256 * 1024)
		return 0;
	ics = fuzzenv_string(data, size);
	in.ics = ics;
	in.len = size;
	/* Read alone: the plan holds what the file says, nothing more. */
	{
		struct import_plan *plan = NULL;
		struct import_result pres;

		rc = import_read(&in, &pres, &plan, &f);
		if (rc == 0 && (import_plan_size(plan) < 0 ||
		    import_plan_size(plan) > IMPORT_MAX_EVENTS)) {
			fprintf(stderr, "import_read: %d events\n",
			    import_plan_size(plan));
			abort();
		}
		for (int i = 0; rc == 0 && i < import_plan_size(plan); i++) {
			const char *uid, *title;
			struct event_import *ei;

			ei = import_plan_event(plan, i, &uid, &title);
			if (ei == NULL || uid == NULL || title == NULL ||
			    *uid == '\0') {
				fprintf(stderr, "import_read: event %d has no "
				    "UID\n", i);
				abort();
			}
		}
		if (rc != 0 && f.kind == FAULT_NONE) {
			fprintf(stderr, "import_read failed without saying "
			    "why\n");
			abort();
		}
		import_plan_free(plan);
		import_result_free(&pres);
		memset(&f, 0, sizeof(f));
	}
	rc = schedule_import(fuzzenv_db(), &in, "fuzz", &res, &f);
	if (rc == 0 && res.nitems > IMPORT_MAX_EVENTS) {
		fprintf(stderr, "import: %d items\n", res.nitems);
		abort();
	}
	if (rc != 0 && f.kind == FAULT_NONE) {
		fprintf(stderr, "import failed without saying why\n");
		abort();
	}
	import_result_free(&res);
	if (rc == 0) {
		/* Again: everything is there already. */
		memset(&f, 0, sizeof(f));
		rc = schedule_import(fuzzenv_db(), &in, "fuzz", &res, &f);
		if (rc == 0 && res.added != 0) {
			fprintf(stderr, "a second import added %d events\n",
			    res.added);
			abort();
		}
		import_result_free(&res);
	}
	fuzzenv_reset();
	free(ics);
	return 0;
}
