package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mor-lang/mor/grammar"
)

// Source is one .mor file to compile.
type Source struct {
	Name string
	Text string
}

// CompileSources parses and compiles a set of files. Parse errors and
// compile errors come back as one sorted grammar.ErrorList.
func CompileSources(sources ...Source) (*Program, error) {
	var files []*grammar.File
	var errs grammar.ErrorList
	for _, src := range sources {
		f, err := grammar.ParseFile(src.Name, src.Text)
		if err != nil {
			errs = append(errs, err.(grammar.ErrorList)...)
			continue
		}
		files = append(files, f)
	}
	if len(errs) > 0 {
		return nil, errs.Sort()
	}
	return Compile(files...)
}

// Compile resolves and type-checks parsed files into a Program.
func Compile(files ...*grammar.File) (*Program, error) {
	c := &compiler{
		records: map[string]*RecordType{},
		prog:    &Program{Objects: map[string]*Object{}, Records: map[string]*RecordType{}},
		decls:   map[string]*grammar.ObjectDecl{},
	}
	c.declare(files)
	c.compileRecords(files)
	for _, name := range c.prog.Order {
		c.compileObjectHeader(c.decls[name])
	}
	for _, name := range c.prog.Order {
		c.compileObjectBody(c.decls[name])
	}
	c.compileTests(files)
	c.checkCancels()
	if err := c.errs.Err(); err != nil {
		return nil, err
	}
	return c.prog, nil
}

type compiler struct {
	errs    grammar.ErrorList
	records map[string]*RecordType
	prog    *Program
	decls   map[string]*grammar.ObjectDecl
	// recordDecls keeps record declarations until their fields resolve.
	recordDecls []*grammar.TypeDecl
	cancels     []pendingCancel
}

func (c *compiler) errorf(pos grammar.Position, format string, args ...any) {
	c.errs.Add(pos, format, args...)
}

// declare records every object and record type name, so declarations may
// refer to each other in any order.
func (c *compiler) declare(files []*grammar.File) {
	seen := map[string]grammar.Position{}
	check := func(name string, pos grammar.Position) bool {
		if prev, ok := seen[name]; ok {
			c.errorf(pos, "%q is already declared at %s", name, prev)
			return false
		}
		seen[name] = pos
		return true
	}
	for _, f := range files {
		for _, d := range f.Decls {
			switch {
			case d.Object != nil && check(d.Object.Name, d.Object.Pos):
				c.decls[d.Object.Name] = d.Object
				c.prog.Order = append(c.prog.Order, d.Object.Name)
			case d.Type != nil && check(d.Type.Name, d.Type.Pos):
				rec := &RecordType{Name: d.Type.Name, Index: map[string]int{}, Pos: d.Type.Pos}
				c.records[d.Type.Name] = rec
				c.prog.Records[d.Type.Name] = rec
				c.recordDecls = append(c.recordDecls, d.Type)
			}
		}
	}
}

// containsRecord returns the chain of record types through non-optional
// fields by which t contains target, or nil. Such a record could never
// be built, so it is an error; an optional field ends the chain.
func containsRecord(t *Type, target *RecordType, seen []string) []string {
	if t.Optional || t.Kind != Record {
		return nil
	}
	if t.Record == target {
		return append(seen, t.Record.Name)
	}
	for _, name := range seen {
		if name == t.Record.Name {
			return nil // a cycle that does not pass through target
		}
	}
	for _, f := range t.Record.Fields {
		if path := containsRecord(f.Type, target, append(seen, t.Record.Name)); path != nil {
			return path
		}
	}
	return nil
}

func (c *compiler) compileRecords(files []*grammar.File) {
	for _, decl := range c.recordDecls {
		rec := c.records[decl.Name]
		for _, fd := range decl.Fields {
			if _, dup := rec.Index[fd.Name]; dup {
				c.errorf(fd.Pos, "field %q is declared twice in type %s", fd.Name, decl.Name)
				continue
			}
			f := c.compileField(fd, nil, len(rec.Fields))
			if f == nil {
				continue
			}
			if path := containsRecord(f.Type, rec, nil); path != nil {
				c.errorf(fd.Pos, "record type %s contains itself through %s; make one of those "+
					"fields optional (T?)", rec.Name, strings.Join(path, " -> "))
				continue
			}
			rec.Index[f.Name] = len(rec.Fields)
			rec.Fields = append(rec.Fields, f)
		}
	}
}

// compileObjectHeader compiles what other objects may refer to: fields,
// modes and handler signatures.
func (c *compiler) compileObjectHeader(decl *grammar.ObjectDecl) {
	obj := &Object{
		Name:       decl.Name,
		Version:    1,
		FieldIndex: map[string]int{},
		Modes:      map[string]*Mode{},
		Migrations: map[string]*Migration{},
		EnumValues: map[string]string{},
		Pos:        decl.Pos,
	}
	c.prog.Objects[decl.Name] = obj
	for _, m := range decl.Members {
		switch {
		case m.Memory != nil:
			c.compileMemory(obj, m.Memory)
		case m.Version != nil:
			obj.Version = c.intLit(m.Version.Number)
		}
	}
	c.declareModes(obj, decl)
}

func (c *compiler) compileMemory(obj *Object, block *grammar.MemoryBlock) {
	for _, fd := range block.Fields {
		if _, dup := obj.FieldIndex[fd.Name]; dup {
			c.errorf(fd.Pos, "field %q is declared twice in object %s", fd.Name, obj.Name)
			continue
		}
		if reserved[fd.Name] {
			c.errorf(fd.Pos, "%q is a reserved name; choose another field name", fd.Name)
			continue
		}
		f := c.compileField(fd, obj, len(obj.Fields))
		if f == nil {
			continue
		}
		obj.FieldIndex[f.Name] = len(obj.Fields)
		obj.Fields = append(obj.Fields, f)
		for name, v := range enumValuesOf(f.Type, map[*RecordType]bool{}) {
			obj.EnumValues[name] = v.(string)
		}
	}
	for name := range obj.FieldIndex {
		delete(obj.EnumValues, name) // a field name shadows an enum value
	}
}

// reserved names cannot be fields or parameters because expressions use
// them.
var reserved = map[string]bool{
	NowName: true, ModeName: true, SelfName: true, IDName: true, "nil": true,
	"true": true, "false": true, "value": true, "old": true,
}

func (c *compiler) compileObjectBody(decl *grammar.ObjectDecl) {
	obj := c.prog.Objects[decl.Name]
	c.compileDefaults(obj)
	for _, m := range decl.Members {
		switch {
		case m.Invariant != nil:
			sc := &scope{object: obj}
			cond := c.compileExpr(&m.Invariant.Cond.Expr, sc, nil, true)
			if cond != nil {
				obj.Invariants = append(obj.Invariants, &Invariant{Name: m.Invariant.Name.Text(), Cond: cond})
			}
		case m.Migrate != nil:
			c.compileMigration(obj, m.Migrate)
		}
	}
	c.compileModes(obj, decl)
}

func (c *compiler) compileMigration(obj *Object, md *grammar.MigrateDecl) {
	if _, dup := obj.Migrations[md.Field]; dup {
		c.errorf(md.Pos, "field %q already has a migration", md.Field)
		return
	}
	m := &Migration{Field: md.Field, From: md.From, Pos: md.Pos}
	if _, ok := obj.FieldIndex[md.Field]; !ok {
		if md.From != "" || md.Value != nil {
			c.errorf(md.Pos, "migrate names unknown field %q%s; to drop a stored field, write "+
				"migrate %s alone", md.Field, suggest(md.Field, fieldNames(obj)), md.Field)
			return
		}
		m.Drop = true
		obj.Migrations[md.Field] = m
		return
	}
	if m.From == "" {
		m.From = md.Field
	}
	if md.Value != nil {
		f := obj.Fields[obj.FieldIndex[md.Field]]
		// The stored type of "old" is known only when a data directory
		// opens. So the expression is checked as if old had the new
		// field's type, and arithmetic and conversions work on either.
		sc := &scope{object: obj, noFields: true, extra: map[string]any{"old": f.Type.sample()}}
		m.Value = c.compileExpr(&md.Value.Expr, sc, f.Type, false)
	}
	obj.Migrations[md.Field] = m
}

func (c *compiler) compileTests(files []*grammar.File) {
	for _, f := range files {
		for _, d := range f.Decls {
			if d.Test == nil {
				continue
			}
			ctx := &bodyContext{kind: "test"}
			body := c.compileBlock(d.Test.Body, ctx)
			c.prog.Tests = append(c.prog.Tests, &Test{Name: d.Test.Name.Text(), Body: body, Pos: d.Test.Pos})
		}
	}
}

func (c *compiler) intLit(lit *grammar.IntLit) int {
	var n int
	if _, err := fmt.Sscan(lit.Value, &n); err != nil {
		c.errorf(lit.Pos, "integer %s is out of range", lit.Value)
	}
	return n
}

func fieldNames(obj *Object) []string {
	names := make([]string, len(obj.Fields))
	for i, f := range obj.Fields {
		names[i] = f.Name
	}
	return names
}

// suggest returns ` (did you mean "x"?)` for the closest candidate within
// a small edit distance of name, or "".
func suggest(name string, candidates []string) string {
	best, bestDist := "", len(name)/2+1
	if bestDist > 3 {
		bestDist = 3
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, cand := range sorted {
		if d := grammar.EditDistance(strings.ToLower(name), strings.ToLower(cand)); d < bestDist {
			best, bestDist = cand, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
