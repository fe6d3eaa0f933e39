//! The moving-average speed of a byte count, shared by the transfer engine (each job's
//! speed) and `cp`'s progress bar. Pure: the caller passes the time of each sample.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How far back a speed looks unless told otherwise: the last seconds, not the whole run.
pub const SPEED_WINDOW: Duration = Duration::from_secs(3);

/// Bytes per second over the last `window`, from samples of a byte count that mostly grows
/// (bytes a failed try took back are no negative speed).
#[derive(Debug)]
pub struct MovingSpeed {
    window: Duration,
    samples: VecDeque<(Instant, u64)>,
}

impl Default for MovingSpeed {
    fn default() -> Self {
        Self::with_window(SPEED_WINDOW)
    }
}

impl MovingSpeed {
    pub fn with_window(window: Duration) -> Self {
        Self {
            window,
            samples: VecDeque::new(),
        }
    }

    /// Adds a sample taken at `now`; returns the speed with it.
    pub fn sample(&mut self, now: Instant, done: u64) -> u64 {
        self.samples.push_back((now, done));
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|(t, _)| now.duration_since(*t) >= self.window)
        {
            self.samples.pop_front();
        }
        self.per_sec()
    }

    /// Bytes per second over the window; 0 until two samples.
    pub fn per_sec(&self) -> u64 {
        let (Some(&(t0, d0)), Some(&(t1, d1))) = (self.samples.front(), self.samples.back()) else {
            return 0;
        };
        let dt = t1.duration_since(t0).as_secs_f64();
        if dt <= 0.0 {
            return 0;
        }
        (d1.saturating_sub(d0) as f64 / dt) as u64
    }

    /// How long the samples reach back.
    pub fn span(&self) -> Duration {
        match (self.samples.front(), self.samples.back()) {
            (Some((t0, _)), Some((t1, _))) => t1.duration_since(*t0),
            _ => Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_is_averaged_over_the_last_seconds() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut speed = MovingSpeed::default();
        assert_eq!(speed.per_sec(), 0, "no samples");
        assert_eq!(speed.sample(at(0), 0), 0, "one sample says nothing");
        assert_eq!(speed.sample(at(500), 0), 0);
        // A burst counts over the whole window so far, not the last tick alone.
        assert_eq!(speed.sample(at(1_000), 3_000), 3_000);
        assert_eq!(speed.sample(at(2_000), 3_000), 1_500);
        assert_eq!(speed.span(), Duration::from_secs(2));
        // The window moves on: samples older than 3 s fall out, a stall reaches 0.
        assert_eq!(speed.sample(at(4_000), 6_000), 1_000, "3,000 B since 1 s");
        assert_eq!(speed.sample(at(8_000), 6_000), 0);
        // Bytes a failed try took back are no negative speed.
        assert_eq!(speed.sample(at(8_500), 1_000), 0);
    }

    #[test]
    fn a_longer_window_remembers_longer() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut speed = MovingSpeed::with_window(Duration::from_secs(5));
        speed.sample(at(0), 0);
        speed.sample(at(1_000), 4_000);
        assert_eq!(speed.sample(at(2_000), 8_000), 4_000);
        assert_eq!(
            speed.sample(at(6_000), 8_000),
            800,
            "4,000 B over the last 5 s"
        );
    }
}
