import Foundation
import Receivables

/// The invoices of the master data, shared by the days of a run; the last day takes them, so that a day of a million
/// invoices does not hold them twice (the export's and the ones matching sees).
final class MasterInvoices: @unchecked Sendable {
    private let lock = NSLock()
    private var invoices: [Invoice]

    init(_ invoices: [Invoice]) { self.invoices = invoices }

    /// The invoices; `taking` lets the run's own reference go (the caller then holds them alone).
    func list(taking: Bool) -> [Invoice] {
        lock.withLock {
            let list = invoices
            if taking { invoices = [] }
            return list
        }
    }
}

/// Paths as reports show them: relative to a folder (the manifest's), so outputs do not depend on where the job ran.
