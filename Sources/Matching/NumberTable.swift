/// A hash table from 64-bit keys to invoice indices, open addressing with linear probing: a probe reads one slot
/// of 16 bytes, key and value together. A million invoice numbers looked up a million times is what cash
/// application does most; a general dictionary spends its time hashing and missing the cache there.
struct NumberTable: Sendable {
    private struct Slot: Sendable {
        var key: UInt64
        /// `Int32.min`: empty.
        var value: Int32
    }

    private var slots: [Slot]
    private let mask: Int
    private let shift: UInt64
    private(set) var count = 0

    /// Room for `capacity` keys at a load of at most one half.
    init(capacity: Int) {
        var size = 16
        var bits: UInt64 = 4
        while size < capacity * 2 { size <<= 1; bits += 1 }
        slots = [Slot](repeating: Slot(key: 0, value: .min), count: size)
        mask = size - 1
        shift = 64 - bits
    }

    @inline(__always)
    private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    func find(_ key: UInt64) -> Int32? {
        var i = home(key)
        while true {
            let slot = slots[i]
            if slot.value == .min { return nil }
            if slot.key == key { return slot.value }
            i = (i + 1) & mask
        }
    }

    /// Inserts the key with `value` unless it is there; returns the value already there.
    mutating func insert(_ key: UInt64, _ value: Int32) -> Int32? {
        precondition(value != .min && count * 2 < slots.count, "NumberTable: a reserved value, or more keys than the table was made for")
        var i = home(key)
        while true {
            let slot = slots[i]
            if slot.value == .min {
                slots[i] = Slot(key: key, value: value)
                count += 1
                return nil
            }
            if slot.key == key { return slot.value }
            i = (i + 1) & mask
        }
    }

    /// Replaces the value of a key that is there.
    mutating func update(_ key: UInt64, _ value: Int32) {
        var i = home(key)
        while slots[i].value != .min {
            if slots[i].key == key { slots[i].value = value; return }
            i = (i + 1) & mask
        }
    }
}
