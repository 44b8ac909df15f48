package vm

import (
	"strings"
	"testing"
	"time"
)

// TestCatchUpPolicies restores a VM whose clock moved on by four and a
// half cycle periods, as after downtime, and checks what each catch-up
// policy runs and records.
func TestCatchUpPolicies(t *testing.T) {
	tests := []struct {
		policy     string
		wantTicks  int
		wantMissed int
	}{
		{"all", 1 + 5, 4},
		{"once", 1 + 1, 4},
		{"skip", 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			src := strings.ReplaceAll(`
object Clock {
  memory {
    ticks: int = 0
  }
  cycle every 1h catch up POLICY
  rule tick when true {
    ticks += 1
  }
}
`, "POLICY", tt.policy)
			prog := compile(t, src)
			first, err := New(prog, Options{Start: epoch, Checkpoints: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := first.Spawn("Clock/a", nil); err != nil {
				t.Fatal(err)
			}
			if err := first.RunUntil(epoch.Add(90 * time.Minute)); err != nil {
				t.Fatal(err)
			}
			img := first.Checkpoint()
			img.Now = epoch.Add(6*time.Hour + 30*time.Minute) // down from 1:30 to 6:30

			sink := &MemorySink{}
			second, err := New(prog, Options{Start: img.Now, Sink: sink, Checkpoints: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := second.Restore(img); err != nil {
				t.Fatal(err)
			}
			if err := second.RunUntil(img.Now); err != nil {
				t.Fatal(err)
			}
			st, _ := second.State("Clock/a")
			if got := st.Memory["ticks"]; got != tt.wantTicks {
				t.Errorf("ticks = %v, want %d", got, tt.wantTicks)
			}
			missed := 0
			for _, e := range sink.Entries {
				if e.Kind == KindMissed {
					missed += e.Count
				}
			}
			if missed != tt.wantMissed {
				t.Errorf("missed entries count %d ticks, want %d", missed, tt.wantMissed)
			}
			next, ok := second.NextDue()
			if want := epoch.Add(7 * time.Hour); !ok || !next.Equal(want) {
				t.Errorf("next cycle due %v, want %v", next, want)
			}
		})
	}
}
