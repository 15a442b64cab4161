// Package listbot answers patches on a mailing list as the kernel test
// robot does: it reads mailing-list mboxes (a public-inbox or lore
// export: series, replies and other mail interleaved), groups the patches
// into series by thread and version, checks each series and writes one
// reply in the robot's layout for every patch that introduced a finding,
// listed in an index, optionally piping each to sendmail. A state file
// remembers every patch checked, so a second run on the same mbox writes
// and sends nothing; one bot at a time may use a directory.
package listbot

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"

	"github.com/trampcheck/trampcheck/cparse/patchset"
	"github.com/trampcheck/trampcheck/driver/report"
	"github.com/trampcheck/trampcheck/driver/series"
)

// Files the bot keeps in Out.
const (
	IndexFile = "index.tsv" // reply file, patch Message-ID, reply Message-ID, recipients, subject
	StateFile = "state.tsv" // patch Message-ID, "replied" or "clean", reply Message-ID
)

// Run reads the mboxes, groups their patches into series, checks each
// series with a patch not answered before and answers its offending
// patches. replied counts the replies written, failures the mails and
// series that could not be checked (named on Stderr; the others are
// still answered). An error (Out unusable, another bot running, an
// unreadable mbox) means nothing was done.
func (b *Bot) Run(mboxes []string) (replied, failures int, err error) {
	if err := b.load(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = b.lock.Close() }() // releases the lock
	var mails []*listMail
	seen := map[string]bool{}
	for _, path := range mboxes {
		ms, err := readListMbox(path)
		if err != nil {
			return 0, 0, err
		}
		for _, m := range ms {
			if m.id == "" || seen[m.id] {
				continue // without a Message-ID a mail cannot be answered
			}
			seen[m.id] = true
			mails = append(mails, m)
		}
	}
	for _, m := range mails {
		if _, done := b.state[m.id]; m.parseErr != nil && !done {
			fmt.Fprintf(b.Stderr, "trampcheck bot: %v\n", series.OneLine(m.parseErr))
			b.failures++
			b.record(m.id, "unreadable", "")
		}
	}
	for _, s := range groupSeries(mails, b.Stderr, &b.failures) {
		b.handle(s)
	}
	return b.replied, b.failures, nil
}

// listMail is one mail of a mailing-list mbox.
type listMail struct {
	source  string // "list.mbox: mail 7"
	raw     []byte // the mail with its "From " line, mboxrd quoting kept
	id      string // Message-ID without brackets
	parent  string // In-Reply-To without brackets
	refs    []string
	subject string // decoded
	patch   *patchset.Patch
	// parseErr is patchset's error for a mail that looks like a patch
	// (a [PATCH] subject and a hunk) but cannot be read as one.
	parseErr error
}

var (
	msgIDRe      = regexp.MustCompile(`<[^<>\s]+>`)
	replySubject = regexp.MustCompile(`(?i)^\s*(re|aw|fwd?)\s*:`)
)

// readListMbox splits a mailing-list mbox into mails and parses each one
// that carries a patch with patchset. patchset reads a series; a list mbox
// also holds discussion mail, which patchset (rightly) refuses inside a
// series, so this adapter splits at the separators patchset uses and hands
// it one mail at a time.
func readListMbox(path string) ([]*listMail, error) {
	data, err := series.ReadLimited(path)
	if err != nil {
		return nil, err
	}
	chunks := patchset.SplitMbox(data)
	if chunks == nil {
		return nil, fmt.Errorf("%s: line 1: not an mbox (no \"From \" separator line)", path)
	}
	var out []*listMail
	for i, c := range chunks {
		m := &listMail{source: fmt.Sprintf("%s: mail %d", path, i+1), raw: c}
		body := c[bytes.IndexByte(c, '\n')+1:]
		msg, err := mail.ReadMessage(bytes.NewReader(body))
		if err != nil {
			continue // not a mail: nothing to answer
		}
		h := msg.Header
		m.id = bareMsgID(h.Get("Message-Id"))
		m.parent = bareMsgID(h.Get("In-Reply-To"))
		for _, r := range msgIDRe.FindAllString(h.Get("References"), -1) {
			m.refs = append(m.refs, bareMsgID(r))
		}
		dec := &mime.WordDecoder{}
		if m.subject, err = dec.DecodeHeader(h.Get("Subject")); err != nil {
			m.subject = h.Get("Subject")
		}
		if !replySubject.MatchString(m.subject) && strings.Contains(strings.ToUpper(m.subject), "PATCH") && bytes.Contains(c, []byte("\n@@ -")) {
			ps, err := patchset.Parse(m.source, c)
			switch {
			case err == nil && len(ps) == 1:
				m.patch = ps[0]
			case err != nil:
				m.parseErr = err
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// bareMsgID returns the first message id of a header without brackets.
func bareMsgID(s string) string {
	if id := msgIDRe.FindString(s); id != "" {
		return strings.Trim(id, "<>")
	}
	return strings.Trim(strings.TrimSpace(s), "<>")
}

// mailSeries is the patches of one version of a series, in order.
type mailSeries struct {
	key     string
	patches []*patchset.Patch
	mails   []*listMail
}

// groupSeries groups the patch mails by thread (the root of References,
// else In-Reply-To, else the mail itself) and version, each in N/M order,
// in the order their first patch appears.
func groupSeries(mails []*listMail, stderr io.Writer, failures *int) []*mailSeries {
	byKey := map[string]*mailSeries{}
	var order []*mailSeries
	for _, m := range mails {
		if m.patch == nil {
			continue
		}
		root := m.id
		switch {
		case len(m.refs) > 0:
			root = m.refs[0]
		case m.parent != "":
			root = m.parent
		}
		key := fmt.Sprintf("%s\x00v%d\x00%d", root, m.patch.Version, m.patch.Total)
		s := byKey[key]
		if s == nil {
			s = &mailSeries{key: key}
			byKey[key] = s
			order = append(order, s)
		}
		dup := false
		for _, o := range s.mails {
			if o.patch.Index == m.patch.Index && m.patch.Total > 0 {
				dup = true
			}
		}
		if dup {
			fmt.Fprintf(stderr, "trampcheck bot: %s: patch %d/%d of %q comes twice; the first one is checked\n", m.source, m.patch.Index, m.patch.Total, m.patch.Title)
			continue
		}
		s.mails = append(s.mails, m)
	}
	for _, s := range order {
		sort.SliceStable(s.mails, func(i, j int) bool { return s.mails[i].patch.Index < s.mails[j].patch.Index })
		for _, m := range s.mails {
			s.patches = append(s.patches, m.patch)
		}
	}
	return order
}

// Bot answers the offending patches of mailing-list mboxes. Fill the
// exported fields and call Run; a Bot is used for one run.
type Bot struct {
	// Out is the directory of the replies, their index and the bot's
	// memory (IndexFile, StateFile, .lock).
	Out string
	// Sendmail, when set, is run by sh with each reply on its standard
	// input ("sendmail -t").
	Sendmail string
	// Check checks one series; the run's Base is the tree's root.
	Check func(patches []*patchset.Patch) (*report.Run, error)
	// Robot are the replies' options (From, LoreURL, Tool); Base and
	// Reproduce are filled for each series.
	Robot report.RobotOptions
	// Stdout gets one line per reply written; Stderr one line per mail
	// or series that could not be checked.
	Stdout, Stderr io.Writer

	state    map[string]string // patch Message-ID -> status
	replies  int               // replies in the index before and during this run
	replied  int               // replies written by this run
	failures int
	baseName string   // DescribeBase of the tree, computed once
	lock     *os.File // DIR/.lock, flocked while the bot runs
}

// base describes the tree once per run.
func (b *Bot) base(tree string) string {
	if b.baseName == "" {
		b.baseName = report.DescribeBase(tree)
	}
	return b.baseName
}

// load reads the state and counts the replies already in the index.
func (b *Bot) load() error {
	if err := os.MkdirAll(b.Out, 0o755); err != nil {
		return fmt.Errorf("--out %s: %w", b.Out, errors.Unwrap(err))
	}
	// One bot at a time per DIR: the lock goes with the process.
	lock, err := os.OpenFile(filepath.Join(b.Out, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return fmt.Errorf("--out %s: %w", b.Out, errors.Unwrap(err))
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = lock.Close() // the lock error is the one to report
		return fmt.Errorf("--out %s: another trampcheck bot is using it (%w)", b.Out, err)
	}
	b.lock = lock
	b.state = map[string]string{}
	path := filepath.Join(b.Out, StateFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	defer func() { _ = f.Close() }() // read only
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) < 2 || fields[0] == "" {
			return fmt.Errorf("%s: line %d: want MESSAGE-ID<TAB>STATUS", path, n)
		}
		b.state[fields[0]] = fields[1]
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if idx, err := os.ReadFile(filepath.Join(b.Out, IndexFile)); err == nil {
		b.replies = bytes.Count(idx, []byte("\n"))
	}
	return nil
}

// handle checks one series and answers its offending patches.
func (b *Bot) handle(s *mailSeries) {
	pending := false
	for _, m := range s.mails {
		if _, done := b.state[m.id]; !done {
			pending = true
		}
	}
	if !pending {
		return
	}
	first := s.mails[0]
	run, err := b.Check(s.patches)
	if err != nil {
		fmt.Fprintf(b.Stderr, "trampcheck bot: series %q: %v\n", first.patch.Subject, series.OneLine(err))
		b.failures++
		return
	}
	opt := b.Robot
	opt.Reproduce = fmt.Sprintf("b4 am -o - %s | trampcheck check --tree %s -", first.id, run.Base)
	opt.Base = b.base(run.Base)
	replies, err := report.Replies(run, opt)
	if err != nil {
		fmt.Fprintf(b.Stderr, "trampcheck bot: series %q: %v\n", first.patch.Subject, series.OneLine(err))
		b.failures++
		return
	}
	byPatch := map[string]report.Reply{}
	for _, r := range replies {
		byPatch[r.InReplyTo] = r
	}
	for _, m := range s.mails {
		if _, done := b.state[m.id]; done {
			continue
		}
		r, ok := byPatch[m.id]
		if !ok {
			b.record(m.id, "clean", "")
			continue
		}
		if err := b.answer(m, r); err != nil {
			fmt.Fprintf(b.Stderr, "trampcheck bot: %s: %v\n", m.source, series.OneLine(err))
			b.failures++
		}
	}
}

// answer writes (and sends) one reply, then records it.
func (b *Bot) answer(m *listMail, r report.Reply) error {
	allowed := map[string]bool{}
	for _, field := range append([]string{m.patch.From}, append(m.patch.To, m.patch.Cc...)...) {
		if addrs, err := mail.ParseAddressList(field); err == nil {
			for _, a := range addrs {
				allowed[strings.ToLower(a.Address)] = true
			}
		}
	}
	for _, rcpt := range r.Recipients {
		if !allowed[strings.ToLower(rcpt)] {
			return fmt.Errorf("reply would go to %s, who is not on the patch mail; not sent", rcpt)
		}
	}
	if b.Sendmail != "" {
		cmd := exec.Command("sh", "-c", b.Sendmail)
		cmd.Stdin = bytes.NewReader(r.Raw)
		var stderr bytes.Buffer
		cmd.Stdout = &stderr
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("--sendmail %q: %w: %s", b.Sendmail, err, strings.TrimSpace(stderr.String()))
		}
	}
	b.replies++
	name := fmt.Sprintf("%04d-%s.eml", b.replies, fileSafe(m.id))
	if err := os.WriteFile(filepath.Join(b.Out, name), r.Raw, 0o644); err != nil {
		return fmt.Errorf("%s: %w", name, errors.Unwrap(err))
	}
	line := strings.Join([]string{name, m.id, r.MessageID, strings.Join(r.Recipients, ","), tsvSafe(r.Subject)}, "\t") + "\n"
	if err := appendFile(filepath.Join(b.Out, IndexFile), line); err != nil {
		return err
	}
	b.replied++
	b.record(m.id, "replied", r.MessageID)
	fmt.Fprintf(b.Stdout, "%s\t%s\n", name, r.Subject)
	return nil
}

// record remembers a patch as handled.
func (b *Bot) record(id, status, reply string) {
	b.state[id] = status
	if err := appendFile(filepath.Join(b.Out, StateFile), tsvSafe(id)+"\t"+status+"\t"+reply+"\n"); err != nil {
		fmt.Fprintf(b.Stderr, "trampcheck bot: %v\n", series.OneLine(err))
		b.failures++
	}
}

// appendFile appends a line to a file, creating it.
func appendFile(path, line string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	if _, err := f.WriteString(line); err != nil {
		_ = f.Close() // the write error is the one to report
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// fileSafe turns a message id into a file name part.
func fileSafe(id string) string {
	var b strings.Builder
	for _, r := range id {
		if r < 128 && (r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
		if b.Len() >= 80 {
			break
		}
	}
	return b.String()
}

// tsvSafe removes tabs and line breaks from a field.
func tsvSafe(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}
