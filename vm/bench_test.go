package vm

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mor-lang/mor/compiler"
)

const benchSource = `
object Sensor {
  memory {
    temp:  float = 20.0
    count: int   = 0
    alert: bool  = false
    level: int   = 5  in 0..1000000
    note:  string = ""
  }
  cycle every 1m
  rule hot      when temp > 90.0 { alert = true }
  rule cold     when temp < -40.0 { alert = true }
  rule busy     when count > 1000000 { note = "busy" }
  rule high     when level > 999999 { level = 0 }
  rule flagged  when alert && note == "x" { alert = false }
  on bump(by: int) { count += by }
}
`

// benchVM returns a VM with one spawned Sensor and its worker.
func benchVM(b *testing.B) (*VM, *instance) {
	prog := compile(b, benchSource)
	m, err := New(prog, Options{Start: epoch})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Spawn("Sensor/a", nil); err != nil {
		b.Fatal(err)
	}
	if err := m.RunUntil(epoch); err != nil {
		b.Fatal(err)
	}
	return m, m.objects["Sensor/a"]
}

// sensor is hand-written Go with the same rules as benchSource.
type sensor struct {
	temp  float64
	count int
	alert bool
	level int
	note  string
}

//go:noinline
func (s *sensor) cycle() bool {
	fired := false
	if s.temp > 90 {
		s.alert, fired = true, true
	}
	if s.temp < -40 {
		s.alert, fired = true, true
	}
	if s.count > 1000000 {
		s.note, fired = "busy", true
	}
	if s.level > 999999 {
		s.level, fired = 0, true
	}
	if s.alert && s.note == "x" {
		s.alert, fired = false, true
	}
	return fired
}

func BenchmarkQuietCycle(b *testing.B) {
	b.Run("mor", func(b *testing.B) {
		m, inst := benchVM(b)
		w := m.workers[0]
		mode := inst.typ.Modes[compiler.Active]
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			w.runOneCycle(inst, mode, epoch, 0)
		}
	})
	b.Run("go", func(b *testing.B) {
		s := &sensor{temp: 20, level: 5}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			s.cycle()
		}
	})
}

// BenchmarkMutatingStep measures one message step that changes one
// field and commits one lineage entry.
func BenchmarkMutatingStep(b *testing.B) {
	b.Run("mor", func(b *testing.B) {
		m, _ := benchVM(b)
		args := map[string]any{"by": 1}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := m.Send("Sensor/a", "bump", args, "bench"); err != nil {
				b.Fatal(err)
			}
			if i%1000 == 999 || i == b.N-1 {
				if err := m.RunUntil(epoch); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("go", func(b *testing.B) {
		type change struct {
			field    string
			old, new any
			seq      uint64
		}
		s := &sensor{temp: 20, level: 5}
		var log []change
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			old := s.count
			s.count++
			log = append(log, change{"count", old, s.count, uint64(i)})
			if len(log) > 1024 {
				log = log[:0]
			}
		}
	})
}

// BenchmarkRejectedStep measures a step rejected by a range constraint.
func BenchmarkRejectedStep(b *testing.B) {
	m, _ := benchVM(b)
	fields := map[string]any{"level": 2000000}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := m.Set("Sensor/a", fields, "bench"); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 || i == b.N-1 {
			if err := m.RunUntil(epoch); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLineageQuery measures changes(f, D) over a full recent window.
func BenchmarkLineageQuery(b *testing.B) {
	m, inst := benchVM(b)
	for i := 0; i < 2*DefaultRecentWindow; i++ {
		if err := m.Send("Sensor/a", "bump", map[string]any{"by": 1}, "bench"); err != nil {
			b.Fatal(err)
		}
		if err := m.RunUntil(epoch); err != nil {
			b.Fatal(err)
		}
	}
	lin := &recentLineage{recent: inst.rec.Recent}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n := lin.Changes("count", epoch.Add(-time.Hour)); n != DefaultRecentWindow {
			b.Fatalf("changes = %d", n)
		}
	}
}

// BenchmarkCyclingObjects runs one cycle round of 100,000 objects.
func BenchmarkCyclingObjects(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			prog := compile(b, benchSource)
			m, err := New(prog, Options{Start: epoch, Workers: workers})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 100000; i++ {
				if err := m.Spawn(fmt.Sprintf("Sensor/%d", i), nil); err != nil {
					b.Fatal(err)
				}
			}
			if err := m.RunUntil(epoch); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := m.RunUntil(m.Now().Add(time.Minute)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/object-cycle")
		})
	}
}

const dormantSource = `
object Cell {
  memory {
    level: float = 0.0
    hits:  int   = 0
    label: string = ""
  }
  cycle every 1h
  rule rest when hits == 0 { sleep "idle" }
  on poke(by: float) { level += by  hits += 1 }
  dormant {
    wake on poke when by > 100.0
  }
}
`

// BenchmarkDormantObjects spawns 1,000,000 objects that go dormant at
// their first cycle and reports the heap bytes each costs, and the CPU
// time the VM uses while they sleep.
func BenchmarkDormantObjects(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("MOR_DORMANT_OBJECTS"); s != "" {
		n, _ = strconv.Atoi(s) // a smaller population for profiling
	}
	for i := 0; i < b.N; i++ {
		prog := compile(b, strings.Replace(dormantSource, "level += by  hits += 1",
			"level += by\n    hits += 1", 1))
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := New(prog, Options{Start: epoch, RecentWindow: 1})
		if err != nil {
			b.Fatal(err)
		}
		for j := 0; j < n; j++ {
			if err := m.Spawn("Cell/"+strconv.Itoa(j), nil); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := m.RunUntilQuiet(epoch.Add(24 * time.Hour)); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(n), "heap-bytes/object")

		cpuBefore := cpuTime()
		if m.Pending() {
			b.Fatal("dormant objects left work scheduled")
		}
		time.Sleep(200 * time.Millisecond) // idle: nothing is scheduled
		b.ReportMetric(float64(cpuTime()-cpuBefore)/float64(n), "idle-cpu-ns/object")
		runtime.KeepAlive(m)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCyclingObjectsGo is the hand-written Go baseline for
// BenchmarkCyclingObjects: 100,000 structs running the same five rules.
func BenchmarkCyclingObjectsGo(b *testing.B) {
	sensors := make([]sensor, 100000)
	for i := range sensors {
		sensors[i] = sensor{temp: 20, level: 5}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range sensors {
			sensors[j].cycle()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100000, "ns/object-cycle")
}
