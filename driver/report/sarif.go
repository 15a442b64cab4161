package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
)

// SARIFVersion and SARIFSchema identify the SARIF format written.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

// Rule describes one check for SARIF's tool.driver.rules.
type Rule struct {
	ID   string // the check name, stable from run to run
	Doc  string // the analyzer's Doc: a one-line title, a blank line, the text
	URL  string // documentation, optional
	Flag string // "-Wmissing-prototypes" or "trampcheck:<check>", optional
}

// SARIFOptions configure WriteSARIF.
type SARIFOptions struct {
	ToolName       string // "trampcheck" when empty
	Version        string
	InformationURI string
	// Rules lists every check that ran; findings of a check missing here
	// get a rule with its name only.
	Rules []Rule
}

// SARIF 2.1.0 objects, with the properties trampcheck fills.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string            `json:"id"`
		Name                 string            `json:"name"`
		ShortDescription     sarifText         `json:"shortDescription"`
		FullDescription      sarifText         `json:"fullDescription"`
		Help                 sarifText         `json:"help"`
		HelpURI              string            `json:"helpUri,omitempty"`
		DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
		Properties           map[string]string `json:"properties,omitempty"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		BaselineState       string            `json:"baselineState,omitempty"`
	}
	sarifLocation struct {
		ID               int           `json:"id,omitempty"` // related locations: 1, 2, ...
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"` // related locations: GCC's note
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           sarifRegion   `json:"region"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int        `json:"startLine"`
		StartColumn int        `json:"startColumn,omitempty"`
		EndColumn   int        `json:"endColumn,omitempty"`
		Snippet     *sarifText `json:"snippet,omitempty"`
	}
)

// WriteSARIF writes the run's distinct findings as a SARIF 2.1.0 log for
// GitHub code scanning: one rule per check (ruleId is the check name),
// tree-relative artifact URIs, columns in Unicode code points and a
// primaryLocationLineHash that does not change when the line moves. In
// patch mode a result's baselineState says whether the series introduced it
// ("new") or the base already had it ("unchanged").
func WriteSARIF(w io.Writer, run *Run, opt SARIFOptions) error {
	if opt.ToolName == "" {
		opt.ToolName = "trampcheck"
	}
	rules := []sarifRule{}
	index := map[string]int{}
	addRule := func(r Rule) {
		if _, ok := index[r.ID]; ok {
			return
		}
		title, text := splitDoc(r.Doc)
		if title == "" {
			title = r.ID
		}
		if text == "" {
			text = title
		}
		sr := sarifRule{
			ID: r.ID, Name: r.ID,
			ShortDescription:     sarifText{title},
			FullDescription:      sarifText{text},
			Help:                 sarifText{strings.TrimSpace(r.Doc)},
			HelpURI:              r.URL,
			DefaultConfiguration: sarifRuleConfig{"warning"},
		}
		if sr.Help.Text == "" {
			sr.Help.Text = title
		}
		if r.Flag != "" {
			sr.Properties = map[string]string{"flag": r.Flag}
		}
		index[r.ID] = len(rules)
		rules = append(rules, sr)
	}
	for _, r := range opt.Rules {
		addRule(r)
	}
	results := []sarifResult{}
	occurrences := map[string]int{}
	for _, f := range Distinct(run) {
		addRule(Rule{ID: f.Check, Flag: f.Flag})
		level := "warning"
		if f.Severity == "error" {
			level = "error"
		}
		msg := f.Message
		if f.Flag != "" {
			msg += " [" + f.Flag + "]"
		}
		hash := LineHash(&f)
		occurrences[hash]++
		res := sarifResult{
			RuleID:    f.Check,
			RuleIndex: index[f.Check],
			Level:     level,
			Message:   sarifText{msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: artifactOf(f.File),
				Region:           sarifRegion{StartLine: f.Line},
			}}},
			PartialFingerprints: map[string]string{
				"primaryLocationLineHash": fmt.Sprintf("%s:%d", hash, occurrences[hash]),
			},
		}
		reg := &res.Locations[0].PhysicalLocation.Region
		if f.SourceLine != "" {
			reg.StartColumn = codePointCol(f.SourceLine, f.Column)
			if f.EndColumn > f.Column {
				reg.EndColumn = codePointCol(f.SourceLine, f.EndColumn)
			}
			reg.Snippet = &sarifText{f.SourceLine}
		} else if f.Column > 0 {
			reg.StartColumn = f.Column
		}
		for i, n := range f.Notes {
			loc := sarifLocation{ID: i + 1, Message: &sarifText{n.Message}, PhysicalLocation: sarifPhysical{
				ArtifactLocation: artifactOf(n.File),
				Region:           sarifRegion{StartLine: n.Line, StartColumn: n.Column},
			}}
			if n.SourceLine != "" {
				loc.PhysicalLocation.Region.StartColumn = codePointCol(n.SourceLine, n.Column)
			}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		if f.New != nil {
			res.BaselineState = "unchanged"
			if *f.New {
				res.BaselineState = "new"
			}
		}
		results = append(results, res)
	}
	sort.SliceStable(results, func(i, j int) bool {
		a, b := results[i].Locations[0].PhysicalLocation, results[j].Locations[0].PhysicalLocation
		if a.ArtifactLocation.URI != b.ArtifactLocation.URI {
			return a.ArtifactLocation.URI < b.ArtifactLocation.URI
		}
		return a.Region.StartLine < b.Region.StartLine
	})
	log := sarifLog{
		Schema:  SARIFSchema,
		Version: SARIFVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name: opt.ToolName, Version: opt.Version, InformationURI: opt.InformationURI, Rules: rules,
			}},
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// artifactOf returns the artifact location of a reported file: a relative
// URI against %SRCROOT% (the tree), or a file: URI for an absolute path
// (a file checked without a tree).
func artifactOf(file string) sarifArtifact {
	slash := filepath.ToSlash(file)
	if filepath.IsAbs(file) || strings.HasPrefix(slash, "/") {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: slash}).String()}
	}
	return sarifArtifact{URI: (&url.URL{Path: slash}).String(), URIBaseID: "%SRCROOT%"}
}

// LineHash is the stable part of a finding's primaryLocationLineHash: a hash
// of the check, the symbol, the message and the text of the reported line
// (without surrounding white space), never of the line number.
func LineHash(f *Finding) string {
	h := sha256.Sum256([]byte(f.Check + "\x00" + f.Symbol + "\x00" + f.Message + "\x00" + strings.TrimSpace(f.SourceLine)))
	return hex.EncodeToString(h[:8])
}

// splitDoc splits an analyzer Doc into its title line and the rest.
func splitDoc(doc string) (title, text string) {
	doc = strings.TrimSpace(doc)
	title, text, _ = strings.Cut(doc, "\n")
	return strings.TrimSpace(title), strings.TrimSpace(text)
}

// codePointCol converts GCC's 1-based display column (DisplayCol) in line
// to a 1-based column counted in Unicode code points.
func codePointCol(line string, displayCol int) int {
	n := 1
	for i := range line {
		if DisplayCol(line, i+1) >= displayCol {
			return n
		}
		n++
	}
	return n
}
