package vm

import (
	"strings"
	"testing"
)

const testBlocksSource = `
object Station {
  memory {
    high: float = 0.0
    alert: enum(none, heat) = none
    readings: int = 0
  }
  cycle every 1d
  rule heat when high > 35.0 && alert == none {
    alert = heat
  }
  on reading(max: float) {
    high = max
    readings += 1
  }
}

test "heat raises an alert" {
  spawn Station("a")
  send Station("a").reading(max: 36.0)
  expect Station("a"): readings == 1
  advance 1d
  expect Station("a"): alert == heat
}

test "a cool day raises none" {
  send Station("b").reading(max: 20.0)
  advance 2d
  expect Station("b"): alert == heat
}
`

func TestRunTestBlocks(t *testing.T) {
	prog := compile(t, testBlocksSource)
	if len(prog.Tests) != 2 {
		t.Fatalf("got %d tests, want 2", len(prog.Tests))
	}
	pass := RunTest(prog, prog.Tests[0], epoch)
	if !pass.Passed() {
		t.Errorf("%q failed: %v", pass.Name, pass.Failures)
	}
	fail := RunTest(prog, prog.Tests[1], epoch)
	if fail.Passed() {
		t.Fatalf("%q passed; its expect should fail", fail.Name)
	}
	if got := fail.Failures[0]; !strings.Contains(got, "test.mor:29:3") ||
		!strings.Contains(got, "alert == heat") {
		t.Errorf("failure %q does not name the expect and its place", got)
	}
}
