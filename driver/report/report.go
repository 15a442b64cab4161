// Package report holds trampcheck's findings and writes them in the formats
// kernel developers' tools read: GCC text, JSON, the kernel test robot's
// reply mail, checkpatch-style lines for b4, and SARIF.
package report

// Finding is one diagnostic, after the driver has resolved its position.
type Finding struct {
	File      string `json:"file"`             // relative to the tree (or as given for a lone file)
	Line      int    `json:"line"`             // 1-based
	Column    int    `json:"column"`           // 1-based, GCC display column (tabs expanded to 8)
	EndColumn int    `json:"-"`                // display column just past the reported token; 0 if unknown
	Severity  string `json:"severity"`         // "warning" or "error"
	Check     string `json:"check"`            // the analyzer's name, e.g. "missingproto"
	Flag      string `json:"flag,omitempty"`   // the GCC flag ("-Wmissing-prototypes") or "trampcheck:<check>"
	Message   string `json:"message"`          // without the flag
	Symbol    string `json:"symbol,omitempty"` // the enclosing function or the named symbol
	// SourceLine is the text of the reported line, without its newline.
	SourceLine string `json:"-"`
	// New is set for findings in patch mode: true when the patch introduced
	// the finding, false when the base already had it. nil for file input.
	New *bool `json:"new,omitempty"`
	// Patch is the subject of the patch that introduced a new finding (or of
	// the patch after which an old one was seen), in patch mode.
	Patch string `json:"patch,omitempty"`
	// PatchIndex is the 0-based index of that patch in the series.
	PatchIndex int `json:"-"`
	// Occurrence numbers the findings of one state that share file,
	// check, symbol and message (GCC reports an error at every use), 0 for
	// the first in source order; see Key.
	Occurrence int `json:"-"`
	// Notes are GCC's notes that follow the diagnostic ("in expansion of
	// macro 'M'", "previous definition of 'f' with type ..."), in GCC's
	// order.
	Notes []Note `json:"notes,omitempty"`
}

// Note is one of GCC's "note:" lines after a diagnostic, with its own
// position (often in a header) and quoted source line when known.
type Note struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"` // GCC display column; 0 if GCC prints none
	Message string `json:"message"`
	// SourceLine and EndColumn are as in Finding ("" and 0 when the
	// file's text is not at hand, as for a header).
	SourceLine string `json:"-"`
	EndColumn  int    `json:"-"`
}

// Mail is the part of a patch mail that replies and hooks need.
type Mail struct {
	Subject    string
	From       string   // the author, as in the From header
	To, Cc     []string // addresses as written in the headers
	MessageID  string   // without angle brackets
	References []string // message ids, without angle brackets
	Date       string
}

// PatchResult is what the driver found for one patch of a series: the
// findings in the files it touches (new and old) after it applied.
type PatchResult struct {
	Index    int // 0-based position in the series
	Mail     Mail
	Findings []Finding
	// Files holds the contents after the patch of every file with a
	// finding, so that replies can quote the surrounding function.
	Files map[string][]byte
}

// Run is one trampcheck invocation's outcome, input to every format.
type Run struct {
	Base    string        // what the patches were checked against, e.g. the tree path or "hermetic"
	Patched bool          // patch mode (findings carry New/Patch)
	Results []PatchResult // patch mode: one per patch; file mode: one with Index 0
	// Failed names the files that could not be checked at all while the
	// others were (one line each, with the place and the reason); the
	// driver prints them on standard error and exits with status 2.
	Failed []string
}

// NumberOccurrences sets the Occurrence of findings (one state's, in
// source order): the how-manieth of those sharing file, check, symbol and
// message each is.
func NumberOccurrences(fs []Finding) {
	n := map[string]int{}
	for i := range fs {
		fs[i].Occurrence = 0
		k := fs[i].Key()
		fs[i].Occurrence = n[k]
		n[k]++
	}
}
