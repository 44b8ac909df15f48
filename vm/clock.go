package vm

import (
	"sync"
	"time"
)

// Clock is the VM's source of time. Objects read time only from it.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// WaitUntil blocks until t or until wake is signalled, whichever
	// comes first, and returns the time it stopped at. A virtual clock
	// jumps to t at once.
	WaitUntil(t time.Time, wake <-chan struct{}) time.Time
	// Virtual reports whether the clock jumps between due events.
	Virtual() bool
}

// VirtualClock jumps from one due event to the next, so a year of object
// life runs as fast as the steps do.
type VirtualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtualClock returns a virtual clock set to start (UTC).
func NewVirtualClock(start time.Time) *VirtualClock {
	return &VirtualClock{now: start.UTC()}
}

// Now implements Clock.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t if t is later.
func (c *VirtualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.now) {
		c.now = t.UTC()
	}
}

// WaitUntil implements Clock by jumping to t.
func (c *VirtualClock) WaitUntil(t time.Time, _ <-chan struct{}) time.Time {
	c.Set(t)
	return c.Now()
}

// Virtual implements Clock.
func (c *VirtualClock) Virtual() bool { return true }

// RealClock follows wall time. Waiting sleeps on a timer, so an idle VM
// uses no CPU.
type RealClock struct{}

// Now implements Clock.
func (RealClock) Now() time.Time { return time.Now().UTC() }

// WaitUntil implements Clock.
func (RealClock) WaitUntil(t time.Time, wake <-chan struct{}) time.Time {
	d := time.Until(t)
	if d <= 0 {
		return time.Now().UTC()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-wake:
	}
	return time.Now().UTC()
}

// Virtual implements Clock.
func (RealClock) Virtual() bool { return false }
