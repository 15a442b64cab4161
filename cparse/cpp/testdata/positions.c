/* Functions whose names come from macro bodies, arguments, ## and
 * nested expansions: gcc's -Wmissing-prototypes location for each name
 * must equal the name token's Pos (and its Exp with
 * -ftrack-macro-expansion=0). */
#define DEF(n) int n(void) { return 0; }
#define DEF2(n) int pre_##n(void) { return 0; }
#define DEF3() int fixed(void) { return 0; }
#define DEF4(n) int n##_post(void) { return 0; }
#define DEF5(n) DEF(n)
#define WRAP DEF5
#define NAME zeta
#define PASTE(a, b) a##b
#define ID(x) x
#define TRIPLE(a, b, c) int a##b##c(void) { return 0; }
#define OBJ int objfn(void) { return 0; }
#define CALL(m, a) m(a)
DEF(alpha)
  DEF2( beta )
   DEF3()
DEF4(gamma)
 DEF5(  delta)
   WRAP(eps)
DEF(NAME)
int PASTE(et, a)(void) { return 0; }
int PASTE(, theta)(void) { return 0; }
int ID(
  iota)(void) { return 0; }
TRIPLE(ka, pp, a)
  OBJ
	CALL(DEF, lambda)
int plain(void) { return 0; }
int
  split(void) { return 0; }
