/* Tabs: GCC counts display columns with tab stops of 8. */

	int	tabbed(void) { return 0; } // want "no previous prototype for 'tabbed'"
int		*	tab_ptr(void) { return 0; } // want "no previous prototype for 'tab_ptr'"
  	int  spaced(void) { return 0; } // want "no previous prototype for 'spaced'"
/* é */ int after_utf8(void) { return 0; } // want "no previous prototype for 'after_utf8'"
