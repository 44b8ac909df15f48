package vm

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/stdlib"
)

// TestResult is the outcome of one test block.
type TestResult struct {
	Name string
	// Failures lists each expect that did not hold and each action that
	// failed, with its position.
	Failures []string
}

// Passed reports whether the test had no failures.
func (r TestResult) Passed() bool { return len(r.Failures) == 0 }

// RunTest runs one test block on a new VM with a virtual clock at start.
// Spawn and send queue work, and advance D runs everything due within D.
// Expect runs everything due now, then checks a condition on one
// object's memory.
func RunTest(prog *compiler.Program, test *compiler.Test, start time.Time) TestResult {
	result := TestResult{Name: test.Name}
	m, err := New(prog, Options{Start: start})
	if err != nil {
		result.Failures = append(result.Failures, err.Error())
		return result
	}
	for _, a := range test.Body {
		if err := m.runTestAction(a); err != nil {
			result.Failures = append(result.Failures, fmt.Sprintf("%s: %v", a.Position(), err))
		}
	}
	return result
}

func (v *VM) runTestAction(a compiler.Action) error {
	switch a := a.(type) {
	case *compiler.Spawn:
		addr, err := v.testAddr(a.Type, a.ID)
		if err != nil {
			return err
		}
		fields := map[string]any{}
		for _, f := range a.Fields {
			if fields[f.Name], err = v.evalOutside(f.Value, nil); err != nil {
				return err
			}
		}
		return v.Spawn(addr, fields)
	case *compiler.Send:
		return v.testSend(a)
	case *compiler.Advance:
		return v.RunUntil(v.now.Add(time.Duration(a.By)))
	case *compiler.Expect:
		return v.testExpect(a)
	}
	return fmt.Errorf("%T cannot run in a test block", a)
}

func (v *VM) testAddr(typ string, id *compiler.Expr) (string, error) {
	raw, err := v.evalOutside(id, nil)
	if err != nil {
		return "", err
	}
	s, ok := raw.(string)
	if !ok || s == "" {
		return "", fmt.Errorf("object id must be a non-empty string, got %s", compiler.Format(raw))
	}
	return typ + "/" + s, nil
}

func (v *VM) testSend(a *compiler.Send) error {
	addr, err := v.testAddr(a.Type, a.ID)
	if err != nil {
		return err
	}
	h := anyHandler(v.prog.Objects[a.Type], a.Message)
	args := map[string]any{}
	for i, e := range a.Args {
		if e == nil {
			continue
		}
		if args[h.Params[i].Name], err = v.evalOutside(e, nil); err != nil {
			return err
		}
	}
	return v.Send(addr, a.Message, args, "test")
}

func (v *VM) testExpect(a *compiler.Expect) error {
	if err := v.RunUntil(v.now); err != nil {
		return err
	}
	addr, err := v.testAddr(a.ObjectType, a.ID)
	if err != nil {
		return err
	}
	st, ok := v.State(addr)
	if !ok {
		return fmt.Errorf("expect: %s does not exist", addr)
	}
	out, err := v.evalOutside(a.Cond, &st)
	if err != nil {
		return err
	}
	if ok, _ := out.(bool); !ok {
		return fmt.Errorf("expect %s: false for %s (mode %s, memory %s)", a.Cond.Source, addr, st.Mode,
			compiler.Format(st.Memory))
	}
	return nil
}

// evalOutside evaluates a test block's expression, with the memory of
// st in scope when st is not nil.
func (v *VM) evalOutside(e *compiler.Expr, st *ObjectState) (any, error) {
	env := map[string]any{stdlib.ContextName: &stdlib.Context{Now: v.now}, compiler.NowName: v.now,
		compiler.ModeName: "", compiler.SelfName: "", compiler.IDName: ""}
	if st != nil {
		obj := v.prog.Objects[st.Type]
		for name, val := range obj.EnumValues {
			env[name] = val
		}
		for k, val := range st.Memory {
			env[k] = val
		}
		env[compiler.ModeName], env[compiler.SelfName] = st.Mode, st.Addr
	}
	out, err := expr.Run(e.Program, env)
	if err != nil {
		return nil, fmt.Errorf("evaluating %s: %v", e.Source, cleanExprError(err))
	}
	return out, nil
}
