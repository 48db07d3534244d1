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

/// The customers the day's decisions found for its ACH receipts (`ACHEntryCustomer.found`), looked up by entry: for a
/// writer given each ACH row with its customer, the rows made after cash application. An entry's customer is the one
/// its last decision found, as customers sent one after another leave it.
public struct ACHEntryCustomers: Sendable {
    private let decisions: [Decision]
    /// The key hash and place in `decisions` of each ACH decision with a customer, by hash, then place.
    private let byHash: [(hash: Int, position: Int)]
    /// What is kept of a key's hash: all of it, but for the tests of keys that share one.
    private let bucket: @Sendable (Int) -> Int

    public init(_ decisions: [Decision]) {
        self.init(decisions, bucket: { $0 })
    }

    init(_ decisions: [Decision], bucket: @escaping @Sendable (Int) -> Int) {
        var byHash: [(hash: Int, position: Int)] = []
        for (position, d) in decisions.enumerated() {
            guard case let .ach(key) = d.receipt.key, d.customerID != nil else { continue }
            byHash.append((bucket(ACHEntryCustomer(key: key, customerID: "").keyHash), position))
        }
        self.bucket = bucket
        byHash.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.position < $1.position }
        self.decisions = decisions
        self.byHash = byHash
    }

    /// The customer cash application found for the row's entry (a row whose key is not its fields' has none).
    public func customer(of row: ACHEntryRow) -> String? {
        guard !row.keepsKeyText else { return nil }
        let hash = bucket(row.keyHash)
        var low = 0, high = byHash.count
        while low < high {
            let middle = (low + high) / 2
            if byHash[middle].hash <= hash { low = middle + 1 } else { high = middle }
        }
        // The decisions of this hash, the last first: the first whose key is the row's.
        var i = low - 1
        while i >= 0, byHash[i].hash == hash {
            let d = decisions[byHash[i].position]
            if case let .ach(key) = d.receipt.key, key.role.rawValue == row.role, key.companyID == row.companyID,
               key.effectiveDay == row.effectiveDay, key.trace == row.trace {
                return d.customerID
            }
            i -= 1
        }
        return nil
    }

    /// Each row without a customer of its own given its entry's.
    public func give(to rows: inout [ACHEntryRow]) {
        for i in rows.indices where rows[i].customerID == nil { rows[i].customerID = customer(of: rows[i]) }
    }
}
