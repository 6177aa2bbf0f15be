//! The firmware's own vitals — what `psutil` is on a desktop — from traits
//! the firmware implements or the helpers here: uptime from a
//! [`Clock`](vitals_core::Clock), CPU load from idle time ([`IdleMeter`]),
//! stack high-water mark by painting ([`StackRegion`], [`paint`]), ring
//! fill and losses, and the reset reason ([`ResetCause`]).
//! [`McuSampler`] pushes them into the ring as catalog metrics and runs
//! threshold rules on them.
//!
//! # Example
//!
//! ```
//! use vitals_embedded::mcu::{IdleMeter, McuSampler};
//! use vitals_embedded::{global_ring, CounterClock, MetricId, Rule};
//!
//! global_ring!(VITALS, 4096);
//! static IDLE: IdleMeter<CounterClock> = IdleMeter::new(CounterClock::new());
//! let task_stack = [0u32; 64]; // an RTOS task's stack, painted at creation
//!
//! let mut sampler: McuSampler<'_, _, 4> =
//!     McuSampler::new(CounterClock::new()).with_cpu(&IDLE).with_stack(&task_stack);
//! sampler.add_rule(Rule::above(MetricId::CPU_USAGE.series(), 80.0, 90.0, 95.0))?;
//!
//! IDLE.idle(|| { /* wfi */ });
//! let pushed = sampler.sample(&VITALS);
//! assert_eq!(pushed, 5); // uptime, CPU, stack, ring used, ring dropped
//! # Ok::<(), vitals_embedded::vitals_core::RuleError>(())
//! ```

mod idle;
mod reset;
mod sampler;
mod stack;
mod stack_region;

pub use idle::{CpuLoad, IdleMeter};
pub use reset::{Lm3sResc, ResetCause};
pub use sampler::McuSampler;
pub use stack::{high_water, paint, StackUsage, STACK_PAINT};
pub use stack_region::StackRegion;
