// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * domc command line: dtc's options and behaviour, then the pipeline
 * front end -> checks -> resolve -> emit, with output written atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checks.h"
#include "domid.h"
#include "emit_dtb.h"
#include "emit_dts.h"
#include "frontend.h"
#include "output.h"
#include "read_dtb.h"
#include "report.h"
#include "resolve.h"
#include "tree.h"
#include "xen_props.h"

#define DOMC_VERSION "0.1.0"

enum exit_code { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

struct cli {
	const char *in_format, *out_format, *out_name, *dep_name, *input;
	struct dtb_options dtb;
	long long boot_cpu;
	bool force, sort, symbols, auto_alias;
	int quiet;
	int phandle_format;
	const char **include_dirs;
	int n_include_dirs;
	struct domid_options domid;
	const char *report;	/* NULL, "text" or "json" */
	const char *report_file;
};

static const char short_opts[] = "qI:O:o:V:d:R:S:p:a:fb:i:H:sW:E:@AThv";

enum {
	OPT_LIST_CHECKS = 0x100, OPT_DIAG_FORMAT, OPT_NO_CARET, OPT_XEN,
	OPT_STOCK_XEN, OPT_NO_ASSIGN, OPT_REPORT, OPT_REPORT_FILE,
};

static const struct option long_opts[] = {
	{ "quiet", no_argument, NULL, 'q' },
	{ "in-format", required_argument, NULL, 'I' },
	{ "out", required_argument, NULL, 'o' },
	{ "out-format", required_argument, NULL, 'O' },
	{ "out-version", required_argument, NULL, 'V' },
	{ "out-dependency", required_argument, NULL, 'd' },
	{ "reserve", required_argument, NULL, 'R' },
	{ "space", required_argument, NULL, 'S' },
	{ "pad", required_argument, NULL, 'p' },
	{ "align", required_argument, NULL, 'a' },
	{ "boot-cpu", required_argument, NULL, 'b' },
	{ "force", no_argument, NULL, 'f' },
	{ "include", required_argument, NULL, 'i' },
	{ "sort", no_argument, NULL, 's' },
	{ "phandle", required_argument, NULL, 'H' },
	{ "warning", required_argument, NULL, 'W' },
	{ "error", required_argument, NULL, 'E' },
	{ "symbols", no_argument, NULL, '@' },
	{ "auto-alias", no_argument, NULL, 'A' },
	{ "annotate", no_argument, NULL, 'T' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "list-checks", no_argument, NULL, OPT_LIST_CHECKS },
	{ "diagnostics-format", required_argument, NULL, OPT_DIAG_FORMAT },
	{ "no-caret", no_argument, NULL, OPT_NO_CARET },
	{ "xen", required_argument, NULL, OPT_XEN },
	{ "stock-xen", no_argument, NULL, OPT_STOCK_XEN },
	{ "no-assign", no_argument, NULL, OPT_NO_ASSIGN },
	{ "report", optional_argument, NULL, OPT_REPORT },
	{ "report-file", required_argument, NULL, OPT_REPORT_FILE },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs(
"Usage: domc [options] <input file>\n"
"\n"
"A device-tree compiler for Xen dom0less boards: reads DTS or DTB and\n"
"writes DTB or DTS byte-identical to dtc 1.6.1, with compiler-style\n"
"diagnostics (file:line:col: error: ...). Options are dtc's:\n"
"\n"
"  -I, --in-format FMT     dts or dtb (default: guessed from the input)\n"
"  -O, --out-format FMT    dtb, dts or null (default: from -o's suffix,\n"
"                          else dtb for dts input and dts for dtb input)\n"
"  -o, --out FILE          output file (default: stdout); written only if\n"
"                          the compilation succeeds\n"
"  -V, --out-version N     blob version: 1, 2, 3, 16 or 17 (default 17)\n"
"  -d, --out-dependency F  write a make dependency line to F\n"
"  -R, --reserve N         add N empty memory reserve map slots\n"
"  -S, --space N           make the blob at least N bytes\n"
"  -p, --pad N             add N bytes of padding to the blob\n"
"  -a, --align N           pad the blob to a multiple of N (a power of 2)\n"
"  -b, --boot-cpu N        boot CPU id in the blob header\n"
"  -f, --force             write output even if the tree has errors\n"
"  -i, --include DIR       search DIR for /include/ and /incbin/ files\n"
"  -s, --sort              sort nodes and properties\n"
"  -H, --phandle FMT       legacy, epapr (default) or both\n"
"  -W, --warning [no-]CHK  enable or disable a check as a warning\n"
"  -E, --error [no-]CHK    enable or disable a check as an error\n"
"  -@, --symbols           generate /__symbols__ for overlays\n"
"  -A, --auto-alias        add every label to /aliases\n"
"  -q, --quiet             -q hides warnings, -qq also errors\n"
"\n"
"Xen dom0less domain IDs (for trees whose /chosen has xen,domain nodes):\n"
"      --xen=4.N           target Xen release, 4.17 .. 4.22 (default 4.22)\n"
"      --stock-xen         predict Xen without domc's patches: IDs in\n"
"                          tree order, `domid` ignored (warned)\n"
"      --no-assign         check and report, but do not write the resolved\n"
"                          domid into each domain node\n"
"      --report[=text|json] print the domain table (stdout, or the file\n"
"      --report-file=FILE  given here)\n"
"  -Werror                 treat warnings as errors\n"
"      --list-checks       list the checks and their levels\n"
"      --diagnostics-format=json  one JSON object per diagnostic\n"
"      --no-caret          no source line under diagnostics\n"
"  -h, --help              this text\n"
"  -v, --version           domc's version\n"
"\n"
"Input \"-\" reads stdin. Exit status: 0 success (warnings allowed),\n"
"1 errors in the input, 2 bad command line.\n", f);
}

static bool parse_long(const char *opt, const char *arg, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 0);
	if (errno || end == arg || *end) {
		diag_plain(DIAG_ERROR, "option %s needs a number, not '%s'",
			   opt, arg);
		return false;
	}
	return true;
}

static bool set_number(int opt, const char *arg, struct cli *c)
{
	char name[3] = { '-', (char)opt, 0 };
	long long v;

	if (!parse_long(name, arg, &v))
		return false;
	switch (opt) {
	case 'V':
		c->dtb.version = (int)v;
		break;
	case 'R':
		if (v < 0 || v > 100000) {
			diag_plain(DIAG_ERROR, "-R %lld: out of range", v);
			return false;
		}
		c->dtb.reserve_slots = (int)v;
		break;
	case 'S':
		c->dtb.min_size = (long)v;
		break;
	case 'p':
		c->dtb.pad = (long)v;
		break;
	case 'a':
		if (v <= 0 || v > (1LL << 30) || (v & (v - 1))) {
			diag_plain(DIAG_ERROR, "invalid argument \"%s\" to -a "
				   "(must be a power of 2)", arg);
			return false;
		}
		c->dtb.align = (long)v;
		break;
	case 'b':
		c->boot_cpu = v;
		break;
	}
	return true;
}

static int parse_option(int opt, const char *arg, struct cli *c)
{
	switch (opt) {
	case 'I': c->in_format = arg; break;
	case 'O': c->out_format = arg; break;
	case 'o': c->out_name = arg; break;
	case 'd': c->dep_name = arg; break;
	case 'f': c->force = true; break;
	case 'q': c->quiet++; break;
	case 's': c->sort = true; break;
	case '@': c->symbols = true; break;
	case 'A': c->auto_alias = true; break;
	case 'i':
		c->include_dirs = xrealloc(c->include_dirs,
					   sizeof(char *) *
					   (size_t)(c->n_include_dirs + 1));
		c->include_dirs[c->n_include_dirs++] = arg;
		break;
	case 'H':
		if (strcmp(arg, "legacy") == 0)
			c->phandle_format = PHANDLE_LEGACY;
		else if (strcmp(arg, "epapr") == 0)
			c->phandle_format = PHANDLE_EPAPR;
		else if (strcmp(arg, "both") == 0)
			c->phandle_format = PHANDLE_BOTH;
		else {
			diag_plain(DIAG_ERROR, "invalid argument \"%s\" to -H "
				   "(legacy, epapr or both)", arg);
			return EXIT_USAGE;
		}
		break;
	case 'W':
	case 'E':
		if (opt == 'W' && strcmp(arg, "error") == 0) {
			diag_set_werror(true);
			break;
		}
		if (!checks_set_level(arg, opt == 'E') &&
		    !domid_set_level(strncmp(arg, "no-", 3) ? arg : arg + 3,
				     strncmp(arg, "no-", 3) != 0,
				     opt == 'E')) {
			diag_plain(DIAG_ERROR, "unknown check name \"%s\" "
				   "(see --list-checks)", arg);
			return EXIT_USAGE;
		}
		break;
	case 'T':
		diag_plain(DIAG_ERROR, "-T (annotated DTS output) is not "
			   "supported by domc");
		return EXIT_USAGE;
	case OPT_DIAG_FORMAT:
		if (strcmp(arg, "json") && strcmp(arg, "text")) {
			diag_plain(DIAG_ERROR, "--diagnostics-format is text "
				   "or json, not '%s'", arg);
			return EXIT_USAGE;
		}
		diag_set_json(strcmp(arg, "json") == 0);
		break;
	case OPT_NO_CARET:
		diag_set_carets(false);
		break;
	case OPT_XEN:
		if (!domid_parse_xen_version(arg, &c->domid.xen_minor)) {
			diag_plain(DIAG_ERROR, "--xen=%s: domc knows Xen 4.%d "
				   "to 4.%d", arg, XEN_OLDEST_MINOR,
				   XEN_NEWEST_MINOR);
			return EXIT_USAGE;
		}
		break;
	case OPT_STOCK_XEN:
		c->domid.stock = true;
		break;
	case OPT_NO_ASSIGN:
		c->domid.no_assign = true;
		break;
	case OPT_REPORT:
		c->report = arg ? arg : "text";
		if (strcmp(c->report, "text") && strcmp(c->report, "json")) {
			diag_plain(DIAG_ERROR, "--report=%s: text or json",
				   arg);
			return EXIT_USAGE;
		}
		break;
	case OPT_REPORT_FILE:
		c->report_file = arg;
		if (!c->report)
			c->report = "text";
		break;
	default:
		return set_number(opt, arg, c) ? -1 : EXIT_USAGE;
	}
	return -1;
}

/* Returns -1 to continue, or an exit status. */
static int parse_args(int argc, char **argv, struct cli *c)
{
	int opt, rc;

	c->out_name = "-";
	c->boot_cpu = -1;
	c->dtb = DTB_OPTIONS_DEFAULT;
	c->phandle_format = PHANDLE_EPAPR;
	c->domid.xen_minor = XEN_NEWEST_MINOR;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_opts, long_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'v':
			printf("domc %s (dtc 1.6.1 compatible)\n",
			       DOMC_VERSION);
			return EXIT_OK;
		case OPT_LIST_CHECKS:
			checks_list();
			domid_list_checks();
			xen_props_list_checks();
			return EXIT_OK;
		case '?':
			if (optopt)
				diag_plain(DIAG_ERROR, "option -%c %s", optopt,
					   strchr(short_opts, optopt) ?
					   "needs an argument" : "is unknown");
			else
				diag_plain(DIAG_ERROR, "unknown option '%s'",
					   argv[optind - 1]);
			fputs("try 'domc --help'\n", stderr);
			return EXIT_USAGE;
		default:
			rc = parse_option(opt, optarg, c);
			if (rc >= 0)
				return rc;
		}
	}
	if (argc > optind + 1) {
		diag_plain(DIAG_ERROR, "more than one input file ('%s', '%s')",
			   argv[optind], argv[optind + 1]);
		return EXIT_USAGE;
	}
	c->input = optind < argc ? argv[optind] : "-";
	if (c->report && !c->report_file && strcmp(c->out_name, "-") == 0 &&
	    !(c->out_format && strcmp(c->out_format, "null") == 0)) {
		diag_plain(DIAG_ERROR, "--report and the output would both go "
			   "to stdout: give -o FILE, -O null or --report-file");
		return EXIT_USAGE;
	}
	if (c->dtb.min_size && c->dtb.pad) {
		diag_plain(DIAG_ERROR, "-p and -S cannot be used together");
		return EXIT_USAGE;
	}
	return -1;
}

static const char *format_by_suffix(const char *name, const char *fallback)
{
	const char *dot = strrchr(name, '.');

	if (!dot)
		return fallback;
	if (!strcasecmp(dot, ".dts"))
		return "dts";
	if (!strcasecmp(dot, ".dtb") || !strcasecmp(dot, ".dtbo"))
		return "dtb";
	return fallback;
}

/* dtc's guess: the blob magic first, then the file name. */
static const char *guess_input_format(const char *name)
{
	unsigned char magic[4];
	struct stat st;
	FILE *f;
	size_t n;

	if (stat(name, &st) != 0 || !S_ISREG(st.st_mode))
		return "dts";
	f = fopen(name, "rb");
	if (!f)
		return "dts";
	n = fread(magic, 1, 4, f);
	fclose(f);
	if (n == 4 && magic[0] == 0xd0 && magic[1] == 0x0d &&
	    magic[2] == 0xfe && magic[3] == 0xed)
		return "dtb";
	return format_by_suffix(name, "dts");
}

static struct dt *read_input(struct cli *c, FILE *dep)
{
	struct dts_options opt = { 0 };
	struct dt *dt;

	if (strcmp(c->in_format, "dtb") == 0) {
		if (dep)
			fprintf(dep, " %s", c->input);
		return dtb_read_file(c->input, strcmp(c->input, "-") ?
				     c->input : "<stdin>");
	}
	opt.include_dirs = c->include_dirs;
	opt.n_include_dirs = c->n_include_dirs;
	opt.depfile = dep;
	opt.untyped_values = strcmp(c->out_format, "dts") != 0;
	dt = dts_parse_file(c->input, &opt);
	if (dt && dt->root)
		dt->boot_cpuid_phys = resolve_guess_boot_cpuid(dt);
	return dt;
}

/* DTS text is not made here: write_output() streams it to the file. */
static int emit(struct cli *c, struct dt *dt, void **buf, size_t *len)
{
	if (strcmp(c->out_format, "dtb") == 0)
		return dtb_flatten(dt, &c->dtb, buf, len);
	*buf = NULL;
	*len = 0;
	return 0;
}

/*
 * A blob bound for a regular file is written as it is produced (under a
 * temporary name, renamed when complete), so it is never held in memory
 * whole. stdout, devices and FIFOs get it in one piece at the end.
 */
static bool streams_dtb(const struct cli *c)
{
	struct stat st;

	if (strcmp(c->out_format, "dtb") != 0 || strcmp(c->out_name, "-") == 0)
		return false;
	return stat(c->out_name, &st) != 0 || S_ISREG(st.st_mode);
}

static bool emit_dtb_file(struct cli *c, struct dt *dt, struct output *o)
{
	bool write_failed = false;

	if (!output_open_text(o, c->out_name))
		return false;
	if (dtb_flatten_to_file(dt, &c->dtb, o->f, &write_failed) == 0)
		return true;
	if (write_failed)
		diag_plain(DIAG_ERROR, "cannot write \"%s\": %s", c->out_name,
			   strerror(errno ? errno : EIO));
	output_discard_text(o);
	return false;
}

static bool write_output(struct cli *c, struct dt *dt, const void *buf,
			 size_t len)
{
	if (strcmp(c->out_format, "dts") == 0)
		return dts_write_file(c->out_name, dt);
	if (strcmp(c->out_format, "null") == 0)
		return true;
	return output_write_file(c->out_name, buf, len);
}

static int check_formats(struct cli *c)
{
	if (!c->in_format)
		c->in_format = guess_input_format(c->input);
	if (!c->out_format)
		c->out_format = format_by_suffix(c->out_name,
			strcmp(c->in_format, "dts") == 0 ? "dtb" : "dts");
	if (strcmp(c->in_format, "dts") && strcmp(c->in_format, "dtb")) {
		diag_plain(DIAG_ERROR, "unknown input format \"%s\" (dts or "
			   "dtb)", c->in_format);
		return EXIT_USAGE;
	}
	if (strcmp(c->out_format, "dts") && strcmp(c->out_format, "dtb") &&
	    strcmp(c->out_format, "null")) {
		diag_plain(DIAG_ERROR, "unknown output format \"%s\" (dtb, "
			   "dts or null)", c->out_format);
		return EXIT_USAGE;
	}
	return -1;
}

static void generate_nodes(struct cli *c, struct dt *dt)
{
	if (c->auto_alias)
		resolve_label_tree(dt, "aliases", false);
	if (c->symbols)
		resolve_label_tree(dt, "__symbols__", true);
	if (dt->dtsflags & DTSF_PLUGIN) {
		resolve_fixups_tree(dt);
		resolve_local_fixups_tree(dt);
	}
	if (c->sort)
		dt_sort(dt);
}

static bool write_report(struct cli *c, struct dt *dt,
			 const struct domid_result *domains)
{
	struct report_options ro = { strcmp(c->report, "json") == 0,
				     &c->domid };
	struct output o = { 0 };

	if (!output_open_text(&o, c->report_file ? c->report_file : "-"))
		return false;
	if (report_write(o.f, dt, domains, &ro) != 0) {
		diag_plain(DIAG_ERROR, "cannot write the report");
		output_discard_text(&o);
		return false;
	}
	return output_commit_text(&o);
}

static int compile(struct cli *c)
{
	struct check_options copt = { .generate_symbols = c->symbols };
	struct output dep = { 0 }, out = { 0 };
	struct domid_result domains = { 0 };
	bool streamed = false;
	struct dt *dt;
	void *buf = NULL;
	size_t len = 0;
	int rc = EXIT_INPUT;
	unsigned int errors;
	bool failed;

	if (c->dep_name && !output_open_text(&dep, c->dep_name))
		return EXIT_INPUT;
	if (dep.f)
		fprintf(dep.f, "%s:", c->out_name);
	dt = read_input(c, dep.f);
	/* Errors of the checks raised while parsing (integer_overflow, ...)
	 * are check failures like checks_run()'s: -f forces output past
	 * them, never past a parse error. */
	if (!dt || !dt->root || diag_error_count() > diag_check_error_count())
		goto out;
	dt->phandle_format = c->phandle_format;
	if (c->boot_cpu != -1)
		dt->boot_cpuid_phys = (uint32_t)c->boot_cpu;
	failed = checks_run(dt, &copt);
	domid_resolve(dt, &c->domid, &domains);
	if (failed || diag_error_count()) {
		if (!c->force) {
			diag_plain(DIAG_ERROR, "the tree has errors: no output "
				   "written (use -f to force it)");
			goto out;
		}
		diag_plain(DIAG_WARNING, "the tree has errors: output forced");
	}
	errors = diag_error_count();
	generate_nodes(c, dt);
	/* a generated value over DATA_MAX_LEN was dropped: never write it */
	if (diag_error_count() != errors)
		goto out;
	streamed = streams_dtb(c);
	if (streamed) {
		if (!emit_dtb_file(c, dt, &out))
			goto out;
	} else if (emit(c, dt, &buf, &len) != 0) {
		goto out;
	}
	if (dep.f) {
		fputc('\n', dep.f);
		if (!output_commit_text(&dep))
			goto out;
	}
	if (streamed && !output_commit_text(&out))
		goto out;
	if (!streamed && !write_output(c, dt, buf, len))
		goto out;
	if (c->report && !write_report(c, dt, &domains))
		goto out;
	rc = EXIT_OK;
out:
	domid_result_free(&domains);
	if (dep.f)
		output_discard_text(&dep);
	if (out.f)
		output_discard_text(&out);
	free(buf);
	dt_free(dt);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	int rc = parse_args(argc, argv, &c);

	if (rc < 0) {
		diag_set_quiet(c.quiet);
		rc = check_formats(&c);
	}
	if (rc < 0)
		rc = compile(&c);
	free(c.include_dirs);
	diag_reset();
	return rc;
}
