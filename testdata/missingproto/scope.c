/* Block-scope declarations do not count, written for trampcheck. */

void user(void) // want "no previous prototype for 'user'"
{
	int helper(void);
	extern int other(int);
	(void)helper();
	(void)other(1);
}

int helper(void) { return 0; } // want "no previous prototype for 'helper'"
int other(int a) { return a; } // want "no previous prototype for 'other'"

static void second_user(void)
{
	for (int i = 0; i < 2; i++) {
		int nested(void);
		(void)nested();
	}
}

int nested(void) { return 1; } // want "no previous prototype for 'nested'"

int file_scope(void);
void third(void) { int file_scope(void); (void)file_scope(); } // want "no previous prototype for 'third'"
int file_scope(void) { return 2; }
