package interp

import (
	"reflect"

	"modernc.org/cc/v4"
)

var tokenType = reflect.TypeOf(cc.Token{})

// walk calls f for every AST node below n (pointers to cc structs), in
// source order; f returns false to skip the children of a node.
func walk(n any, f func(any) bool) {
	if n == nil {
		return
	}
	v := reflect.ValueOf(n)
	walkValue(v, f)
}

func walkValue(v reflect.Value, f func(any) bool) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walkValue(v.Elem(), f)
		}
	case reflect.Pointer:
		if v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Elem().Type() == tokenType {
			return
		}
		if !f(v.Interface()) {
			return
		}
		e := v.Elem()
		t := e.Type()
		for i := 0; i < e.NumField(); i++ {
			if !t.Field(i).IsExported() {
				continue
			}
			fv := e.Field(i)
			switch fv.Kind() {
			case reflect.Pointer, reflect.Interface:
				walkValue(fv, f)
			}
		}
	}
}

// spanOf returns the first and last line of the tokens of n.
func spanOf(n any) Span {
	var s Span
	var visit func(v reflect.Value)
	visit = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Interface:
			if !v.IsNil() {
				visit(v.Elem())
			}
		case reflect.Pointer:
			if !v.IsNil() && v.Elem().Kind() == reflect.Struct {
				visit(v.Elem())
			}
		case reflect.Struct:
			if v.Type() == tokenType {
				t := v.Interface().(cc.Token)
				if l := t.Position().Line; l > 0 && t.SrcStr() != "" {
					if s.Lo == 0 || l < s.Lo {
						s.Lo = l
					}
					s.Hi = max(s.Hi, l)
				}
				return
			}
			t := v.Type()
			for i := 0; i < v.NumField(); i++ {
				if t.Field(i).IsExported() {
					visit(v.Field(i))
				}
			}
		}
	}
	visit(reflect.ValueOf(n))
	return s
}
