/*
 * The runner of nouns whose verbs are data.  A struct noun_spec says what a
 * noun's verbs are called, what their usage lines read, which options set
 * which JSON members, which API collection holds the objects and which
 * columns list and show print; noun_run() turns argv into the one API call
 * and the answer into a table, an object or JSON.  Verbs that need more
 * (room availability, participant follow, ...) are functions named in the
 * table and get argv as a cmd_* function would.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"

#define OPTS_MAX	32	/* options of one noun; parse_opts takes 38 */
#define OPT_VAL		0x100	/* getopt value of opts[i] is OPT_VAL + i */

struct body_args {
	const struct noun_spec	*noun;
	const char		*usage;
	json_t			*body;
	int			 edit;
};

static void
usage_print(FILE *fp, const struct noun_spec *n)
{
	const struct verb_spec *v;

	if (n->synopsis != NULL)
		fprintf(fp, "usage: %s", n->synopsis);
	else {
		fprintf(fp, "usage: herstelctl %s ", n->name);
		for (v = n->verbs; v->name != NULL; v++)
			fprintf(fp, "%s%s", v == n->verbs ? "" : "|", v->name);
		fprintf(fp, " ...");
	}
	for (v = n->verbs; v->name != NULL; v++)
		fprintf(fp, "\n  %s", v->usage);
	if (n->help_tail != NULL)
		fprintf(fp, "\n%s", n->help_tail);
	fprintf(fp, "\n");
}

static void
on_opt(int ch, const char *val, void *arg)
{
	struct body_args *a = arg;
	const struct noun_opt *o = &a->noun->opts[ch - OPT_VAL];
	char name[64];

	snprintf(name, sizeof(name), "--%s", o->name);
	if ((o->flags & OPT_EDIT_ONLY) && !a->edit)
		usage_error(a->usage, "%s is for edit", name);
	switch (o->type) {
	case OPT_STRING:
		set_str(a->body, o->field, val, a->usage);
		break;
	case OPT_INT:
		json_object_set_new(a->body, o->field,
		    json_integer(parse_count(a->usage, name, val)));
		break;
	case OPT_TRUE:
	case OPT_FALSE:
		json_object_set_new(a->body, o->field,
		    json_boolean(o->type == OPT_TRUE));
		break;
	}
}

/* Parse add's or edit's options into a->body; returns the first operand. */
static int
body_parse(int argc, char **argv, struct body_args *a)
{
	const struct noun_opt *o = a->noun->opts;
	struct option lo[OPTS_MAX + 1];
	int n = 0;

	for (; o != NULL && o[n].name != NULL && n < OPTS_MAX; n++)
		lo[n] = (struct option){ o[n].name, o[n].type == OPT_STRING ||
		    o[n].type == OPT_INT ? required_argument : no_argument, NULL,
		    OPT_VAL + n };
	lo[n] = (struct option){ 0 };
	return parse_opts(argc - 1, argv + 1, a->usage, lo, on_opt, a) + 1;
}

char *
room_arg(int argc, char **argv, int first, const char *usage)
{
	char *slash, *l, *r, *out;
	size_t n;

	if (first >= argc)
		usage_error(usage, "which room? give LOC/ROOM");
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	if ((slash = strchr(argv[first], '/')) == NULL || slash == argv[first] ||
	    slash[1] == '\0' || strchr(slash + 1, '/'))
		usage_error(usage, "room \"%s\" must be named LOC/ROOM",
		    argv[first]);
	*slash = '\0';
	l = client_escape(argv[first]);
	r = client_escape(slash + 1);
	*slash = '/';
	n = strlen(l) + strlen(r) + 8;
	if ((out = malloc(n)) == NULL) {
		fprintf(stderr, "herstelctl: out of memory\n");
		exit(EX_OSERR);
	}
	snprintf(out, n, "%s/%s", l, r);
	free(l);
	free(r);
	return out;
}

char *
who_arg(int argc, char **argv, int first, int want, const char *usage)
{
	if (first >= argc)
		usage_error(usage, "which participant? give an ID or address");
	if (first + want < argc)
		usage_error(usage, "unexpected argument \"%s\"",
		    argv[first + want]);
	if (argv[first][0] == '\0' || strchr(argv[first], '/'))
		usage_error(usage, "\"%s\" is not a participant id or address",
		    argv[first]);
	return client_escape(argv[first]);
}

/* The one operand naming an object, escaped for a path; caller frees. */
static char *
key_arg(const struct noun_spec *n, int argc, char **argv, int first,
    const char *usage)
{
	char buf[32];

	switch (n->key) {
	case KEY_SLUG:
		return slug_arg(argc, argv, first, usage, n->what);
	case KEY_ROOM:
		return room_arg(argc, argv, first, usage);
	case KEY_WHO:
		return who_arg(argc, argv, first, 1, usage);
	case KEY_ID:
		break;
	}
	if (first >= argc)
		usage_error(usage, "which %s? give its ID", n->what);
	if (first + 1 < argc)
		usage_error(usage, "unexpected argument \"%s\"", argv[first + 1]);
	snprintf(buf, sizeof(buf), "%lld", parse_id(usage, "ID", argv[first]));
	return strdup(buf);
}

/* The strings up to a NULL put together in a new string; caller frees. */
static char *
cat(const char *s, ...)
{
	va_list ap;
	const char *t;
	size_t len = 1;
	char *p;

	va_start(ap, s);
	for (t = s; t != NULL; t = va_arg(ap, const char *))
		len += strlen(t);
	va_end(ap);
	if ((p = malloc(len)) == NULL) {
		fprintf(stderr, "herstelctl: out of memory\n");
		exit(EX_OSERR);
	}
	p[0] = '\0';
	va_start(ap, s);
	for (t = s; t != NULL; t = va_arg(ap, const char *))
		strcat(p, t);
	va_end(ap);
	return p;
}

static json_t *
verb_add(const struct noun_spec *n, const struct verb_spec *v, int argc,
    char **argv)
{
	struct body_args a = { .noun = n, .usage = v->usage,
	    .body = json_object() };
	const struct noun_opt *o;
	int first;

	first = body_parse(argc, argv, &a);
	if (n->key_field != NULL)
		free(key_arg(n, argc, argv, first, a.usage));
	else if (first < argc)
		usage_error(a.usage, "unexpected argument \"%s\"", argv[first]);
	for (o = n->opts; o != NULL && o->name != NULL; o++)
		if ((o->flags & OPT_REQUIRED) &&
		    json_object_get(a.body, o->field) == NULL)
			usage_error(a.usage, "--%s is required", o->name);
	if (n->key_field != NULL)
		set_str(a.body, n->key_field, argv[first], a.usage);
	return client_do("POST", n->path, a.body);
}

static json_t *
verb_list(const struct noun_spec *n, const struct verb_spec *v, int argc,
    char **argv)
{
	char *path, *e;
	json_t *r;
	int first;

	first = parse_opts(argc - 1, argv + 1, v->usage, NULL, NULL, NULL) + 1;
	if (n->list_filter == NULL && first < argc)
		usage_error(v->usage, "unexpected argument \"%s\"", argv[first]);
	if (n->list_filter == NULL || first >= argc)
		return client_do("GET", n->path, NULL);
	if (first + 1 < argc)
		usage_error(v->usage, "unexpected argument \"%s\"",
		    argv[first + 1]);
	e = client_escape(argv[first]);
	path = cat(n->path, "?", n->list_filter, "=", e, (char *)NULL);
	free(e);
	r = client_do("GET", path, NULL);
	free(path);
	return r;
}

/* show, edit and remove: one call on one object. */
static json_t *
verb_one(const struct noun_spec *n, const struct verb_spec *v, int argc,
    char **argv)
{
	struct body_args a = { .noun = n, .usage = v->usage,
	    .edit = v->kind == VERB_EDIT };
	const char *method;
	char *key, *path;
	json_t *r;
	int first;

	if (v->kind == VERB_EDIT) {
		a.body = json_object();
		first = body_parse(argc, argv, &a);
	} else
		first = parse_opts(argc - 1, argv + 1, v->usage, NULL, NULL,
		    NULL) + 1;
	key = key_arg(n, argc, argv, first, v->usage);
	if (v->kind == VERB_EDIT && json_object_size(a.body) == 0)
		usage_error(v->usage, "nothing to change");
	path = cat(n->path, "/", key, v->suffix ? v->suffix : "", (char *)NULL);
	free(key);
	method = v->kind == VERB_EDIT ? "PATCH" : v->kind == VERB_REMOVE ?
	    "DELETE" : v->method ? v->method : "GET";
	r = client_do(method, path, a.body);
	free(path);
	return r;
}

int
noun_run(const struct noun_spec *n, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	const struct verb_spec *v;
	json_t *r = NULL;

	for (v = n->verbs; v->name != NULL; v++)
		if (strcmp(verb, v->name) == 0)
			break;
	if (v->name == NULL) {
		if (strcmp(verb, "--help") == 0 || strcmp(verb, "help") == 0) {
			usage_print(stdout, n);
			return EX_OK;
		}
		fprintf(stderr, "herstelctl: %s: unknown verb \"%s\"\n", n->name,
		    verb);
		usage_print(stderr, n);
		return EX_USAGE;
	}
	switch (v->kind) {
	case VERB_CALL:
		return v->fn(argc, argv);
	case VERB_ADD:
		r = verb_add(n, v, argc, argv);
		out_id(r);
		break;
	case VERB_LIST:
		r = verb_list(n, v, argc, argv);
		out_table(r, n->list_cols);
		break;
	case VERB_REMOVE:
		r = verb_one(n, v, argc, argv);
		if (cli.json)
			out_json(r);
		else if (v->done != NULL)
			printf(v->done, (long long)json_integer_value(
			    json_object_get(r, v->done_field)));
		break;
	case VERB_SHOW:
	case VERB_EDIT:
		r = verb_one(n, v, argc, argv);
		out_object(r, n->show_cols);
		break;
	}
	json_decref(r);
	return EX_OK;
}
