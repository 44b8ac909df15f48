package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/expr-lang/expr"
	exprvm "github.com/expr-lang/expr/vm"
	"github.com/mor-lang/mor/compiler"
	"github.com/mor-lang/mor/input"
	"github.com/mor-lang/mor/store"
	"github.com/mor-lang/mor/vm"
	"github.com/spf13/cobra"
)

// openReadOnly opens a data directory for a reading command.
func openReadOnly(dir string) (*store.Store, error) {
	if dir == "" {
		return nil, fmt.Errorf("this command needs --data DIR")
	}
	return store.Open(dir, store.Options{ReadOnly: true})
}

// imageState converts an object image to the state line printed by mor
// state and mor run --state.
func imageState(im vm.ObjectImage) vm.ObjectState {
	typ, _, _ := strings.Cut(im.Addr, "/")
	return vm.ObjectState{Addr: im.Addr, Type: typ, Mode: im.Mode, Question: im.Question,
		Seq: im.Seq, Memory: im.Fields}
}

// loadImages reads every object image of a data directory.
func loadImages(data string) (vm.Image, error) {
	s, err := openReadOnly(data)
	if err != nil {
		return vm.Image{}, err
	}
	defer s.Close()
	return s.Load()
}

func newStateCommand() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "state --data DIR [OBJECT...]",
		Short: "Print the stored memory and mode of objects in a data directory, as JSON Lines",
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := loadImages(data)
			if err != nil {
				return err
			}
			want := map[string]bool{}
			for _, a := range args {
				want[a] = true
			}
			var states []vm.ObjectState
			for _, im := range img.Objects {
				if im.Exists && (len(want) == 0 || want[im.Addr]) {
					states = append(states, imageState(im))
					delete(want, im.Addr)
				}
			}
			if err := writeStates(cmd.OutOrStdout(), states); err != nil {
				return err
			}
			for addr := range want {
				return fmt.Errorf("%s not found in data directory %s", addr, data)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "data `DIR`")
	return cmd
}

func newQueryCommand() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "query --data DIR 'Type where EXPR'",
		Short: "List the objects of a type whose memory matches a condition",
		Long: `query lists the objects of one type whose memory satisfies an expr-lang
condition over their fields, mode and id, as in

  mor query --data run/ 'Station where confidence < 0.5 && mode == "active"'

Without "where EXPR" it lists every object of the type.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return query(data, args[0], cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "data `DIR`")
	return cmd
}

func query(data, text string, w io.Writer, stderr io.Writer) error {
	typ, cond, hasCond := strings.Cut(text+" ", " where ")
	typ = strings.TrimSpace(typ)
	s, err := openReadOnly(data)
	if err != nil {
		return err
	}
	defer s.Close()
	prog, err := loadStoredProgram(s)
	if err != nil {
		return err
	}
	obj := prog.Objects[typ]
	if obj == nil {
		return fmt.Errorf("unknown object type %q in %q: write 'Type where CONDITION'; the types are %s",
			typ, text, strings.Join(prog.Order, ", "))
	}
	img, err := s.Load()
	if err != nil {
		return err
	}
	program, err := compileQuery(obj, cond, hasCond)
	if err != nil {
		return err
	}
	var states []vm.ObjectState
	for _, im := range img.Objects {
		st := imageState(im)
		if !im.Exists || st.Type != typ {
			continue
		}
		if program != nil {
			env := queryEnv(obj)
			env["mode"], env["id"] = st.Mode, strings.TrimPrefix(st.Addr, typ+"/")
			for k, v := range st.Memory {
				env[k] = v
			}
			out, err := expr.Run(program, env)
			if err != nil {
				return fmt.Errorf("%s: evaluating %q: %v", st.Addr, cond, err)
			}
			if ok, _ := out.(bool); !ok {
				continue
			}
		}
		states = append(states, st)
	}
	if len(states) == 0 {
		fmt.Fprintf(stderr, "no %s object matches\n", typ)
	}
	return writeStates(w, states)
}

// queryEnv returns the names a query condition may use, with values of
// their types: the fields, the enum values, mode and id.
func queryEnv(obj *compiler.Object) map[string]any {
	env := map[string]any{"mode": "", "id": ""}
	for name, v := range obj.EnumValues {
		env[name] = v
	}
	for _, f := range obj.Fields {
		env[f.Name] = f.Type.Zero()
		if env[f.Name] == nil {
			env[f.Name] = (*any)(nil)
		}
	}
	return env
}

func compileQuery(obj *compiler.Object, cond string, hasCond bool) (*exprvm.Program, error) {
	if !hasCond {
		return nil, nil
	}
	if strings.TrimSpace(cond) == "" {
		return nil, fmt.Errorf("missing condition after \"where\"")
	}
	program, err := expr.Compile(cond, expr.AsBool(), expr.Env(queryEnv(obj)))
	if err != nil {
		return nil, fmt.Errorf("invalid condition %q for %s: %v", cond, obj.Name,
			strings.SplitN(err.Error(), "\n", 2)[0])
	}
	return program, nil
}

func newInquiriesCommand() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "inquiries --data DIR",
		Short: "List the open questions of objects in inquiry",
		RunE: func(cmd *cobra.Command, args []string) error {
			img, err := loadImages(data)
			if err != nil {
				return err
			}
			sort.Slice(img.Objects, func(i, j int) bool { return img.Objects[i].Addr < img.Objects[j].Addr })
			n := 0
			for _, im := range img.Objects {
				if im.Exists && im.Mode == compiler.Inquiry {
					fmt.Fprintf(cmd.OutOrStdout(), "%s  %q\n", im.Addr, im.Question)
					n++
				}
			}
			if n == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "no object is in inquiry")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "data `DIR`")
	return cmd
}

func newSendCommand(use, short, fixedMessage string) *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long: short + `.

Arguments are name=value pairs, converted to the handler's parameter types
(numbers, true/false, text, RFC 3339 times, durations such as 90s). The
message waits in the data directory until the next mor run --data DIR, which
delivers it first.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			msg := fixedMessage
			if msg == "" {
				if len(args) < 2 {
					return fmt.Errorf("send needs an object address and a message name")
				}
				msg, args = args[1], append(args[:1:1], args[2:]...)
			}
			if len(args) < 1 {
				return fmt.Errorf("%s needs an object address, as in Station/seattle", cmd.Name())
			}
			return queueMessage(data, args[0], msg, args[1:], cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&data, "data", "", "data `DIR`")
	return cmd
}

// queueMessage adds a message to an object's stored inbox.
func queueMessage(data, addr, msg string, pairs []string, w io.Writer) error {
	if data == "" {
		return fmt.Errorf("this command needs --data DIR")
	}
	if _, err := os.Stat(filepath.Join(data, store.FileName)); err != nil {
		return fmt.Errorf("no data directory at %s (%s not found); run mor run --data %s first",
			data, filepath.Join(data, store.FileName), data)
	}
	s, err := store.Open(data, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	prog, err := loadStoredProgram(s)
	if err != nil {
		return err
	}
	machine, err := vm.New(prog, vm.Options{})
	if err != nil {
		return err
	}
	obj, _, err := machine.ParseAddress(addr)
	if err != nil {
		return err
	}
	h := handlerFor(obj, msg)
	if h == nil {
		return fmt.Errorf("%s has no handler for message %q", obj.Name, msg)
	}
	args, err := parsePairs(h, pairs)
	if err != nil {
		return err
	}
	for _, p := range h.Params {
		if _, ok := args[p.Name]; !ok && !p.Type.Optional {
			return fmt.Errorf("missing argument %s=VALUE (%s) for message %s; parameters: %s", p.Name,
				p.Type, msg, paramNames(h))
		}
	}
	if msg == "answer" {
		if err := checkInquiry(s, addr); err != nil {
			return err
		}
	}
	if err := s.Enqueue(addr, vm.MessageImage{Name: msg, Args: args, Sender: "cli"}); err != nil {
		return err
	}
	fmt.Fprintf(w, "queued %s for %s; the next mor run --data %s delivers it\n", msg, addr, data)
	return nil
}

// checkInquiry rejects an answer for an object that has no open question.
func checkInquiry(s *store.Store, addr string) error {
	img, err := s.Load()
	if err != nil {
		return err
	}
	for _, im := range img.Objects {
		if im.Addr != addr {
			continue
		}
		if im.Mode != compiler.Inquiry {
			return fmt.Errorf("%s is in mode %s, not inquiry, so it has no question to answer; "+
				"use mor send to send it a message", addr, im.Mode)
		}
		for _, m := range im.Inbox {
			if m.Name == "answer" {
				return fmt.Errorf("%s already has an answer queued; the next mor run --data "+
					"delivers it", addr)
			}
		}
		return nil
	}
	return fmt.Errorf("%s not found in %s; mor inquiries lists the objects with open questions",
		addr, s.Path())
}

// parsePairs converts name=value pairs to a handler's parameter types.
func parsePairs(h *compiler.Handler, pairs []string) (map[string]any, error) {
	out := map[string]any{}
	for _, pair := range pairs {
		name, text, ok := strings.Cut(pair, "=")
		if !ok {
			return nil, fmt.Errorf("invalid argument %q: write name=value", pair)
		}
		p := paramOf(h, name)
		if p == nil {
			return nil, fmt.Errorf("message %s has no parameter %q (parameters: %s)", h.Message, name,
				paramNames(h))
		}
		raw := any(text)
		switch p.Type.Kind {
		case compiler.String, compiler.Enum, compiler.Time, compiler.Duration:
			// Text as written: times and durations are parsed from it.
		default:
			dec := json.NewDecoder(bytes.NewReader([]byte(text)))
			dec.UseNumber()
			var v any
			if dec.Decode(&v) == nil {
				raw = v
			}
		}
		val, err := convertValue(input.Value{Raw: raw, File: "argument " + name, Line: 1, Col: 1}, p.Type)
		if err != nil {
			return nil, err
		}
		out[name] = val
	}
	return out, nil
}
