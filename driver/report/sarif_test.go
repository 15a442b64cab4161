package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// schemaPath is the SARIF 2.1.0 structure written for these tests.
var schemaPath = filepath.Join("..", "..", "testdata", "integrations", "sarif-2.1.0-min.schema.json")

// validate checks v against the JSON Schema subset the schema file uses and
// returns every violation, each naming the JSON path.
func validate(schema map[string]any, v any, path string) []string {
	var errs []string
	if t, ok := schema["type"].(string); ok && !hasType(v, t) {
		return []string{fmt.Sprintf("%s: got %T, want %s", path, v, t)}
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			if e == v {
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: got %v, want one of %v", path, v, enum))
		}
	}
	if m, ok := schema["minimum"].(float64); ok {
		if n, ok := v.(float64); ok && n < m {
			errs = append(errs, fmt.Sprintf("%s: got %v, want at least %v", path, n, m))
		}
	}
	obj, isObj := v.(map[string]any)
	if req, ok := schema["required"].([]any); ok && isObj {
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: missing required property %q", path, r))
			}
		}
	}
	if anyOf, ok := schema["anyOf"].([]any); ok {
		passed := false
		for _, s := range anyOf {
			if len(validate(s.(map[string]any), v, path)) == 0 {
				passed = true
			}
		}
		if !passed {
			errs = append(errs, fmt.Sprintf("%s: matches none of anyOf", path))
		}
	}
	if props, ok := schema["properties"].(map[string]any); ok && isObj {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ps, ok := props[k].(map[string]any); ok {
				errs = append(errs, validate(ps, obj[k], path+"."+k)...)
			} else if ap, ok := schema["additionalProperties"].(map[string]any); ok {
				errs = append(errs, validate(ap, obj[k], path+"."+k)...)
			}
		}
	} else if ap, ok := schema["additionalProperties"].(map[string]any); ok && isObj {
		for k, x := range obj {
			errs = append(errs, validate(ap, x, path+"."+k)...)
		}
	}
	if items, ok := schema["items"].(map[string]any); ok {
		if arr, ok := v.([]any); ok {
			for i, x := range arr {
				errs = append(errs, validate(items, x, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

// hasType reports whether a decoded JSON value has a JSON Schema type.
func hasType(v any, t string) bool {
	switch t {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == float64(int64(n))
	case "number":
		_, ok := v.(float64)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	}
	return false
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", schemaPath, err)
	}
	return s
}

func sarifOf(t *testing.T, run *Run, opt SARIFOptions) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, run, opt); err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.Bytes())
	}
	return v
}

// TestSchemaValidator makes sure the validator fails on broken logs.
func TestSchemaValidator(t *testing.T) {
	schema := loadSchema(t)
	tests := []struct{ name, doc, want string }{
		{"no version", `{"runs":[]}`, `missing required property "version"`},
		{"wrong version", `{"version":"2.0.0","runs":[]}`, "want one of"},
		{"no driver name", `{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`, `$.runs[0].tool.driver: missing required property "name"`},
		{"bad level", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"level":"warn"}]}]}`, "level: got warn"},
		{"no message text", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{}}]}]}`, "message: matches none of anyOf"},
		{"line 0", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.c"},"region":{"startLine":0}}}]}]}]}`, "startLine: got 0, want at least 1"},
		{"rule without id", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"name":"r"}]}}}]}`, `missing required property "id"`},
		{"fingerprint not a string", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"},"partialFingerprints":{"h":1}}]}]}`, "partialFingerprints.h: got float64, want string"},
	}
	for _, tc := range tests {
		var v any
		if err := json.Unmarshal([]byte(tc.doc), &v); err != nil {
			t.Fatal(err)
		}
		errs := strings.Join(validate(schema, v, "$"), "\n")
		if !strings.Contains(errs, tc.want) {
			t.Errorf("%s: got errors %q, want one containing %q", tc.name, errs, tc.want)
		}
	}
	var ok any
	_ = json.Unmarshal([]byte(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"m"}}]}]}`), &ok)
	if errs := validate(schema, ok, "$"); len(errs) > 0 {
		t.Errorf("minimal valid log: got errors %v, want none", errs)
	}
}

func TestWriteSARIF(t *testing.T) {
	schema := loadSchema(t)
	run := fixtureRun()
	rules := []Rule{{ID: "missingproto", Doc: "report non-static functions without a previous prototype\n\nGCC's -Wmissing-prototypes.", Flag: "-Wmissing-prototypes"}}
	v := sarifOf(t, run, SARIFOptions{Version: "1.2.3", Rules: rules})
	if errs := validate(schema, v, "$"); len(errs) > 0 {
		t.Fatalf("SARIF does not validate:\n%s", strings.Join(errs, "\n"))
	}
	r0 := v["runs"].([]any)[0].(map[string]any)
	driver := r0["tool"].(map[string]any)["driver"].(map[string]any)
	rs := driver["rules"].([]any)
	results := r0["results"].([]any)
	if len(results) != 2 {
		t.Fatalf("got %d results, want 2 (a new and an old finding)", len(results))
	}
	type want struct {
		ruleID, uri, baseline, level string
		line, col, endCol            float64
	}
	wants := []want{
		{"missingproto", "arch/s390/net/tramp.c", "new", "warning", 9, 5, 16},
		{"emitcomment", "arch/s390/net/tramp.c", "unchanged", "warning", 16, 2, 0},
	}
	for i, w := range wants {
		res := results[i].(map[string]any)
		loc := res["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
		reg := loc["region"].(map[string]any)
		endCol, _ := reg["endColumn"].(float64)
		got := want{
			res["ruleId"].(string), loc["artifactLocation"].(map[string]any)["uri"].(string),
			res["baselineState"].(string), res["level"].(string),
			reg["startLine"].(float64), reg["startColumn"].(float64), endCol,
		}
		if got != w {
			t.Errorf("result %d: got %+v, want %+v", i, got, w)
		}
		idx := int(res["ruleIndex"].(float64))
		if id := rs[idx].(map[string]any)["id"]; id != res["ruleId"] {
			t.Errorf("result %d: ruleIndex %d names rule %v, want %v", i, idx, id, res["ruleId"])
		}
	}
	help := rs[0].(map[string]any)["help"].(map[string]any)["text"].(string)
	if !strings.Contains(help, "-Wmissing-prototypes") {
		t.Errorf("rule help: got %q, want the analyzer Doc", help)
	}
	short := rs[0].(map[string]any)["shortDescription"].(map[string]any)["text"]
	if short != "report non-static functions without a previous prototype" {
		t.Errorf("shortDescription: got %q, want the Doc's title line", short)
	}
}

// TestLineHashStable moves a finding and changes it: the hash follows the
// content, not the line.
func TestLineHashStable(t *testing.T) {
	fp := func(edit func(*Finding)) string {
		run := fixtureRun()
		edit(&run.Results[1].Findings[0])
		v := sarifOf(t, run, SARIFOptions{})
		for _, r := range v["runs"].([]any)[0].(map[string]any)["results"].([]any) {
			res := r.(map[string]any)
			if res["ruleId"] == "missingproto" {
				return res["partialFingerprints"].(map[string]any)["primaryLocationLineHash"].(string)
			}
		}
		t.Fatal("no missingproto result")
		return ""
	}
	base := fp(func(*Finding) {})
	tests := []struct {
		name string
		edit func(*Finding)
		same bool
	}{
		{"moved 40 lines down", func(f *Finding) { f.Line += 40 }, true},
		{"re-indented", func(f *Finding) { f.SourceLine = "\t" + f.SourceLine }, true},
		{"other message", func(f *Finding) { f.Message += " (again)" }, false},
		{"other line text", func(f *Finding) { f.SourceLine = "int tramp_setup(void)" }, false},
		{"other symbol", func(f *Finding) { f.Symbol = "other" }, false},
	}
	for _, tc := range tests {
		got := fp(tc.edit)
		if (got == base) != tc.same {
			t.Errorf("%s: got hash %s, base %s; want same=%v", tc.name, got, base, tc.same)
		}
	}
}

func TestCodePointCol(t *testing.T) {
	tests := []struct {
		line      string
		disp, col int
	}{
		{"int f(void)", 5, 5},
		{"\tx = 1;", 9, 2},
		{"\t\tint nr_args)", 21, 7},
		{"/* größe */ int f", 17, 17},
		{"ab\tc", 9, 4},
	}
	for _, tc := range tests {
		if got := codePointCol(tc.line, tc.disp); got != tc.col {
			t.Errorf("codePointCol(%q, %d): got %d, want %d", tc.line, tc.disp, got, tc.col)
		}
	}
}

func TestArtifactOf(t *testing.T) {
	tests := []struct{ file, uri, base string }{
		{"arch/s390/net/bpf_jit_comp.c", "arch/s390/net/bpf_jit_comp.c", "%SRCROOT%"},
		{"/home/me/my tree/x.c", "file:///home/me/my%20tree/x.c", ""},
		{"dir with space/a#b.c", "dir%20with%20space/a%23b.c", "%SRCROOT%"},
	}
	for _, tc := range tests {
		got := artifactOf(tc.file)
		if got.URI != tc.uri || got.URIBaseID != tc.base {
			t.Errorf("artifactOf(%q): got %q %q, want %q %q", tc.file, got.URI, got.URIBaseID, tc.uri, tc.base)
		}
	}
}

func BenchmarkWriteSARIF(b *testing.B) {
	run := fixtureRun()
	for b.Loop() {
		if err := WriteSARIF(io.Discard, run, SARIFOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSARIFNotes: GCC's notes become the result's relatedLocations (ids
// from 1, each with the note's text and place), and the log validates.
func TestSARIFNotes(t *testing.T) {
	run := fixtureRun()
	f := &run.Results[1].Findings[0] // the new finding, reported first
	f.Notes = []Note{
		{File: "include/linux/stddef.h", Line: 16, Column: 33, Message: "in definition of macro 'offsetof'"},
		{File: f.File, Line: 12, Column: 3, Message: "in expansion of macro 'EMIT'", SourceLine: "\tEMIT(x);"},
	}
	v := sarifOf(t, run, SARIFOptions{Version: "1.2.3"})
	if errs := validate(loadSchema(t), v, "$"); len(errs) > 0 {
		t.Fatalf("SARIF does not validate:\n%s", strings.Join(errs, "\n"))
	}
	res := v["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	rel, _ := res["relatedLocations"].([]any)
	if len(rel) != 2 {
		t.Fatalf("relatedLocations %v, want 2", res["relatedLocations"])
	}
	for i, r := range rel {
		loc := r.(map[string]any)
		n := f.Notes[i]
		phys := loc["physicalLocation"].(map[string]any)
		reg := phys["region"].(map[string]any)
		if loc["id"] != float64(i+1) || loc["message"].(map[string]any)["text"] != n.Message ||
			phys["artifactLocation"].(map[string]any)["uri"] != n.File || reg["startLine"] != float64(n.Line) {
			t.Errorf("related location %d: %v, want note %+v", i, loc, n)
		}
	}
	// The second note's column is in code points: the tab counts one.
	if c := rel[1].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)["startColumn"]; c != float64(2) {
		t.Errorf("second note's startColumn %v, want 2 (code points)", c)
	}
	if _, ok := v["runs"].([]any)[0].(map[string]any)["results"].([]any)[1].(map[string]any)["relatedLocations"]; ok {
		t.Error("a finding without notes has relatedLocations")
	}
}
