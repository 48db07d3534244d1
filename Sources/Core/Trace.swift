import Foundation

/// `SETTLE_TRACE`: `1` prints each stage's time, memory and the writer's batches on stderr; `timeline` prints that and
/// the resident set and heap in use four times a second, with each return of freed memory.
public enum Trace {
    public static let mode = ProcessInfo.processInfo.environment["SETTLE_TRACE"] ?? ""
    public static let isOn = mode == "1" || mode == "timeline"
    public static let timeline = mode == "timeline"
}
