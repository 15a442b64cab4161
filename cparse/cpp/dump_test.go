package cpp

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDump prints the tokens of $CPP_DUMP (a debugging aid).
func TestDump(t *testing.T) {
	name := os.Getenv("CPP_DUMP")
	if name == "" {
		t.Skip("CPP_DUMP not set")
	}
	u, err := Preprocess(&Config{IncludeDirs: strings.Fields(os.Getenv("CPP_DUMP_I"))}, name)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tok := range u.Tokens {
		if tok.BOL {
			b.WriteString("\n")
		} else if tok.Space {
			b.WriteString(" ")
		}
		b.WriteString(tok.Text)
	}
	fmt.Println(b.String())
}
