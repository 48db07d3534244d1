import Foundation

public enum RelativePath {
    public static func make(_ path: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: path).standardized.pathComponents
        let base = URL(fileURLWithPath: folder).standardized.pathComponents
        var common = 0
        while common < target.count, common < base.count, target[common] == base[common] { common += 1 }
        guard common > 1 else { return path }
        let ups = Array(repeating: "..", count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }
}

/// Hands a day's batches to the ledger writer in the order they are sent, without the sender waiting for each: the
/// writer posts while the stages go on. A batch may be sent as the work that makes it (`send(making:)`): it is made
/// on another task at most `lead` batches ahead of the writer, so a day's million entries and rows exist a chunk at
/// a time rather than all queued behind the writer. `drain` waits for the last and says how long the writer was busy.
