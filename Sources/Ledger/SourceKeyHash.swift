/// The compact unique key of a source key: FNV-1a over its UTF-8 bytes, 64 bits. Two keys with one hash (about one
/// chance in 10^7 for a ledger of a million keys) are told apart by open addressing: the later key takes the next
/// free value, and a look-up walks from the hash until it finds the key's text or a free value (`probe`). Source keys
/// are never deleted (the journal is append-only), so no walk is ever cut short.
public enum SourceKeyHash {
    public static func of(_ key: String) -> Int64 {
        if let hash = key.utf8.withContiguousStorageIfAvailable(of) { return hash }
        var copy = key
        return copy.withUTF8(of)
    }

    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    public static func next(_ hash: Int64) -> Int64 { hash &+ 1 }

    /// What one hash value holds, for the key a probe is walking for.
    enum Slot<Found> {
        /// The key itself (or, for a probe that claims a value for a new key, the value claimed): the walk ends here.
        case found(Found)
        /// Nothing: the key was never stored, and the walk ends without it.
        case free
        /// Another key with the same hash: the walk goes on to the next value.
        case otherKey
    }

    /// The one walk of the open addressing: from the key's hash on, asks `slot` what each value holds until it gives
    /// the key (what `slot` found there) or a free value (nil). Posting, the readers and the migrations that hash
    /// keys all walk through it. Inlined, so a caller's non-escaping `slot` costs no allocation on the posting path.
    @inline(__always)
    static func probe<Found>(_ key: String, _ slot: (Int64) throws -> Slot<Found>) rethrows -> Found? {
        try probe(from: of(key), slot)
    }

    /// The walk of `probe` from `start` rather than a key's own hash (how a test puts two keys on one value).
    @inline(__always)
    static func probe<Found>(from start: Int64, _ slot: (Int64) throws -> Slot<Found>) rethrows -> Found? {
        var hash = start
        while true {
            switch try slot(hash) {
            case let .found(found): return found
            case .free: return nil
            case .otherKey: hash = next(hash)
            }
        }
    }
}

extension Statement {
    /// What `hash` holds for `key`, asked of this statement: a query of `journal_entries ... WHERE key_hash = ?` (the
    /// hash bound as its first parameter) with the key's text in column `keyColumn`. `read` takes what the caller
    /// wants from the key's row; the statement is reset before this returns.
    @inline(__always)
    func sourceKeySlot<Found>(_ hash: Int64, key: String, keyColumn: Int32, read: (Statement) -> Found) throws(SQLiteError)
        -> SourceKeyHash.Slot<Found> {
        try bind(1, hash)
        defer { reset() }
        guard try step() else { return .free }
        return textEquals(keyColumn, key) ? .found(read(self)) : .otherKey
    }
}
