package cparse

import (
	"go/token"
	"io/fs"
	"sync"

	"modernc.org/cc/v4"
)

// Pos is a position in a C source file as GCC reports it: Line is 1-based;
// Col is the 1-based byte column; Offset is the 0-based byte offset in the
// file's own bytes (not cc/v4's Position().Offset).
type Pos struct {
	Line, Col, Offset int
}

// Func is one function declaration or definition at file scope or block scope.
type Func struct {
	Name string
	// Pos is the position of the declarator's name. For a name produced by
	// a macro expansion, Pos is its spelling location as GCC reports it
	// (inside the macro definition, or in the invocation's arguments when
	// the name is an argument, or the left operand of a ## paste), and
	// FromMacro is set.
	Pos Pos
	// End is the offset just past the declarator name (for the caret range).
	End        int
	Def        bool // a definition (has a body)
	Static     bool // storage class static
	Extern     bool // storage class extern
	Inline     bool // declared inline (any spelling: inline, __inline, __inline__)
	Prototype  bool // a parameter type list ("int f(void)", not "int f()"), or a typedef of one ("fn_t f;")
	BlockScope bool // declared inside a function body
	FromMacro  bool // name produced by a macro expansion
	// BodyStart and BodyEnd are the lines of the opening and closing brace of
	// a definition's body (0 for declarations).
	BodyStart, BodyEnd int
	// Header is the header file the declaration came from, relative to the
	// tree; empty for declarations in the file itself (Funcs holds only
	// those: header prototypes are in File.HeaderProtos).
	Header string
}

// EmitCall is one call site of an EMIT-family macro (any name matching
// _?EMIT[A-Z0-9_]*), kept as a call because the front end does not expand
// those macros.
type EmitCall struct {
	Name string // the callee, e.g. "EMIT6_DISP_LH"
	Pos  Pos    // the callee identifier
	End  int    // offset just past the closing parenthesis
	Args []Arg
	// Comment is the assembler-style comment of the call: the last comment
	// directly above it (no code between them) or, failing that, a comment
	// after it on the same line; nil when there is none.
	Comment *Comment
	// Func is the name of the enclosing function definition ("" outside one).
	Func string
	// Call is the call expression in the AST (nil for calls in macro
	// bodies, see File.MacroEmits).
	Call *cc.PostfixExpression
	// Macro names the macro whose replacement list holds the call, for
	// File.MacroEmits; "" for calls in code.
	Macro string
}

// Ref is one use of an identifier in an expression.
type Ref struct {
	Name string
	Pos  Pos // of the invocation when the identifier comes from a macro expansion
}

// Arg is one argument of an EmitCall.
type Arg struct {
	Text string // source text, trimmed
	Pos  Pos
	Expr cc.ExpressionNode // the argument's AST (an *cc.AssignmentExpression or narrower)
}

// Comment is a C comment with its text (delimiters removed, trimmed) and position.
type Comment struct {
	Text     string
	Pos      Pos
	SameLine bool // on the same line as the call, after it
}

// Macro is one #define in the file itself (not in headers).
type Macro struct {
	Name   string
	Params []string // nil for object-like macros
	FnLike bool
	Body   string // replacement list as written, continuation lines joined
	Pos    Pos    // the macro name in the #define line
	// EndLine is the last line of the definition (after continuations).
	EndLine int
}

// File is everything the checks need to know about one C file.
type File struct {
	// Name is the file's name as reported in diagnostics: relative to the
	// tree (arch/s390/net/bpf_jit_comp.c) when a tree is known.
	Name string
	Src  []byte
	// Lines holds the byte offset of the start of each line; Lines[0] == 0.
	Lines []int

	Funcs []Func // in source order, declarations and definitions, headers excluded
	// Refs are the identifiers used in expressions (calls, address-of,
	// sizeof, initializers) that do not name a parameter or local variable
	// of the enclosing function, in source order.
	Refs  []Ref
	Emits []EmitCall // in source order
	// MacroEmits are the EMIT-family calls written inside the replacement
	// lists of the file's #defines (for example EMIT_ATOMIC, defined in
	// bpf_jit_insn, emits three instructions), found by the lexer: Args
	// have no Expr and Call is nil. The EMIT primitives calling each other
	// (EMIT6_PCREL_RILC calls _EMIT6) are included; filter on Macro.
	MacroEmits []EmitCall
	Macros     []Macro // in source order

	// HeaderProtos holds the names of functions that have a prototype
	// declared in a header that the file includes (resolved in the tree),
	// or taken from the embedded prototype index without a tree.
	HeaderProtos map[string]string // name -> header path (or "index:linux-6.12")

	// AST is the cc/v4 translation unit of the hermetic parse.
	AST *cc.AST
	// Guessed lists the declarations the hermetic parse added for names
	// that headers would have supplied ("typedef int X;", "#define X",
	// "#define X(...)"), in the order found; nil for the real JIT.
	Guessed []string

	// declared caches the functions the file declares, for the guesses.
	declared map[string]bool

	// TU is the file's real translation unit (tree mode, or file mode
	// with -I directories); nil when it was not built.
	TU *TU
	// TUErr is why the translation unit could not be built when one was
	// wanted; the file was then read hermetically, with header prototypes
	// from a token scan of its include closure (see IncludeClosure).
	TUErr error

	// TokFile is the file registered in the analysis pass's FileSet (nil
	// when parsed outside Analyzer); see TokPos.
	TokFile *token.File
}

// Options configure Parse.
type Options struct {
	// Tree is a kernel source tree (prepared or not); "" for hermetic mode.
	Tree string
	// IncludeDirs are extra -I directories, searched before the kernel's
	// (relative ones are relative to the tree); Defines are -D NAME[=VALUE].
	IncludeDirs []string
	Defines     []string
	// Overlay holds file contents, keyed by tree-relative slash path, that
	// replace the tree's own (the state after applying patches in memory).
	Overlay map[string][]byte
	// SameHeaders promises that the reader serves the same header
	// contents to every parse that shares Closures (a patch series that
	// changes no header): parses of files with the same #include lines
	// then share one include closure instead of each scanning it.
	SameHeaders bool
	// Closures holds the include closures shared under SameHeaders; it
	// belongs to one run (one series), so that runs with different trees
	// or headers never share one. Nil shares nothing.
	Closures *Closures
	// SkipTypeErrors leaves out of a translation unit's diagnostics
	// (TU.Diags) the errors of function bodies: argument counts, implicit
	// declarations and the type errors that package ctype decides
	// (unknown members, undefined struct types, undeclared identifiers),
	// which only the builderrors check reports and which cost about 40% of
	// the declaration scan; TU.Typed then says false. A driver sets it
	// when no check it runs reads TU.Diags.
	SkipTypeErrors bool
	// Stat, when set, reports for a path as the reader passed to Parse is
	// given it (absolute in tree mode) the Lstat of the file on disk the
	// reader serves it from, unchanged, and false when the reader serves
	// it otherwise (an overlay, a patched state, a cached copy): the
	// translation-unit caches then check such a dependency by its identity
	// on disk instead of reading it (see FileStat). Without a reader the
	// disk is read directly and Stat is not needed.
	Stat func(path string) (fs.FileInfo, bool)
	// KeepGoing makes ParseFiles parse the other files when one cannot be
	// parsed at all, listing it in Result.Failed; only when none can is
	// the whole parse an error.
	KeepGoing bool
}

// Closures is a per-run cache of include closures (see
// Options.SameHeaders). The zero value is ready to use; it is safe for
// concurrent parses.
type Closures struct {
	m sync.Map // closureKey -> *closureEntry
}
