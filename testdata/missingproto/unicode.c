/* Display columns: wide, combining and emoji characters (GCC display units). */
/* 漢字 */ int wide_cjk(void) { return 0; } // want "no previous prototype for 'wide_cjk'"
/* é */ int combining(void) { return 0; } // want "no previous prototype for 'combining'"
/* 😀 */ int emoji(void) { return 0; } // want "no previous prototype for 'emoji'"
/* é	*/ int tab_after(void) { return 0; } // want "no previous prototype for 'tab_after'"
/* Ａ */	int fullwidth(void) { return 0; } // want "no previous prototype for 'fullwidth'"
/* �� */ int invalid_utf8(void) { return 0; } // want "no previous prototype for 'invalid_utf8'"
