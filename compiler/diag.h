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

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };

struct srcpos {
	const char *file;	/* name as reported (after line markers) */
	uint32_t line, col;	/* 1-based; line 0: no position in file */
	uint32_t end_line, end_col;	/* last character, inclusive */
};

/* -q count as dtc has it: 1 hides warnings, 2 also errors. */
void diag_set_quiet(int quiet);
void diag_set_json(bool json);
/* -Werror: every warning counts and prints as an error. */
void diag_set_werror(bool on);
void diag_set_carets(bool on);

/* Text the caret line is taken from; the buffer must outlive diag use. */
void diag_add_source(const char *name, const char *buf, size_t len);
/* Same, and diag frees buf (with free()) in diag_reset(). */
void diag_adopt_source(const char *name, char *buf, size_t len);

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

#endif
