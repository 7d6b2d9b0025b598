//! mint-idle's probes see the whole machine: every ssh session, mosh server, attached tmux
//! client and `claude` process. A test that makes such activity (every loopback sshd) holds a
//! shared claim; an idle test holds the machine alone, so no other module's session shows up
//! in its probe. A thread that holds the machine alone may still start an sshd.

use std::sync::{Condvar, Mutex};
use std::thread::ThreadId;

#[derive(Default)]
struct State {
    shared: usize,
    alone: Option<ThreadId>,
}

static STATE: Mutex<State> = Mutex::new(State {
    shared: 0,
    alone: None,
});
static CHANGED: Condvar = Condvar::new();

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// A claim on the machine; released when dropped.
pub struct Claim {
    alone: bool,
    counted: bool,
}

/// Activity is about to be made: waits while an idle test holds the machine.
pub fn shared() -> Claim {
    let me = std::thread::current().id();
    let mut s = state();
    while s.alone.is_some_and(|t| t != me) {
        s = CHANGED.wait(s).unwrap_or_else(|p| p.into_inner());
    }
    let counted = s.alone.is_none();
    if counted {
        s.shared += 1;
    }
    Claim {
        alone: false,
        counted,
    }
}

/// The machine alone: waits until no other test holds any claim.
pub fn alone() -> Claim {
    let mut s = state();
    while s.shared > 0 || s.alone.is_some() {
        s = CHANGED.wait(s).unwrap_or_else(|p| p.into_inner());
    }
    s.alone = Some(std::thread::current().id());
    Claim {
        alone: true,
        counted: false,
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let mut s = state();
        if self.alone {
            s.alone = None;
        } else if self.counted {
            s.shared -= 1;
        }
        CHANGED.notify_all();
    }
}
