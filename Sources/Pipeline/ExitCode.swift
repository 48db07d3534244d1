/// The exit codes of CONTRACT.md.
public enum ExitCode: Int32, Sendable {
    case ok = 0
    case inputRejected = 1
    case usage = 2
    case failed = 3
    /// The run finished with every input accepted, but the books do not tie to a statement (`BANK_DIFFERENCE`).
    case booksDoNotTie = 4
    case locked = 75
    /// Stopped by SIGINT (130) or SIGTERM (143): the day in flight rolled back, the days before it committed.
    case interrupted = 130
    case terminated = 143
}
