import Foundation

/// The one form of a moment settle records (a run's start, a decision, a period closed, a lock taken, a report
/// written): ISO 8601 in UTC to the second, `2026-03-02T14:05:09Z`.
public enum Timestamp {
    /// Now.
    public static func now() -> String { string(from: Date()) }

    public static func string(from date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
