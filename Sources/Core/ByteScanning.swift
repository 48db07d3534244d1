/// Helpers for fixed-width and delimited records scanned as bytes.
public enum ByteScanning {
    /// The unsigned integer in `bytes[range]` if every byte is a digit (empty: nil).
    @inline(__always)
    public static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int64? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value: Int64 = 0
        for i in range {
            let d = bytes[i] &- 0x30
            guard d < 10 else { return nil }
            value = value &* 10 &+ Int64(d)
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

    public static func isAllSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        for i in range where bytes[i] != 0x20 { return false }
        return true
    }

    public static func trimmed(_ text: String) -> String {
        var s = Substring(text)
        while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
