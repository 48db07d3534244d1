import Foundation

final class ProgressCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var _files = 0
    private var _receipts = 0
    var files: Int {
        get { lock.withLock { _files } }
        set { lock.withLock { _files = newValue } }
    }
    var receipts: Int {
        get { lock.withLock { _receipts } }
        set { lock.withLock { _receipts = newValue } }
    }
}
