import Foundation

/// Switches that make a process stop or wait in the middle of a day, for the tests that drive a real `settle`
/// (`scripts/crash-test.sh`, `scripts/signal-test.sh`, `ProcessSignalTests`) and for heaptrack. They are read from the
/// environment only in a build made with `-Xswiftc -DSETTLE_FAULTS` (`scripts/build-faults.sh`, into `.build-faults`);
/// in any other build each is nil whatever the environment says, so a shipped `settle` never exits or waits because
/// a variable was set.
public enum FaultInjection {
    /// Whether this build reads the switches at all.
    public static let isCompiledIn: Bool = {
        #if SETTLE_FAULTS
        return true
        #else
        return false
        #endif
    }()

    /// The names of every switch, for the executable to clear where they are not compiled in.
    public static let names = ["SETTLE_FAULT_KILL_AFTER_POSTINGS", "SETTLE_FAULT_PAUSE_BEFORE_COMMIT", "SETTLE_TRACE_EXIT_AFTER"]

    /// `SETTLE_FAULT_KILL_AFTER_POSTINGS=N`: SIGKILL right after the N-th posting is written (the crash test).
    public static let killAfterPostings: Int? = value("SETTLE_FAULT_KILL_AFTER_POSTINGS").flatMap(Int.init)
    /// `SETTLE_FAULT_PAUSE_BEFORE_COMMIT=SECONDS`: the last day waits with its transaction open (the signal test).
    public static let pauseBeforeCommitSeconds: Double? = value("SETTLE_FAULT_PAUSE_BEFORE_COMMIT").flatMap(Double.init)
    /// `SETTLE_TRACE_EXIT_AFTER=STAGE`: the process ends after that stage (heaptrack then reports what was alive).
    public static let exitAfterStage: String? = value("SETTLE_TRACE_EXIT_AFTER")

    static func value(_ name: String) -> String? {
        #if SETTLE_FAULTS
        return ProcessInfo.processInfo.environment[name]
        #else
        return nil
        #endif
    }
}
