package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultRobotFrom is the From address of replies when none is configured.
const DefaultRobotFrom = "trampcheck <trampcheck@localhost>"

// DefaultLoreURL is the link template for a message id (with @ as %40).
const DefaultLoreURL = "https://lore.kernel.org/r/%s"

// RobotOptions configure the reply mails of WriteRobot and Replies.
type RobotOptions struct {
	// From is the sender of the replies; DefaultRobotFrom when empty.
	From string
	// LoreURL is a fmt template with one %s for an escaped message id;
	// DefaultLoreURL when empty.
	LoreURL string
	// Base names what the patches were checked against; Run.Base when empty.
	Base string
	// Tool names the checker in the body and the signature, e.g.
	// "trampcheck 0.1.0"; "trampcheck" when empty.
	Tool string
	// Reproduce, when set, is printed as the command that reproduces the
	// report.
	Reproduce string
	// Now returns the Date of the replies; time.Now when nil.
	Now func() time.Time
}

// Reply is one reply mail to a patch.
type Reply struct {
	// InReplyTo is the Message-ID of the patch answered, without brackets.
	InReplyTo string
	// MessageID is the reply's own Message-ID, without brackets.
	MessageID string
	// Recipients holds every address the reply goes to (To and Cc), bare.
	Recipients []string
	// Subject is the decoded subject of the reply.
	Subject string
	// Raw is the whole message (headers and body), lines ending in "\n".
	Raw []byte
}

// WriteRobot writes, as an mbox, one reply in the kernel test robot's
// layout for each patch of the run that introduced findings.
func WriteRobot(w io.Writer, run *Run, opt RobotOptions) error {
	replies, err := Replies(run, opt)
	if err != nil {
		return err
	}
	return WriteMbox(w, replies)
}

// WriteMbox writes replies as an mboxrd mailbox: each message starts with a
// "From " line and body lines that start with ">*From " get one more ">".
func WriteMbox(w io.Writer, replies []Reply) error {
	var b bytes.Buffer
	for _, r := range replies {
		b.WriteString("From trampcheck Thu Jan  1 00:00:00 1970\n")
		for _, line := range strings.SplitAfter(string(r.Raw), "\n") {
			if line == "" {
				continue
			}
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				b.WriteByte('>')
			}
			b.WriteString(line)
		}
		if !bytes.HasSuffix(r.Raw, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// Replies builds one reply per patch with new findings, in series order.
// A patch without a Message-ID cannot be answered and is an error.
func Replies(run *Run, opt RobotOptions) ([]Reply, error) {
	if opt.From == "" {
		opt.From = DefaultRobotFrom
	}
	from, err := mail.ParseAddress(opt.From)
	if err != nil {
		return nil, fmt.Errorf("--from %q: %w", opt.From, err)
	}
	if opt.LoreURL == "" {
		opt.LoreURL = DefaultLoreURL
	}
	if strings.Count(opt.LoreURL, "%s") != 1 || strings.Count(opt.LoreURL, "%") != 1 {
		return nil, fmt.Errorf("--lore-url %q: want a template with exactly one %%s", opt.LoreURL)
	}
	if opt.Base == "" {
		opt.Base = run.Base
	}
	if opt.Tool == "" {
		opt.Tool = "trampcheck"
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	var out []Reply
	for i := range run.Results {
		pr := &run.Results[i]
		if !hasNew(pr) {
			continue
		}
		if pr.Mail.MessageID == "" {
			if !run.Patched {
				return nil, fmt.Errorf("--format=robot answers patch mails; the input has findings but no patch")
			}
			return nil, fmt.Errorf("patch %d %q: no Message-ID to reply to (--format=robot needs patch mails)", pr.Index+1, pr.Mail.Subject)
		}
		r, err := buildReply(pr, from, &opt, now())
		if err != nil {
			return nil, fmt.Errorf("patch %d %q: %w", pr.Index+1, pr.Mail.Subject, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// hasNew reports whether a patch introduced a finding (in file mode every
// finding counts).
func hasNew(pr *PatchResult) bool {
	for _, f := range pr.Findings {
		if f.New == nil || *f.New {
			return true
		}
	}
	return false
}

// isNew reports whether f is new (or there is no base to compare with).
func isNew(f *Finding) bool { return f.New == nil || *f.New }

// buildReply renders the reply to one patch.
func buildReply(pr *PatchResult, from *mail.Address, opt *RobotOptions, date time.Time) (Reply, error) {
	m := pr.Mail
	m.MessageID = bareID(m.MessageID)
	m.References = nil
	for _, r := range pr.Mail.References {
		m.References = append(m.References, bareID(r))
	}
	author, err := mail.ParseAddress(m.From)
	if err != nil {
		return Reply{}, fmt.Errorf("from %q: cannot reply to it: %w", m.From, err)
	}
	seen := map[string]bool{strings.ToLower(author.Address): true}
	var cc []*mail.Address
	for _, list := range [][]string{m.To, m.Cc} {
		for _, field := range list {
			addrs, err := mail.ParseAddressList(field)
			if err != nil {
				continue // never guess at an address we cannot read
			}
			for _, a := range addrs {
				k := strings.ToLower(a.Address)
				if seen[k] || strings.EqualFold(a.Address, from.Address) {
					continue
				}
				seen[k] = true
				cc = append(cc, a)
			}
		}
	}
	msgID := replyID(m.MessageID, pr, from.Address)
	subject := m.Subject
	if !strings.HasPrefix(strings.ToLower(subject), "re:") {
		subject = "Re: " + subject
	}
	refs := append([]string{}, m.References...)
	if len(refs) == 0 || refs[len(refs)-1] != m.MessageID {
		refs = append(refs, m.MessageID)
	}
	body := robotBody(pr, &m, author, from, msgID, opt)

	var h bytes.Buffer
	writeAddrHeader(&h, "From", []*mail.Address{from})
	writeAddrHeader(&h, "To", []*mail.Address{author})
	if len(cc) > 0 {
		writeAddrHeader(&h, "Cc", cc)
	}
	fmt.Fprintf(&h, "Subject: %s\n", foldWords("Subject: ", encodeHeader(subject)))
	fmt.Fprintf(&h, "Date: %s\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&h, "Message-ID: <%s>\n", msgID)
	fmt.Fprintf(&h, "In-Reply-To: <%s>\n", m.MessageID)
	bracketed := make([]string, len(refs))
	for i, r := range refs {
		bracketed[i] = "<" + r + ">"
	}
	fmt.Fprintf(&h, "References: %s\n", foldList("References: ", bracketed, " "))
	h.WriteString("MIME-Version: 1.0\n")
	charset, cte := "us-ascii", "7bit"
	if !isASCII(body) {
		charset, cte = "utf-8", "8bit"
	}
	if longestLine(body) > 900 {
		cte = "quoted-printable"
	}
	fmt.Fprintf(&h, "Content-Type: text/plain; charset=%s\n", charset)
	fmt.Fprintf(&h, "Content-Transfer-Encoding: %s\n", cte)
	h.WriteString("\n")
	if cte == "quoted-printable" {
		qp := quotedprintable.NewWriter(&h)
		if _, err := qp.Write([]byte(body)); err != nil {
			return Reply{}, err
		}
		if err := qp.Close(); err != nil {
			return Reply{}, err
		}
	} else {
		h.WriteString(body)
	}
	recips := []string{author.Address}
	for _, a := range cc {
		recips = append(recips, a.Address)
	}
	return Reply{InReplyTo: m.MessageID, MessageID: msgID, Recipients: recips, Subject: subject, Raw: h.Bytes()}, nil
}

// replyID derives the reply's Message-ID from the patch's and the findings,
// so that the same report always gets the same id.
func replyID(patchID string, pr *PatchResult, fromAddr string) string {
	h := sha256.New()
	h.Write([]byte(patchID))
	for _, f := range pr.Findings {
		if isNew(&f) {
			h.Write([]byte("\x00" + f.Key()))
		}
	}
	domain := "localhost"
	if i := strings.LastIndexByte(fromAddr, '@'); i >= 0 && i+1 < len(fromAddr) {
		domain = fromAddr[i+1:]
	}
	return "trampcheck-" + hex.EncodeToString(h.Sum(nil))[:20] + "@" + domain
}

// bareID returns a message id without white space and angle brackets.
func bareID(id string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(id), "<"), ">")
}

// LoreLink fills a lore URL template with a message id, escaped as lore
// expects (@ as %40).
func LoreLink(template, msgID string) string {
	return fmt.Sprintf(template, strings.ReplaceAll(url.PathEscape(msgID), "@", "%40"))
}

// FirstName returns the greeting name of an author: the first word of the
// display name ("Ilya" for "Ilya Leoshkevich", "Ilya" for "Leoshkevich,
// Ilya"), or the local part of the address when there is no name.
func FirstName(a *mail.Address) string {
	name := strings.TrimSpace(a.Name)
	if i := strings.IndexByte(name, ','); i >= 0 {
		name = strings.TrimSpace(name[i+1:])
	}
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	local := a.Address
	if i := strings.IndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	return local
}

// robotBody writes the body in the kernel test robot's layout.
func robotBody(pr *PatchResult, m *Mail, author, from *mail.Address, msgID string, opt *RobotOptions) string {
	kind, kindUpper := "warnings", "WARNING"
	for _, f := range pr.Findings {
		if f.Severity == "error" {
			kind, kindUpper = "errors", "ERROR"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Hi %s,\n\n", FirstName(author))
	fmt.Fprintf(&b, "%s checked this patch and found the following %s:\n\n", opt.Tool, kind)
	fmt.Fprintf(&b, "[static check %s on %s]\n\n", kindUpper, opt.Base)
	fmt.Fprintf(&b, "base:          %s\n", opt.Base)
	fmt.Fprintf(&b, "patch link:    %s\n", LoreLink(opt.LoreURL, m.MessageID))
	fmt.Fprintf(&b, "patch subject: %s\n", pr.Mail.Subject)
	fmt.Fprintf(&b, "checker:       %s\n", opt.Tool)
	if opt.Reproduce != "" {
		fmt.Fprintf(&b, "reproduce:     %s\n", opt.Reproduce)
	}
	b.WriteString("\nIf the fix goes into a separate patch or commit (rather than a new version\n")
	b.WriteString("of this one), please credit the report with these tags:\n")
	fmt.Fprintf(&b, "| Reported-by: %s\n", addrString(from))
	fmt.Fprintf(&b, "| Closes: %s\n", LoreLink(opt.LoreURL, msgID))
	fmt.Fprintf(&b, "\nAll %s (new ones prefixed by >>):\n\n", kind)
	for i := range pr.Findings {
		f := &pr.Findings[i]
		prefix := "   "
		if isNew(f) {
			prefix = ">> "
		}
		b.WriteString(f.Text(prefix)) // quotes indented by the marker's width, as the robot does
	}
	for _, g := range groupNew(pr) {
		b.WriteString("\n\n")
		for _, f := range g.findings {
			if f.Symbol != "" {
				fmt.Fprintf(&b, "vim +/%s +%d %s\n", f.Symbol, f.Line, f.File)
			} else {
				fmt.Fprintf(&b, "vim +%d %s\n", f.Line, f.File)
			}
		}
		b.WriteString("\n")
		b.WriteString(g.excerpt)
	}
	fmt.Fprintf(&b, "\n-- \n%s\nstatic checks for the s390x BPF JIT and its trampoline generator\n", opt.Tool)
	return b.String()
}

// excerptGroup is a set of new findings quoted with one source excerpt.
type excerptGroup struct {
	findings []*Finding
	excerpt  string
}

// groupNew groups the new findings by the excerpt (the surrounding function)
// that quotes them, in report order.
func groupNew(pr *PatchResult) []excerptGroup {
	type span struct {
		file       string
		start, end int
	}
	var order []span
	groups := map[span][]*Finding{}
	for i := range pr.Findings {
		f := &pr.Findings[i]
		if !isNew(f) {
			continue
		}
		lines := splitLines(pr.Files[f.File])
		start, end := funcSpan(lines, f.Line)
		s := span{f.File, start, end}
		if _, ok := groups[s]; !ok {
			order = append(order, s)
		}
		groups[s] = append(groups[s], f)
	}
	var out []excerptGroup
	for _, s := range order {
		fs := groups[s]
		marked := map[int]bool{}
		for _, f := range fs {
			marked[f.Line] = true
		}
		lines := splitLines(pr.Files[s.file])
		out = append(out, excerptGroup{findings: fs, excerpt: excerpt(lines, s.start, s.end, marked)})
	}
	return out
}

// maxExcerptAfter bounds how many lines after the last reported line an
// excerpt shows of a long function.
const maxExcerptAfter = 30

// maxExcerptBefore bounds how many lines before the reported line an excerpt
// reaches back for the start of the function.
const maxExcerptBefore = 60

// splitLines splits a file into lines without their endings.
func splitLines(src []byte) []string {
	if len(src) == 0 {
		return nil
	}
	s := strings.TrimSuffix(string(src), "\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// funcSpan returns the 1-based first and last line to quote around line n:
// the function around it (kernel style: "{" and "}" of a body in column
// 1) from the blank line before its head to its closing brace, bounded by
// maxExcerptBefore and maxExcerptAfter; just line n when the file is
// unknown.
func funcSpan(lines []string, n int) (int, int) {
	if n < 1 || n > len(lines) {
		return n, n
	}
	head := n
	for k := n; k >= 1 && n-k <= maxExcerptBefore; k-- {
		if lines[k-1] == "}" && k != n {
			break // n is outside a body: it is in a head or at file scope
		}
		if lines[k-1] == "{" {
			head = k - 1
			break
		}
	}
	start := head
	for start > 1 && n-start < maxExcerptBefore && isHeadLine(lines[start-2]) {
		start--
	}
	if start > 1 && strings.TrimSpace(lines[start-2]) == "" {
		start-- // the blank line before the function, as the robot shows it
	}
	end := n
	if head == n && !opensBody(lines, n) {
		return start, end // file scope: no function around n
	}
	for end < len(lines) && end-n < maxExcerptAfter && lines[end-1] != "}" {
		end++
	}
	return start, end
}

// opensBody reports whether line n belongs to a function head: a "{" line
// follows after head lines only.
func opensBody(lines []string, n int) bool {
	if !isHeadLine(lines[n-1]) {
		return false
	}
	for j := n + 1; j <= len(lines) && j-n <= maxExcerptBefore; j++ {
		if lines[j-1] == "{" {
			return true
		}
		if !isHeadLine(lines[j-1]) {
			return false
		}
	}
	return false
}

// isHeadLine reports whether a line can belong to a function's head (return
// type, attributes, name, parameters): not blank, not the end of a
// statement, a body or a comment at file scope.
func isHeadLine(l string) bool {
	t := strings.TrimRight(l, " \t")
	switch {
	case t == "", t == "}", strings.HasSuffix(t, "*/"), strings.HasPrefix(t, "#"):
		return false
	case strings.HasSuffix(t, ";") && t[0] != ' ' && t[0] != '\t':
		return false
	}
	return true
}

// excerpt formats lines start..end as the robot does: the reported lines
// marked "> ", the others indented by two spaces, then the line number
// and two spaces before the text.
func excerpt(lines []string, start, end int, marked map[int]bool) string {
	if start < 1 || end > len(lines) || start > end {
		return ""
	}
	width := max(4, len(fmt.Sprint(end)))
	var b strings.Builder
	for n := start; n <= end; n++ {
		mark := "  "
		if marked[n] {
			mark = "> "
		}
		b.WriteString(strings.TrimRight(fmt.Sprintf("%s%*d  %s", mark, width, n, lines[n-1]), " \t"))
		b.WriteByte('\n')
	}
	if end < len(lines) && lines[end-1] != "}" {
		fmt.Fprintf(&b, "  %*s\n", width, "...")
	}
	return b.String()
}

// writeAddrHeader writes an address header, folded between addresses.
func writeAddrHeader(b *bytes.Buffer, name string, addrs []*mail.Address) {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = addrString(a)
	}
	fmt.Fprintf(b, "%s: %s\n", name, foldList(name+": ", parts, ", "))
}

// addrString formats an address as people write it: the name unquoted
// when it is a plain phrase, quoted or RFC 2047 encoded otherwise.
func addrString(a *mail.Address) string {
	if a.Name == "" {
		return a.Address
	}
	for _, r := range a.Name {
		plain := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(" !#$%&'*+-/=?^_`{|}~", r)
		if !plain {
			return a.String()
		}
	}
	if strings.TrimSpace(a.Name) != a.Name || strings.Contains(a.Name, "  ") {
		return a.String()
	}
	return a.Name + " <" + a.Address + ">"
}

// foldList joins items with sep, folding lines before an item when the
// line would pass 78 characters.
func foldList(prefix string, items []string, sep string) string {
	var b strings.Builder
	col := len(prefix)
	for i, it := range items {
		if i > 0 {
			s := strings.TrimRight(sep, " ")
			b.WriteString(s)
			col += len(s)
			if col+1+len(it) > 78 {
				b.WriteString("\n ")
				col = 1
			} else {
				b.WriteString(" ")
				col++
			}
		}
		b.WriteString(it)
		col += len(it)
	}
	return b.String()
}

// foldWords folds a long unstructured header value at spaces.
func foldWords(prefix, value string) string {
	return foldList(prefix, strings.Fields(value), " ")
}

// encodeHeader returns s as is when ASCII, else as RFC 2047 encoded words.
func encodeHeader(s string) string {
	if isASCII(s) {
		return s
	}
	return mime.QEncoding.Encode("utf-8", s)
}

// isASCII reports whether s is 7-bit.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// longestLine returns the length in bytes of the longest line of s.
func longestLine(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		n = max(n, len(l))
	}
	return n
}
