package patchset

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sourcegraph/go-diff/diff"
)

// Patch is one patch of a series: a mail of git format-patch or an mbox,
// or a plain unified diff.
type Patch struct {
	// Source names where the patch came from: the input name (a file
	// path, "<stdin>"), or "series.mbox: mail 3" for the third mail of an
	// input holding several. Errors about the patch start with it.
	Source string
	// Subject is the full subject, RFC 2047 decoded and unfolded, with its
	// "[PATCH v2 3/7]" prefix; empty for a plain diff.
	Subject string
	// Title is the subject without "Re:" and bracketed prefixes.
	Title string
	// Index and Total come from "N/M" in the prefix (0 when absent);
	// Version from "vN" (1 when the prefix has none, 0 without a prefix).
	Index, Total, Version int
	// From, Date, MessageID and InReplyTo are the headers as written
	// (From RFC 2047 decoded); empty for a plain diff.
	From, Date, MessageID, InReplyTo string
	// References holds the message ids of the References header.
	References []string
	// To and Cc hold the addresses of those headers, one per entry, as
	// written (RFC 2047 decoded).
	To, Cc []string
	// Body is the commit message: the mail body before the "---" line or
	// the first diff, without leading and trailing blank lines. For a
	// plain diff it is the text before the first diff.
	Body string
	// Files holds the file diffs, parsed by go-diff, in patch order.
	Files []*diff.FileDiff
}

// ReadPath reads patches from a file, from every *.patch file of a
// directory in name order, or from standard input when path is "-".
func ReadPath(path string) ([]*Patch, error) {
	if path == "-" {
		return ReadInput("<stdin>", os.Stdin)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, errorf(path, "", "%v", unwrapPathError(err))
	}
	if !fi.IsDir() {
		f, err := os.Open(path)
		if err != nil {
			return nil, errorf(path, "", "%v", unwrapPathError(err))
		}
		defer func() { _ = f.Close() }() // read only: nothing to flush
		return ReadInput(path, f)
	}
	names, err := filepath.Glob(filepath.Join(path, "*.patch"))
	if err != nil {
		return nil, errorf(path, "", "%v", err)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, errorf(path, "", "directory holds no *.patch file")
	}
	var out []*Patch
	for _, n := range names {
		data, err := readLimited(n, nil)
		if err != nil {
			return nil, err
		}
		ps, err := parseInput(n, data, true)
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
		if len(out) > MaxPatches {
			return nil, errorf(path, "", "more than %d patches", MaxPatches)
		}
	}
	if len(out) == 0 {
		return nil, errorf(path, "", "no patches found (only cover letters)")
	}
	return orderSeries(path, out)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readLimited reads a file (r == nil) or r, refusing more than MaxInputSize bytes.
func readLimited(name string, r io.Reader) ([]byte, error) {
	if r == nil {
		f, err := os.Open(name)
		if err != nil {
			return nil, errorf(name, "", "%v", unwrapPathError(err))
		}
		defer func() { _ = f.Close() }() // read only: nothing to flush
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxInputSize+1))
	if err != nil {
		return nil, errorf(name, "", "read error: %v", unwrapPathError(err))
	}
	if len(data) > MaxInputSize {
		return nil, errorf(name, "", "input larger than %d MiB", MaxInputSize>>20)
	}
	return data, nil
}

// ReadInput reads the patches of one input and detects its format: an mbox
// (one or more mails, each starting with a "From " line), a single mail
// without a "From " line, or a plain unified diff. name is used in Source
// and in errors.
func ReadInput(name string, r io.Reader) ([]*Patch, error) {
	data, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	return parseInput(name, data, false)
}

// Parse is ReadInput on bytes.
func Parse(name string, data []byte) ([]*Patch, error) {
	if len(data) > MaxInputSize {
		return nil, errorf(name, "", "input larger than %d MiB", MaxInputSize>>20)
	}
	return parseInput(name, data, false)
}

// parseInput parses one input; allowNone accepts an input with only a cover letter.
func parseInput(name string, data []byte, allowNone bool) ([]*Patch, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(name, "", "empty input")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, errorf(name, linePlace(1+bytes.Count(data[:i], []byte{'\n'})), "NUL byte: binary data, not a patch")
	}
	lineNo := 1
	for rest := data; len(rest) > 0; lineNo++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		if i > MaxLineLength {
			return nil, errorf(name, linePlace(lineNo), "line longer than %d KiB", MaxLineLength>>10)
		}
		if i == len(rest) {
			break
		}
		rest = rest[i+1:]
	}
	data = normalizeCRLF(data)
	lines := splitLines(data)
	var out []*Patch
	switch {
	case isFromLine(lines[0]):
		mails := splitMbox(lines)
		rd := isMboxrd(lines, mails)
		for k, m := range mails {
			src := name
			if len(mails) > 1 {
				src = fmt.Sprintf("%s: mail %d", name, k+1)
			}
			raw := lines[m.start+1 : m.end]
			if rd {
				raw = unquoteFrom(raw)
			}
			p, skip, err := parseMail(src, raw, m.start+2, len(mails) > 1, k == 0)
			if err != nil {
				return nil, err
			}
			if !skip {
				out = append(out, p)
			}
			if len(out) > MaxPatches {
				return nil, errorf(name, "", "more than %d patches", MaxPatches)
			}
		}
	case looksLikeMail(lines):
		p, skip, err := parseMail(name, lines, 1, false, true)
		if err != nil {
			return nil, err
		}
		if !skip {
			out = append(out, p)
		}
	default:
		d := &diffText{input: name, lines: lines, place: func(i int) string { return linePlace(i + 1) }}
		files, err := d.files()
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, errorf(name, "", "no diff found")
		}
		pre := 0
		for pre < len(lines) && !d.isDiffStart(pre) {
			pre++
		}
		out = append(out, &Patch{Source: name, Body: trimBlank(lines[:pre]), Files: files})
	}
	if len(out) == 0 && !allowNone {
		return nil, errorf(name, "", "no patches found (only a cover letter)")
	}
	return orderSeries(name, out)
}

// normalizeCRLF turns CRLF line ends into LF when every line of data ends
// with CRLF: the whole input went through a DOS or mail conversion. Inputs
// with mixed line ends are left alone: a CR is then part of the line.
func normalizeCRLF(data []byte) []byte {
	n := bytes.Count(data, []byte{'\n'})
	if n == 0 || bytes.Count(data, []byte("\r\n")) != n {
		return data
	}
	return bytes.ReplaceAll(data, []byte("\r\n"), []byte{'\n'})
}

var (
	gitFromLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^From [0-9a-f]{40,64} Mon Sep 17 00:00:00 2001$`) })
	mboxFromRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^From \S+ .*\b\d{1,2}:\d\d(:\d\d)?\b.*\b\d{4}\b`) })
	headerRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[!-9;-~]+:`) })
)

// isFromLine reports whether l is an mbox separator: git format-patch's
// "From <sha> Mon Sep 17 00:00:00 2001" or "From addr date".
func isFromLine(l []byte) bool {
	return bytes.HasPrefix(l, []byte("From ")) && (gitFromLine().Match(l) || mboxFromRe().Match(l))
}

// looksLikeMail reports whether lines start with a mail header block that
// has a From: or Subject: field.
func looksLikeMail(lines [][]byte) bool {
	if !headerRe().Match(lines[0]) {
		return false
	}
	for _, l := range lines {
		if len(l) == 0 {
			return false
		}
		low := bytes.ToLower(l)
		if bytes.HasPrefix(low, []byte("from:")) || bytes.HasPrefix(low, []byte("subject:")) {
			return true
		}
		if !headerRe().Match(l) && l[0] != ' ' && l[0] != '\t' {
			return false
		}
	}
	return false
}

type span struct{ start, end int }

// splitMbox splits lines at mbox separators: a From line at the start or
// after an empty line.
func splitMbox(lines [][]byte) []span {
	var out []span
	for i, l := range lines {
		if isFromLine(l) && (i == 0 || len(lines[i-1]) == 0) {
			if len(out) > 0 {
				out[len(out)-1].end = i
			}
			out = append(out, span{start: i, end: len(lines)})
		}
	}
	return out
}

var quotedFrom = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^>+From `) })

// isMboxrd reports whether ">From " lines are quoted "From " lines: the
// input has some and no "From " line other than the separators. git
// format-patch without --pretty=mboxrd quotes nothing.
func isMboxrd(lines [][]byte, mails []span) bool {
	quoted := false
	for _, m := range mails {
		for _, l := range lines[m.start+1 : m.end] {
			if bytes.HasPrefix(l, []byte("From ")) {
				return false
			}
			if !quoted && quotedFrom().Match(l) {
				quoted = true
			}
		}
	}
	return quoted
}

// unquoteFrom removes one '>' from ">From ", ">>From "... lines (mboxrd).
func unquoteFrom(lines [][]byte) [][]byte {
	out := lines
	copied := false
	for i, l := range lines {
		if quotedFrom().Match(l) {
			if !copied {
				out = append([][]byte(nil), lines...)
				copied = true
			}
			out[i] = l[1:]
		}
	}
	return out
}

// parseMail parses one mail whose first line is line first of the input.
// multi says the input holds several mails, isFirst that this is the first.
// skip is set for a cover letter or a reply.
func parseMail(src string, lines [][]byte, first int, multi, isFirst bool) (*Patch, bool, error) {
	lines = mailCRLF(lines)
	hdrEnd := len(lines)
	for i, l := range lines {
		if len(l) == 0 {
			hdrEnd = i
			break
		}
		if !headerRe().Match(l) && (l[0] != ' ' && l[0] != '\t' || i == 0) {
			return nil, false, errorf(src, linePlace(first+i), "malformed mail header line %.40q", l)
		}
	}
	raw := bytes.Join(lines[:hdrEnd], []byte{'\n'})
	raw = append(raw, "\n\n"...)
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, false, errorf(src, linePlace(first), "malformed mail header: %v", err)
	}
	h := msg.Header
	p := &Patch{
		Source:    src,
		Subject:   decodeHeader(h.Get("Subject")),
		From:      decodeHeader(h.Get("From")),
		Date:      strings.TrimSpace(h.Get("Date")),
		MessageID: strings.TrimSpace(h.Get("Message-Id")),
		InReplyTo: strings.TrimSpace(h.Get("In-Reply-To")),
	}
	p.References = strings.Fields(h.Get("References"))
	for _, v := range h["To"] {
		p.To = append(p.To, splitAddresses(decodeHeader(v))...)
	}
	for _, v := range h["Cc"] {
		p.Cc = append(p.Cc, splitAddresses(decodeHeader(v))...)
	}
	var body []byte
	if hdrEnd < len(lines) {
		body = bytes.Join(lines[hdrEnd+1:], []byte{'\n'})
		body = append(body, '\n')
	}
	bodyFirst := first + hdrEnd + 1
	place := func(i int) string { return linePlace(bodyFirst + i) }
	decoded, changed, err := decodeBody(h, body)
	if err != nil {
		return nil, false, errorf(src, linePlace(bodyFirst), "%v", err)
	}
	if changed {
		body = decoded
		place = func(i int) string { return fmt.Sprintf("decoded body line %d", i+1) }
	}
	bl := splitLines(body)
	bl = inBodyHeaders(p, bl, &place)
	p.Title, p.Index, p.Total, p.Version = parseSubject(p.Subject)

	cover := p.Index == 0 && p.Total > 0
	reply := multi && isReply(p.Subject)
	d := &diffText{input: src, lines: bl, place: place}
	brk := 0
	for brk < len(bl) && !isPatchBreak(d, brk) {
		brk++
	}
	p.Body = trimBlank(bl[:brk])
	if cover || reply {
		return nil, true, nil
	}
	d.lines = bl[brk:]
	d.place = func(i int) string { return place(brk + i) }
	p.Files, err = d.files()
	if err != nil {
		return nil, false, err
	}
	if len(p.Files) == 0 {
		if multi && isFirst {
			return nil, true, nil // a cover letter without a 0/N prefix
		}
		return nil, false, errorf(src, "", "no diff found")
	}
	return p, false, nil
}

// mailCRLF removes the CR of every line of a mail whose lines all end with
// CRLF (one mail of an mbox that went through a DOS conversion on its own);
// an empty last line does not count.
func mailCRLF(lines [][]byte) [][]byte {
	n := len(lines)
	if n > 0 && len(lines[n-1]) == 0 {
		n--
	}
	if n == 0 {
		return lines
	}
	for _, l := range lines[:n] {
		if len(l) == 0 || l[len(l)-1] != '\r' {
			return lines
		}
	}
	out := make([][]byte, len(lines))
	for i, l := range lines {
		out[i] = bytes.TrimSuffix(l, []byte{'\r'})
	}
	return out
}

// inBodyHeaders applies "From:", "Subject:" and "Date:" lines at the top of
// the body (git format-patch writes them for another author's patch) when a
// blank line follows them, and returns the body without them.
func inBodyHeaders(p *Patch, bl [][]byte, place *func(int) string) [][]byte {
	i := 0
	for i < len(bl) && len(bytes.TrimSpace(bl[i])) == 0 {
		i++
	}
	vals := map[string]string{}
	for j := i; j < len(bl); j++ {
		l := string(bl[j])
		if len(strings.TrimSpace(l)) == 0 && len(vals) > 0 {
			if v, ok := vals["From: "]; ok {
				p.From = decodeHeader(v)
			}
			if v, ok := vals["Subject: "]; ok {
				p.Subject = decodeHeader(v)
			}
			if v, ok := vals["Date: "]; ok {
				p.Date = strings.TrimSpace(v)
			}
			old := *place
			*place = func(k int) string { return old(k + j + 1) }
			return bl[j+1:]
		}
		matched := false
		for _, key := range []string{"From: ", "Subject: ", "Date: "} {
			if v, ok := strings.CutPrefix(l, key); ok {
				vals[key] = v
				matched = true
			}
		}
		if !matched {
			break
		}
	}
	return bl
}

// isPatchBreak reports whether the commit message ends at line i: a "---"
// line (git mailinfo's rule) or the start of a diff.
func isPatchBreak(d *diffText, i int) bool {
	l := d.lines[i]
	if bytes.HasPrefix(l, []byte("---")) && len(bytes.TrimSpace(l[3:])) == 0 {
		return true
	}
	return bytes.HasPrefix(l, []byte("Index: ")) || d.isDiffStart(i)
}

// decodeBody undoes Content-Transfer-Encoding and joins the text parts of a
// multipart body. changed is false when body is returned as is.
func decodeBody(h mail.Header, body []byte) ([]byte, bool, error) {
	ct := h.Get("Content-Type")
	if ct != "" {
		mt, params, err := mime.ParseMediaType(ct)
		if err == nil && strings.HasPrefix(mt, "multipart/") {
			if params["boundary"] == "" {
				return nil, false, errors.New("multipart body without a boundary")
			}
			mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
			var out []byte
			for {
				part, err := mr.NextRawPart()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return nil, false, fmt.Errorf("malformed multipart body: %w", err)
				}
				pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
				switch pt {
				case "", "text/plain", "text/x-patch", "text/x-diff", "application/x-patch", "application/x-diff":
				default:
					continue // HTML alternatives, signatures, nested multiparts
				}
				b, err := io.ReadAll(io.LimitReader(part, MaxInputSize))
				if err != nil {
					return nil, false, fmt.Errorf("malformed multipart body: %w", err)
				}
				b, err = decodeCTE(part.Header.Get("Content-Transfer-Encoding"), b)
				if err != nil {
					return nil, false, err
				}
				if len(out) > 0 && out[len(out)-1] != '\n' {
					out = append(out, '\n')
				}
				out = append(out, b...)
			}
			return normalizeCRLF(out), true, nil
		}
	}
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	switch cte {
	case "", "7bit", "8bit", "binary":
		return body, false, nil
	}
	b, err := decodeCTE(cte, body)
	if err != nil {
		return nil, false, err
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, false, errors.New("NUL byte in the decoded body: binary data, not a patch")
	}
	return normalizeCRLF(b), true, nil
}

// decodeCTE decodes one Content-Transfer-Encoding.
func decodeCTE(cte string, b []byte) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
		if err != nil {
			return nil, fmt.Errorf("bad quoted-printable body: %w", err)
		}
		return out, nil
	case "base64":
		clean := bytes.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
				return -1
			}
			return r
		}, b)
		out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
		n, err := base64.StdEncoding.Decode(out, clean)
		if err != nil {
			return nil, fmt.Errorf("bad base64 body: %w", err)
		}
		return out[:n], nil
	case "", "7bit", "8bit", "binary":
		return b, nil
	default:
		return nil, fmt.Errorf("unknown Content-Transfer-Encoding %q", cte)
	}
}

// decodeHeader decodes RFC 2047 encoded words; on failure it returns the
// header as written.
func decodeHeader(s string) string {
	s = strings.TrimSpace(s)
	dec := &mime.WordDecoder{}
	out, err := dec.DecodeHeader(s)
	if err != nil {
		return s
	}
	return out
}

// splitAddresses splits an address list at commas outside quotes, angle
// brackets and comments.
func splitAddresses(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<' || c == '(':
			depth++
		case (c == '>' || c == ')') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			if a := strings.TrimSpace(s[start:i]); a != "" {
				out = append(out, a)
			}
			start = i + 1
		}
	}
	if a := strings.TrimSpace(s[start:]); a != "" {
		out = append(out, a)
	}
	return out
}

var (
	replyRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^\s*(re|aw|fwd?)\s*:`) })
	versionRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[vV](\d+)$`) })
	numberRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d+)/(\d+)$`) })
)

// isReply reports whether a subject is a reply's.
func isReply(s string) bool { return replyRe().MatchString(s) }

// parseSubject strips "Re:" and bracketed prefixes from a subject and reads
// "N/M" and "vN" from the prefix that has them.
func parseSubject(s string) (title string, index, total, version int) {
	rest := strings.TrimSpace(s)
	for {
		if m := replyRe().FindStringIndex(rest); m != nil {
			rest = strings.TrimSpace(rest[m[1]:])
			continue
		}
		if !strings.HasPrefix(rest, "[") {
			break
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			break
		}
		inner := rest[1:end]
		rest = strings.TrimSpace(rest[end+1:])
		patch := false
		for _, tok := range strings.Fields(inner) {
			if strings.EqualFold(tok, "PATCH") || strings.EqualFold(tok, "RFC") {
				patch = true
			}
			if m := versionRe().FindStringSubmatch(tok); m != nil {
				version, _ = strconv.Atoi(m[1])
			}
			if m := numberRe().FindStringSubmatch(tok); m != nil {
				index, _ = strconv.Atoi(m[1])
				total, _ = strconv.Atoi(m[2])
				patch = true
			}
		}
		if patch && version == 0 {
			version = 1
		}
	}
	return rest, index, total, version
}

// trimBlank joins lines, without leading and trailing blank lines.
func trimBlank(lines [][]byte) string {
	for len(lines) > 0 && len(bytes.TrimSpace(lines[0])) == 0 {
		lines = lines[1:]
	}
	for len(lines) > 0 && len(bytes.TrimSpace(lines[len(lines)-1])) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return ""
	}
	return string(bytes.Join(lines, []byte{'\n'})) + "\n"
}

// orderSeries puts the patches of one input or directory in N/M order when
// all of them have an index and the same total (mboxes from a list archive
// are not always in order), and refuses a series that holds the same patch
// twice or patches of different versions.
func orderSeries(name string, ps []*Patch) ([]*Patch, error) {
	if len(ps) < 2 {
		return ps, nil
	}
	indexed := true
	for _, p := range ps {
		if p.Index == 0 || p.Total != ps[0].Total {
			indexed = false
		}
		if p.Version != 0 && ps[0].Version != 0 && p.Version != ps[0].Version {
			return nil, errorf(name, "", "mixes versions: %s is v%d, %s is v%d", within(name, ps[0].Source), ps[0].Version, within(name, p.Source), p.Version)
		}
	}
	if !indexed {
		return ps, nil
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Index < ps[j].Index })
	for i := 1; i < len(ps); i++ {
		if ps[i].Index == ps[i-1].Index {
			return nil, errorf(name, "", "%s and %s are both patch %d/%d", within(name, ps[i-1].Source), within(name, ps[i].Source), ps[i].Index, ps[i].Total)
		}
	}
	return ps, nil
}

// within shortens a patch's Source for a message about input name.
func within(name, source string) string {
	if s, ok := strings.CutPrefix(source, name+": "); ok {
		return s
	}
	return source
}

// SplitMbox splits an mbox into its mails, each starting with its "From "
// separator line, by the separator rule ReadInput uses (a separator starts
// the input or follows an empty line). The mails are not parsed: callers
// that read mailing-list archives, where discussion and patches
// interleave, parse each one with Parse. It returns nil when data does not
// start with a separator.
func SplitMbox(data []byte) [][]byte {
	var out [][]byte
	start := -1
	prevEmpty := true
	for off := 0; off < len(data); {
		next := len(data)
		if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
			next = off + i + 1
		}
		line := bytes.TrimRight(data[off:next], "\r\n")
		if prevEmpty && isFromLine(line) {
			if start >= 0 {
				out = append(out, data[start:off])
			}
			start = off
		} else if start < 0 {
			return nil
		}
		prevEmpty = len(line) == 0
		off = next
	}
	if start >= 0 {
		out = append(out, data[start:])
	}
	return out
}
