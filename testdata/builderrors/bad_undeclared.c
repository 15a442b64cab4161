/* Undeclared identifiers, as a patch that renames or deletes a
 * declaration leaves them: reported once per function, in each function. */
struct regs {
	int r6;
};

#define NEXT_REG(r) ((r) + 1)

int first(struct regs *rs, int n)
{
	int sum = 0;

	for (int i = 0; i < n; i++)
		sum += rs->r6 + b1 + NEXT_REG(b1);
	return sum + b1 + stack_depth;
}

int second(int n)
{
	enum { LOCAL_A, LOCAL_B = LOCAL_A + 2 } e = LOCAL_B;

	if (n > e)
		goto out;
	n += b1 * 2;
out:
	return n + sizeof(stack_depth);
}
