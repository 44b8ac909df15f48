package store

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"time"

	"github.com/mor-lang/mor/vm"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the bbolt file inside a data directory.
const FileName = "mor.db"

// formatVersion identifies the layout of the buckets.
const formatVersion = "mor-data-1"

var (
	bucketMeta      = []byte("meta")
	bucketObjects   = []byte("objects")
	bucketLineage   = []byte("lineage")
	bucketIndex     = []byte("index")
	bucketSnapshots = []byte("snapshots")
)

// Options configure a Store.
type Options struct {
	// MaxBatch is how many lineage entries may wait before a commit;
	// 0 means 50000.
	MaxBatch int
	// MaxDelay is how long the oldest waiting entry may wait; 0 means
	// 100ms.
	MaxDelay time.Duration
	// LockTimeout is how long Open waits for another process to release
	// the data directory; 0 means 2s.
	LockTimeout time.Duration
	// ReadOnly opens the directory for reading only; several readers
	// may share it, but not with a writer.
	ReadOnly bool
}

// Store is an open data directory. It is a vm.Sink: lineage written to
// it waits in memory until the next commit.
type Store struct {
	db      *bolt.DB
	path    string
	opts    Options
	pending []vm.Entry
	since   time.Time // when the oldest pending entry arrived
	nextLog uint64
	meta    Meta
}

// Meta is the store's bookkeeping, saved with every commit.
type Meta struct {
	Format string
	// Now is the VM clock, stored as text because encoding/json cannot
	// write years beyond 9999, which a virtual clock can reach.
	Now     time.Time `json:"-"`
	NowText string    `json:"Now"`
	Order   uint64
	// Input is the input file and how many of its records were consumed.
	Input InputPosition
	// Retain is how many lineage entries per object stay uncompacted; 0
	// keeps all.
	Retain int
	// Program holds the source of the .mor files of the last run, by
	// file name, so that commands such as mor send can type-check
	// message arguments without the files at hand.
	Program map[string]string
}

// InputPosition is how far a run read its input.
type InputPosition struct {
	Path    string
	Records int
	// Mapping records how rows became messages (--to, --msg and the
	// rest), so that a resume with another mapping is noticed.
	Mapping string `json:",omitempty"`
}

func init() {
	gob.Register(time.Time{})
	gob.Register(time.Duration(0))
	gob.Register([]any{})
	gob.Register(map[string]any{})
}

// Open opens or creates the data directory dir. It fails within
// LockTimeout when another process holds the directory, and it checks
// an existing file before writing to it, so a corrupt or truncated file
// is reported and left as it is.
func Open(dir string, opts Options) (*Store, error) {
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 50000
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = 100 * time.Millisecond
	}
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = 2 * time.Second
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	path := filepath.Join(dir, FileName)
	if err := checkFile(path, opts); err != nil {
		return nil, err
	}
	db, err := openBolt(path, opts)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path, opts: opts}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// checkFile opens an existing file read-only first, so that a damaged
// file is reported before anything is written to it.
func checkFile(path string, opts Options) error {
	info, err := os.Stat(path)
	if os.IsNotExist(err) {
		if opts.ReadOnly {
			return fmt.Errorf("no data directory at %s: %s does not exist", filepath.Dir(path), path)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		return fmt.Errorf("%s is empty, so it is not a mor data file; move it away to start afresh",
			path)
	}
	if opts.ReadOnly {
		return nil
	}
	db, err := openBolt(path, Options{ReadOnly: true, LockTimeout: opts.LockTimeout})
	if err != nil {
		return err
	}
	return db.Close()
}

func openBolt(path string, opts Options) (db *bolt.DB, err error) {
	defer func() {
		// bbolt panics on some kinds of damage; report them as errors.
		if r := recover(); r != nil {
			db, err = nil, corrupt(path, fmt.Errorf("%v", r))
		}
	}()
	db, err = bolt.Open(path, 0o644, &bolt.Options{Timeout: opts.LockTimeout, ReadOnly: opts.ReadOnly})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("data directory %s is in use by another mor process "+
			"(could not lock %s within %s); stop that process or use another --data directory",
			filepath.Dir(path), path, opts.LockTimeout)
	case err != nil:
		return nil, corrupt(path, err)
	}
	if err := checkSize(db, path); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkSize rejects a file shorter than the pages its meta page
// counts: reading those pages would fault, not fail.
func checkSize(db *bolt.DB, path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	var want int64
	if err := db.View(func(tx *bolt.Tx) error { want = tx.Size(); return nil }); err != nil {
		return corrupt(path, err)
	}
	if info.Size() < want {
		return corrupt(path, fmt.Errorf("the file has %d bytes but its pages need %d; it was "+
			"truncated", info.Size(), want))
	}
	return nil
}

// guard turns a panic or memory fault inside bbolt, which damaged pages
// can cause, into an error naming the file.
func (s *Store) guard(err *error) {
	if r := recover(); r != nil {
		detail := fmt.Errorf("%v", r)
		if _, ok := r.(runtime.Error); ok {
			detail = errors.New("a page points outside the file")
		}
		*err = corrupt(s.path, detail)
	}
}

func corrupt(path string, err error) error {
	return fmt.Errorf("%s is not a readable mor data file (%v); it was left unchanged: restore "+
		"it from a backup or move it away to start afresh", path, err)
}

// init creates the buckets of a new file, or reads the meta of an
// existing one.
func (s *Store) init() error {
	if s.opts.ReadOnly {
		return s.db.View(s.readMeta)
	}
	// An existing file is only read here, so that a command that fails
	// later leaves it byte for byte as it was.
	existing := false
	if err := s.db.View(func(tx *bolt.Tx) error {
		existing = tx.Bucket(bucketMeta) != nil
		if existing {
			return s.readMeta(tx)
		}
		return nil
	}); err != nil || existing {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketObjects, bucketLineage, bucketIndex,
			bucketSnapshots} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if tx.Bucket(bucketMeta).Get([]byte("meta")) == nil {
			s.meta.Format = formatVersion
			return putMeta(tx.Bucket(bucketMeta), s.meta)
		}
		return s.readMeta(tx)
	})
}

func (s *Store) readMeta(tx *bolt.Tx) error {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return fmt.Errorf("%s has no meta bucket, so it is not a mor data file", s.path)
	}
	if err := json.Unmarshal(b.Get([]byte("meta")), &s.meta); err != nil {
		return fmt.Errorf("%s: invalid meta record: %v", s.path, err)
	}
	if s.meta.NowText != "" {
		now, err := time.Parse(time.RFC3339Nano, s.meta.NowText)
		if err != nil {
			return fmt.Errorf("%s: invalid clock %q in the meta record: %v", s.path, s.meta.NowText, err)
		}
		s.meta.Now = now
	}
	if s.meta.Format != formatVersion {
		return fmt.Errorf("%s has format %q; this mor reads %q", s.path, s.meta.Format, formatVersion)
	}
	if c := tx.Bucket(bucketLineage).Cursor(); c != nil {
		if k, _ := c.Last(); k != nil {
			s.nextLog = binary.BigEndian.Uint64(k)
		}
	}
	return nil
}

// Close commits nothing; call Commit first to keep pending work.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the bbolt file's path.
func (s *Store) Path() string { return s.path }

// Meta returns the store's bookkeeping as of the last commit.
func (s *Store) Meta() Meta { return s.meta }

// SetProgram records the program's sources with the next commit.
func (s *Store) SetProgram(sources map[string]string) { s.meta.Program = sources }

// SetRetain sets how many lineage entries per object stay uncompacted.
func (s *Store) SetRetain(n int) { s.meta.Retain = n }

// Empty reports whether the store holds no objects yet.
func (s *Store) Empty() bool {
	empty := true
	s.db.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketObjects).Cursor().First()
		empty = k == nil
		return nil
	})
	return empty
}

// Write implements vm.Sink.
func (s *Store) Write(entries []vm.Entry) error {
	if len(s.pending) == 0 {
		s.since = time.Now()
	}
	s.pending = append(s.pending, entries...)
	return nil
}

// MaybeCommit commits when enough lineage is waiting or the oldest entry
// has waited long enough. It reports whether it committed.
func (s *Store) MaybeCommit(machine *vm.VM, input InputPosition) (bool, error) {
	if len(s.pending) < s.opts.MaxBatch &&
		(len(s.pending) == 0 || time.Since(s.since) < s.opts.MaxDelay) {
		return false, nil
	}
	return true, s.Commit(machine, input)
}

// Commit writes pending lineage, the images of every object that
// changed since the last commit, and the input position in one fsynced
// transaction.
func (s *Store) Commit(machine *vm.VM, input InputPosition) error {
	img := machine.Checkpoint()
	meta := s.meta
	meta.Now, meta.Order, meta.Input = img.Now, img.Order, input
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := s.writeLineage(tx); err != nil {
			return err
		}
		for i := range img.Objects {
			if err := putImage(tx, &img.Objects[i]); err != nil {
				return err
			}
		}
		if meta.Retain > 0 {
			if err := compact(tx, img.Objects, meta.Retain); err != nil {
				return err
			}
		}
		return putMeta(tx.Bucket(bucketMeta), meta)
	})
	if err != nil {
		return fmt.Errorf("commit to %s: %w", s.path, err)
	}
	s.meta = meta
	s.pending = s.pending[:0]
	return nil
}

func (s *Store) writeLineage(tx *bolt.Tx) error {
	lineage, index := tx.Bucket(bucketLineage), tx.Bucket(bucketIndex)
	lineage.FillPercent = 1.0 // keys only ever grow: keep pages full
	type indexPut struct{ key, value []byte }
	puts := make([]indexPut, 0, len(s.pending))
	var buf []byte
	for i := range s.pending {
		e := &s.pending[i]
		buf = e.AppendJSON(buf[:0])
		b := append([]byte(nil), buf...) // bbolt keeps the value until commit
		s.nextLog++
		key := u64(s.nextLog)
		if err := lineage.Put(key, b); err != nil {
			return err
		}
		puts = append(puts, indexPut{indexKey(e.Object, e.Seq), key})
	}
	// Index keys in order touch each B+tree page once.
	sort.Slice(puts, func(i, j int) bool { return bytes.Compare(puts[i].key, puts[j].key) < 0 })
	for _, p := range puts {
		if err := index.Put(p.key, p.value); err != nil {
			return err
		}
	}
	return nil
}

func putImage(tx *bolt.Tx, im *vm.ObjectImage) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(im); err != nil {
		return fmt.Errorf("encoding %s: %w", im.Addr, err)
	}
	return tx.Bucket(bucketObjects).Put([]byte(im.Addr), buf.Bytes())
}

func putMeta(b *bolt.Bucket, m Meta) error {
	m.NowText = m.Now.UTC().Format(time.RFC3339Nano)
	return putJSON(b, []byte("meta"), m)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func indexKey(addr string, seq uint64) []byte {
	return append(append([]byte(addr), 0), u64(seq)...)
}

// Load reads the image of every object, for vm.Restore or inspection.
func (s *Store) Load() (vm.Image, error) {
	return s.LoadFor(nil)
}

// LoadFor reads the image of every object and, when machine is not nil,
// each object's recent lineage window as machine keeps it, decoded with
// machine's program, so that machine.Restore resumes lineage queries
// and rate limits where they were.
func (s *Store) LoadFor(machine *vm.VM) (img vm.Image, err error) {
	defer s.guard(&err)
	debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(false)
	img = vm.Image{Now: s.meta.Now, Order: s.meta.Order}
	err = s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketObjects).ForEach(func(k, v []byte) error {
			var im vm.ObjectImage
			if err := gob.NewDecoder(bytes.NewReader(v)).Decode(&im); err != nil {
				return fmt.Errorf("%s: object %s: %v", s.path, k, err)
			}
			if machine != nil {
				recent, err := loadRecent(tx, machine, &im, img.Now)
				if err != nil {
					return corrupt(s.path, fmt.Errorf("the lineage of %s cannot be read: %v", k, err))
				}
				im.Recent = recent
			}
			img.Objects = append(img.Objects, im)
			return nil
		})
	})
	return img, err
}

// loadRecent reads an object's lineage backwards through the index and
// keeps the entries its recent window held.
func loadRecent(tx *bolt.Tx, machine *vm.VM, im *vm.ObjectImage, now time.Time) ([]vm.Entry, error) {
	keep := machine.RecentFilter(im.Addr)
	index, lineage := tx.Bucket(bucketIndex), tx.Bucket(bucketLineage)
	prefix := append([]byte(im.Addr), 0)
	c := index.Cursor()
	var out []vm.Entry
	k, v := c.Seek(indexKey(im.Addr, im.Seq+1))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		e, err := vm.DecodeEntry(machine.Program(), lineage.Get(v))
		if err != nil {
			return nil, err
		}
		ok, more := keep(&e, now)
		if ok {
			out = append(out, e)
		}
		if !more {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Enqueue adds a message to an object's stored inbox, creating the
// object's image when it does not exist yet, as a message to a new
// address does in a run.
func (s *Store) Enqueue(addr string, m vm.MessageImage) (err error) {
	defer s.guard(&err)
	debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(false)
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketObjects)
		im := vm.ObjectImage{Addr: addr, PendingSpawn: &vm.SpawnImage{Sender: m.Sender}}
		if raw := b.Get([]byte(addr)); raw != nil {
			im = vm.ObjectImage{}
			if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&im); err != nil {
				return fmt.Errorf("%s: object %s: %v", s.path, addr, err)
			}
		}
		im.Inbox = append(im.Inbox, m)
		return putImage(tx, &im)
	})
}
