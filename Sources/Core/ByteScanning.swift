/// Helpers for fixed-width and delimited records scanned as bytes.
public enum ByteScanning {
    /// The unsigned integer in `bytes[range]` if every byte is a digit (empty: nil).
    @inlinable @inline(__always)
    public static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        guard !range.isEmpty else { return nil }
        var value: Int64 = 0
        if range.count <= 18 {
            // Eight digits at a time (SWAR): check and convert a 64-bit word in a few multiplications.
            var i = range.lowerBound
            let raw = UnsafeRawPointer(bytes.start)
            while range.upperBound - i >= 8 {
                guard let chunk = eightDigits(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) else { return nil }
                value = value &* 100_000_000 &+ Int64(chunk)
                i += 8
            }
            while i < range.upperBound {
                let d = bytes[i] &- 0x30
                guard d < 10 else { return nil }
                value = value &* 10 &+ Int64(d)
                i += 1
            }
            return value
        }
        // Wider fields (20-digit ADV totals): reject only a value past Int64.
        for i in range {
            let d = bytes[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = s
        }
        return value
    }

    /// Text of a fixed-width alphanumeric field with trailing (and leading) spaces removed.
    public static func trimmedText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// The number eight ASCII digits spell (first byte most significant), or nil when one is not a digit.
    @inlinable @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64? {
        let w = UInt64(littleEndian: word)
        // Every byte in '0'...'9': subtracting '0' leaves no borrow, adding 0x46 leaves the high bit clear.
        guard ((w &+ 0x4646_4646_4646_4646) | (w &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { return nil }
        var v = w &- 0x3030_3030_3030_3030
        v = (v &* 10) &+ (v >> 8)
        v = ((v & 0x0000_00FF_0000_00FF) &* (100 + (1_000_000 << 32))) &+ (((v >> 16) & 0x0000_00FF_0000_00FF) &* (1 + (10_000 << 32)))
        return v >> 32
    }

    /// The index of the first byte in `bytes[start..<end]` equal to `a`, `b` or `c` (`end` when none is),
    /// eight bytes at a time.
    @inlinable @inline(__always)
    public static func firstIndex(of a: UInt8, _ b: UInt8, _ c: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var i = start
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101, highBits: UInt64 = 0x8080_8080_8080_8080
            let pa = ones &* UInt64(a), pb = ones &* UInt64(b), pc = ones &* UInt64(c)
            while i + 8 <= end {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let xa = w ^ pa, xb = w ^ pb, xc = w ^ pc
                // A zero byte in x marks a match; the lowest flagged byte is exact (borrows only run upwards).
                let found = (((xa &- ones) & ~xa) | ((xb &- ones) & ~xb) | ((xc &- ones) & ~xc)) & highBits
                if found != 0 { return i + found.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < end {
            let x = bytes[i]
            if x == a || x == b || x == c { return i }
            i += 1
        }
        return end
    }

    /// True when every byte is printable ASCII (0x20-0x7E), eight bytes at a time.
    @inlinable @inline(__always)
    public static func isPrintableASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawPointer(bytes.start)
        let highBits: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        var bad: UInt64 = 0
        while i + 8 <= bytes.count {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte below 0x20, or one of 0x7F and above.
            bad |= (w &- 0x2020_2020_2020_2020) & ~w & highBits
            bad |= ((w &+ 0x0101_0101_0101_0101) | w) & highBits
            i += 8
        }
        if bad != 0 { return false }
        while i < bytes.count {
            if bytes[i] < 0x20 || bytes[i] > 0x7E { return false }
            i += 1
        }
        return true
    }

    /// Digits, possibly padded with spaces (lenient numeric fields real files leave space-filled).
    @inlinable
    public static func isDigitsWithSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where !(bytes[i] &- 0x30 < 10 || bytes[i] == 0x20) { return false }
        return true
    }

    /// Only zeros and spaces: a mandatory name field left at a default.
    @inlinable
    public static func isZerosAndSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where bytes[i] != 0x30 && bytes[i] != 0x20 { return false }
        return true
    }

    @inlinable
    public static func isAllSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where bytes[i] != 0x20 { return false }
        return true
    }

    /// The text without leading and trailing spaces, tabs and line breaks (scanned as UTF-8, not as Characters).
    public static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return text }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        if !isSpace(first) && !isSpace(last) { return text }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, isSpace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isSpace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(text[start..<end])
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The address of the first byte; for an empty buffer, the address of a byte of its own that nothing reads (so
    /// pointer arithmetic needs no unwrap: every read is bounded by `count`).
    @inline(__always)
    public var start: UnsafePointer<UInt8> { baseAddress ?? EmptyBytes.pointer }
}

/// One byte of memory of its own, for the start of an empty buffer (written once, never read: safe to share).
enum EmptyBytes {
    nonisolated(unsafe) static let pointer: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()
}
