/*
 * Fuzz target: mail texts and MIME composition with hostile fields.
 * Input: a byte choosing the kind, a byte of flags, then NUL-separated
 * fields (title, name, notes, where, group, reason, kind name, rrule,
 * old place, room, reply-to, to-name).  Whatever they hold, the message
 * must have CRLF line ends only, lines of at most 998 bytes, and a header
 * of 7-bit lines each of which is a continuation or one of the headers
 * mail_compose writes, each once: a CR or LF in a field never starts a
 * header of its own.  (A message without a calendar is a single
 * text/plain part, with its Content-Transfer-Encoding in the header.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hersteld/mail.h"
#include "hersteld/mail_text.h"
#include "hersteld/when.h"
#include "fuzzenv.h"
#include "../unit/testclock.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS	12

static icaltimezone	*ams;

static const char *headers[] = {
	"From", "To", "Reply-To", "Subject", "Message-ID", "MIME-Version",
	"Content-Type", "List-Unsubscribe", "List-Unsubscribe-Post",
	"Auto-Submitted", "Content-Transfer-Encoding", NULL
};

static const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	"PRODID:-//hersteld//NL\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
	"UID:1@agenda.example.org\r\nDTSTAMP:20261123T120000Z\r\n"
	"DTSTART:20261201T180000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n"
	"END:VCALENDAR\r\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzzenv_conf();
	if ((ams = when_zone("Europe/Amsterdam")) == NULL)
		abort();
	return 0;
}

static void
bad(const char *why, const char *msg, size_t len)
{
	fprintf(stderr, "mail: %s\n%.*s\n", why, (int)(len > 4096 ? 4096 :
	    len), msg);
	abort();
}

/* The invariants of a composed message (see the top of this file). */
static void
check_message(const char *m, size_t len)
{
	int seen[sizeof(headers) / sizeof(headers[0])] = { 0 };
	size_t i, start = 0;
	int in_header = 1;

	if (strlen(m) != len)
		bad("length differs from the string", m, len);
	for (i = 0; i < len; i++) {
		if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r'))
			bad("bare LF", m, len);
		if (m[i] == '\r' && m[i + 1] != '\n')
			bad("bare CR", m, len);
		if (m[i] != '\n')
			continue;
		/* The line m[start .. i - 1), without its CR. */
		if (i - 1 - start > 998)
			bad("a line over 998 bytes", m, len);
		if (in_header && i - 1 == start)
			in_header = 0;
		else if (in_header) {
			const char *l = m + start;
			size_t n = i - 1 - start;
			int k;

			for (size_t j = 0; j < n; j++)
				if ((unsigned char)l[j] > 126 ||
				    ((unsigned char)l[j] < 32 && l[j] != '\t'))
					bad("a header byte that is not 7-bit "
					    "text", m, len);
			if (l[0] != ' ' && l[0] != '\t') {
				for (k = 0; headers[k]; k++) {
					size_t hl = strlen(headers[k]);
					if (n > hl && strncmp(l, headers[k], hl)
					    == 0 && l[hl] == ':')
						break;
				}
				if (headers[k] == NULL)
					bad("a header mail_compose does not "
					    "write", m, len);
				if (seen[k]++)
					bad("a header twice", m, len);
			}
		}
		start = i + 1;
	}
	if (in_header)
		bad("no end of the header", m, len);
	if (!seen[3] || !seen[0] || !seen[1])
		bad("no From, To or Subject", m, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *field[NFIELDS] = { 0 };
	struct mail_facts facts = { 0 };
	struct mail_envelope env = { 0 };
	struct fault f = { 0 };
	char *in, *p, *subject = NULL, *body = NULL, *out = NULL;
	size_t outlen = 0;
	unsigned flags;

	if (size < 2 || size > 16 * 1024)
		return 0;
	in = fuzzenv_string(data + 2, size - 2);
	p = in;
	for (int i = 0; i < NFIELDS && p <= in + size - 2; i++) {
		field[i] = p;
		p += strlen(p) + 1;
	}
	flags = data[1];
	facts.kind = (enum mail_kind)(data[0] % (MAIL_KIND_LAST + 1));
	facts.lang = flags & 1 ? "en" : "nl";
	facts.series = (flags & 2) != 0;
	facts.zone = flags & 4 ? ams : NULL;
	facts.title = field[0];
	facts.name = field[1];
	facts.notes = field[2];
	facts.where = field[3];
	facts.group = field[4];
	facts.reason = field[5];
	facts.kind_name = field[6];
	facts.rrule = field[7];
	facts.old_where = field[8];
	facts.room = field[9];
	facts.start = TESTCLOCK_START + 7 * 86400;
	facts.end = facts.start + 7200;
	facts.old_start = flags & 8 ? facts.start - 86400 : 0;
	facts.lead = 86400;
	facts.occurrences = 8;
	facts.manage_url = "https://agenda.example.org/feeds/personal/"
	    "0123456789abcdef.ics";
	facts.unsubscribe_url = "https://agenda.example.org/unsubscribe/"
	    "0123456789abcdef";
	if (mail_text(&facts, &subject, &body) != 0)
		goto done;
	env.from = "Herstelhuis <noreply@example.org>";
	env.to = "anna@example.org";
	env.to_name = field[11];
	env.reply_to = flags & 16 ? field[10] : NULL;
	env.message_id = flags & 32 ? NULL : "<1.2@example.org>";
	env.unsubscribe_url = facts.unsubscribe_url;
	if (flags & 64) {
		env.ics = ics;
		env.ics_method = "REQUEST";
	}
	if (mail_compose(&env, subject, body, &out, &outlen, &f) == 0)
		check_message(out, outlen);
	else if (f.kind == FAULT_NONE)
		bad("mail_compose failed without saying why", "", 0);
done:
	free(out);
	free(subject);
	free(body);
	free(in);
	return 0;
}
