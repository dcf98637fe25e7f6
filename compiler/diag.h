/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics: the one place that prints errors, warnings and notes.
 *
 *   file:line:col: error: message [-Wname]
 *    source line
 *        ^~~~
 *
 * Positions come from the front end (DTS) or name a blob and node path
 * (DTB input, line 0). The caret line is shown whenever the named file can
 * be read, so cpp line markers pointing at the original sources still get
 * one.
 */
#ifndef DOMC_DIAG_H
#define DOMC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srcpos.h"

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };


/* -q count as dtc has it: 1 hides warnings, 2 also errors. */
void diag_set_quiet(int quiet);
void diag_set_json(bool json);
/* -Werror: every warning counts and prints as an error. */
void diag_set_werror(bool on);
void diag_set_carets(bool on);

void diag_at(enum diag_level level, const struct srcpos *pos,
	     const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A message about the run itself, not about input text: "domc: error: ". */
void diag_plain(enum diag_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

unsigned int diag_error_count(void);
/* The errors reported by a named check (-Wname), -Werror's included. */
unsigned int diag_check_error_count(void);
unsigned int diag_warning_count(void);
/* Forget counts and sources (between compilations in one process). */
void diag_reset(void);

/*
 * While on, this thread's diagnostics are dropped and not counted, only
 * noted: diag_muted_hit() says whether one came since diag_mute(). For
 * work done ahead on another thread, redone where it may report.
 */
void diag_mute(bool on);
bool diag_muted_hit(void);

#endif
