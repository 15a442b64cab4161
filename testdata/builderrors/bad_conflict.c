/* Declarations whose type differs from an earlier declaration of the
 * same function: "conflicting types for 'f'; have 'T'" with GCC's note
 * "previous declaration (definition) of 'f' with type 'T'". */
typedef unsigned int cf_u32;
typedef unsigned long long cf_u64;

/* The return type changed. */
int ret_changed(int a);
long ret_changed(int a)
{
	return a;
}

/* A parameter's type changed, through a typedef (aka). */
int param_changed(int a, cf_u32 b);
int param_changed(int a, int b)
{
	return a + b;
}

/* One parameter more in the definition than in the prototype. */
static int count_changed(int a);
static int count_changed(int a, int b)
{
	return a + b;
}

/* The prototype repeated, then a definition that differs from both. */
void twice(char *p);
void twice(char *p);
void twice(const char *p)
{
}

/* A declaration after the definition. */
cf_u64 after_def(int a)
{
	return a;
}
cf_u64 after_def(long a);
