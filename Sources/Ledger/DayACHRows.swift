import Accounting

/// The ACH entry rows the open day has written, and the customers found for them by entry key. Rows are written while
/// cash application is still finding their customers; each customer then names its entry by key, and is kept in the
/// row's place so the customer rows are written in rowid order at the end of the day. A row's "rowid" is SQLite's, or
/// on PostgreSQL the row's place among its day's (`day_seq`).
struct DayACHRows {
    /// Each row's rowid and key hash, in the order written.
    private(set) var rowids: [Int64] = []
    private var keyHashes: [Int] = []
    /// Each row's key hash and position, sorted by hash, made when the first customer arrives.
    private var byHash: [(hash: Int, position: Int32)] = []
    private(set) var customers: [String?] = []
    /// The customers have been written (`lastACHCustomers`): none may follow.
    var customersWritten = false

    var isEmpty: Bool { rowids.isEmpty }
    var hasCustomers: Bool { !customers.isEmpty }

    /// Room for `more` rows, growing by at least half again (the rows come a chunk at a time: room for exactly the
    /// next chunk would copy what is kept once per chunk).
    mutating func reserve(_ more: Int) {
        let wanted = rowids.count + more
        guard wanted > rowids.capacity else { return }
        let capacity = max(wanted, rowids.capacity + rowids.capacity / 2)
        rowids.reserveCapacity(capacity)
        keyHashes.reserveCapacity(capacity)
    }

    /// The customers are written: what was kept of the rows goes (a million rows' rowids, hashes and customers), and a
    /// customer given after this is refused.
    mutating func customersDone() {
        self = DayACHRows()
        customersWritten = true
    }

    mutating func append(rowid: Int64, keyHash: Int) {
        rowids.append(rowid)
        keyHashes.append(keyHash)
    }

    /// Gives each customer to the row with its entry key. `entryKey(rowid)` reads a row's key, asked only when two of
    /// the day's rows share a key hash. A customer whose entry the day did not write is an error: every ACH receipt
    /// the day decided is one of its rows.
    mutating func assign(_ given: [ACHEntryCustomer], entryKey: (Int64) throws -> String) throws {
        guard !given.isEmpty else { return }
        guard !customersWritten else { throw LedgerError("ACH entry customers after the day's last were written") }
        if byHash.count != rowids.count {
            byHash = keyHashes.indices.map { (keyHashes[$0], Int32($0)) }
            byHash.sort { $0.hash < $1.hash }
            customers += [String?](repeating: nil, count: rowids.count - customers.count)
        }
        for customer in given {
            let hash = customer.keyHash
            var low = 0
            var high = byHash.count
            while low < high {
                let mid = (low + high) / 2
                if byHash[mid].hash < hash { low = mid + 1 } else { high = mid }
            }
            var found: Int?
            var next = low
            while next < byHash.count, byHash[next].hash == hash {
                let position = Int(byHash[next].position)
                // One row with the hash is the entry; more than one (a hash shared by two keys) are told apart by key.
                if next == low, next + 1 == byHash.count || byHash[next + 1].hash != hash {
                    found = position
                    break
                }
                if try entryKey(rowids[position]) == customer.entryKey {
                    found = position
                    break
                }
                next += 1
            }
            guard let found else {
                throw LedgerError("a customer (\(customer.customerID)) for ACH entry \(customer.entryKey), which the day did not write")
            }
            customers[found] = customer.customerID
        }
    }
}
