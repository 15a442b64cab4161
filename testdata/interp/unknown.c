/* An identifier the environment model lacks, written for trampcheck. */
static int f(void)
{
	return NOT_MODELLED + 1;
}
