/* Function typedefs, written for trampcheck. */

typedef int handler_t(int);
typedef int oldstyle_t();
typedef handler_t alias_t;

handler_t on_event;
int on_event(int e) { return e; }

oldstyle_t old_event;
int old_event(void) { return 0; } // want "no previous prototype for 'old_event'"

alias_t via_alias;
int via_alias(int e) { return e + 1; }

typedef int (*handler_ptr)(int);
handler_ptr table_entry;
int not_declared(int e) { return e; } // want "no previous prototype for 'not_declared'"

typedef unsigned int u32_t;
u32_t typed_return(void) { return 0; } // want "no previous prototype for 'typed_return'"
