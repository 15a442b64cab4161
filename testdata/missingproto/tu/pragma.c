/* Diagnostic pragmas around definitions, as the kernel's __bpf_kfunc_start_defs
   and __diag_ignore_all write them. Written for trampcheck. */
#define DIAG_STR(s) #s
#define DIAG_IGNORE(opt) _Pragma(DIAG_STR(GCC diagnostic ignored opt))
#define START_DEFS() _Pragma("GCC diagnostic push") DIAG_IGNORE("-Wmissing-prototypes")
#define END_DEFS() _Pragma("GCC diagnostic pop")

int before(void) { return 0; } // want "no previous prototype for 'before'"

START_DEFS()
int quiet_one(void) { return 1; }
int quiet_two(int x) { return x; }
END_DEFS()

int after(void) { return 2; } // want "no previous prototype for 'after'"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-declarations"
int other_option(void) { return 3; } // want "no previous prototype for 'other_option'"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
int directive_quiet(void) { return 4; }
#pragma GCC diagnostic push
#pragma GCC diagnostic warning "-Wmissing-prototypes"
int nested_loud(void) { return 5; } // want "no previous prototype for 'nested_loud'"
#pragma GCC diagnostic pop
int still_quiet(void) { return 6; }
#pragma GCC diagnostic pop
int loud_again(void) { return 7; } // want "no previous prototype for 'loud_again'"
