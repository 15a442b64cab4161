/* Prototypes written through a function typedef and through macros. Written for trampcheck. */
#ifndef HOOKS_H
#define HOOKS_H
typedef int handler_fn(void *);
handler_fn api_handler;
typedef int legacy_fn();
legacy_fn legacy_handler;
#define DECLARE_HOOK(name) int name(int)
DECLARE_HOOK(api_hook);
#define PROTO(ret, name, args) ret name args
PROTO(long, wrapped, (long a, long b));
#define DEFINE_CALL(name) int name(int v)
DEFINE_CALL(declared_call);
extern __typeof__(api_hook) hook_alias;
#ifdef NEVER_DEFINED
int configured_out(void);
#endif
#if defined(HOOK_VERSION) && HOOK_VERSION > 1
int versioned(void);
#endif
#endif
