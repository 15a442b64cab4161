package cparse

import (
	"fmt"

	"modernc.org/cc/v4"
)

// S390xConfig returns a cc/v4 configuration for GNU C11 on s390x Linux
// (big-endian LP64, the ABI Parse uses) and the sources that must precede a
// translation unit parsed with it: GCC's predefined macros for s390x and
// cc's builtin declarations. Other packages use it to lay out C types and
// evaluate constant expressions as GCC would for the kernel.
func S390xConfig() (*cc.Config, []cc.Source, error) {
	a, err := s390xABI()
	if err != nil {
		return nil, nil, fmt.Errorf("cparse: %v", err)
	}
	cfg := &cc.Config{ABI: a, SourceCache: &cache, FSOnly: true, ExpansionLimit: expansionLimit}
	if err := cfg.ApplyOptions("-std=gnu11"); err != nil {
		return nil, nil, fmt.Errorf("cparse: %v", err)
	}
	return cfg, []cc.Source{
		{Name: predefinedName, Value: predefined},
		{Name: builtinName, Value: cc.Builtin},
	}, nil
}
