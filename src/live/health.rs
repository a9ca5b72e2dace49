//! How live reload is faring, for `/status`, `/healthz` and the log: whether edits are seen
//! through file events or only by polling (and since when, and why), when the handbook was last
//! checked against the files, and whether applying changes is failing. A fault here never
//! stops the server, so it must be visible instead: a handbook that goes quietly stale is the
//! failure editors fear most.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Local};

/// How edits reach the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Watch {
    /// Not watching: `--no-watch`, or a one-off command.
    Off,
    /// File events for every folder of the handbook.
    Events,
    /// Some or all folders could not be watched; the whole handbook is compared with what is
    /// served every few seconds instead.
    Polling {
        since: DateTime<Local>,
        /// For people: no server paths, no operating system's words.
        reason: String,
    },
}

/// Applying changes failed (the index could not be written); retried until it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failing {
    pub since: DateTime<Local>,
    pub attempts: u32,
    /// For people, as above; the log has the details.
    pub reason: String,
}

/// A moment's reading of live reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub watch: Watch,
    /// When the files were last compared with what is served, successfully.
    pub last_checked: Option<DateTime<Local>>,
    pub failing: Option<Failing>,
}

impl Report {
    /// Is anything keeping edits from being searchable as fast as they should be?
    pub fn degraded(&self) -> bool {
        matches!(self.watch, Watch::Polling { .. }) || self.failing.is_some()
    }

    /// Since when edits have not been seen as they should, if they have not.
    pub fn degraded_since(&self) -> Option<DateTime<Local>> {
        let polling = match &self.watch {
            Watch::Polling { since, .. } => Some(*since),
            _ => None,
        };
        let failing = self.failing.as_ref().map(|f| f.since);
        polling.into_iter().chain(failing).min()
    }
}

/// Shared between the watcher and the catalog (which write it) and the web (which reads it).
#[derive(Clone)]
pub struct Health(Arc<RwLock<Report>>);

impl Default for Health {
    fn default() -> Self {
        Health(Arc::new(RwLock::new(Report {
            watch: Watch::Off,
            last_checked: None,
            failing: None,
        })))
    }
}

impl Health {
    pub fn report(&self) -> Report {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn update(&self, f: impl FnOnce(&mut Report)) {
        f(&mut self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner));
    }

    /// Every folder is watched.
    pub fn watching(&self) {
        self.update(|r| r.watch = Watch::Events);
    }

    /// Falls back to polling, keeping the first time it did so while it lasts.
    pub fn polling(&self, reason: String) {
        self.update(|r| {
            let since = match &r.watch {
                Watch::Polling { since, .. } => *since,
                _ => Local::now(),
            };
            r.watch = Watch::Polling { since, reason };
        });
    }

    /// The files were compared with what is served, and any change is searchable.
    pub fn checked(&self) {
        self.update(|r| {
            r.last_checked = Some(Local::now());
            r.failing = None;
        });
    }

    /// Applying changes failed once more.
    pub fn failed(&self, reason: String) {
        self.update(|r| {
            let (since, attempts) = r
                .failing
                .as_ref()
                .map_or((Local::now(), 0), |f| (f.since, f.attempts));
            r.failing = Some(Failing {
                since,
                attempts: attempts + 1,
                reason,
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_keeps_the_time_it_began_and_a_success_ends_a_failure() {
        let health = Health::default();
        assert!(!health.report().degraded());
        health.polling("one folder cannot be watched".into());
        let since = health.report().degraded_since().unwrap();
        health.polling("two folders cannot be watched".into());
        let report = health.report();
        assert_eq!(report.degraded_since(), Some(since));
        assert!(
            matches!(&report.watch, Watch::Polling { reason, .. } if reason.starts_with("two"))
        );

        health.watching();
        health.failed("the index cannot be written".into());
        health.failed("the index cannot be written".into());
        assert_eq!(health.report().failing.unwrap().attempts, 2);
        health.checked();
        let report = health.report();
        assert!(
            !report.degraded() && report.last_checked.is_some(),
            "{report:?}"
        );
    }
}
