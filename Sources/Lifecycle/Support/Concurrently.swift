import Dispatch
import Statistics

/// The statistics' job runner with this machine's threads: `concurrentPerform` spreads the jobs
/// over the cores (a bootstrap's draws, say; their figures are the same as run in turn).
public let concurrently: JobRunner = { count, job in
  DispatchQueue.concurrentPerform(iterations: count, execute: job)
}
