import Core
import Matching

/// The customer cash application found for one of the day's ACH entries, named by the entry's key: the writer finds
/// the entry's row by that key (rows are written while cash application is still finding their customers).
public struct ACHEntryCustomer: Sendable, Equatable {
    public var key: ACHEntryKey
    public var customerID: String

    public init(key: ACHEntryKey, customerID: String) {
        self.key = key
        self.customerID = customerID
    }

    /// The key of the entry whose customer this is (`ACHEntryRow.entryKey`).
    public var entryKey: String { key.text }

    /// Equal to the `keyHash` of the row with the same entry key.
    public var keyHash: Int { ACHEntryRow.keyHash(role: key.role.rawValue, companyID: key.companyID, effectiveDay: key.effectiveDay, trace: key.trace) }

    /// The customers the day's decisions found for its ACH receipts, by entry key.
    public static func found(in decisions: ArraySlice<Decision>) -> [ACHEntryCustomer] {
        decisions.compactMap { d in
            guard case let .ach(key) = d.receipt.key, let customer = d.customerID else { return nil }
            return ACHEntryCustomer(key: key, customerID: customer)
        }
    }
}
