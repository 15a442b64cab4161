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
