/// A report being written, as UTF-8 bytes: fields, amounts and days are appended in place, never made into Strings
/// first (a day's reports hold millions of fields). CSV and HTML are written through the same buffer.
public struct TextBuffer: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the next CSV field starts a record (no comma before it).
    private var atRecordStart = true
    /// Where the text goes as it grows (a report written as it is made), or nil: kept whole in `bytes`.
    private let sink: FileSink?

    public init(capacity: Int = 1 << 16) {
        bytes.reserveCapacity(capacity)
        sink = nil
    }

    /// A buffer that hands its text to `sink` each time it passes `FileSink.chunk` bytes (call `flushIfFull`).
    public init(sink: FileSink) {
        bytes.reserveCapacity(FileSink.chunk + (1 << 16))
        self.sink = sink
    }

    /// Hands what is written so far to the sink when it passes a chunk; a buffer without a sink keeps growing.
    @inline(__always)
    public mutating func flushIfFull() throws {
        guard let sink, bytes.count >= FileSink.chunk else { return }
        try sink.write(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Hands everything written to the sink.
    public mutating func flush() throws {
        guard let sink else { return }
        try sink.write(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Raw text

    @inline(__always)
    public mutating func append(_ text: String) {
        if let done: Void = text.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) { return done }
        bytes.append(contentsOf: text.utf8)
    }

    @inline(__always)
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// A whole number in decimal.
    public mutating func append(integer value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude, minimumWidth: 1)
    }

    private mutating func appendDigits(_ magnitude: UInt64, minimumWidth: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of room: UInt64 has at most 20 digits
        var count = 0
        var rest = magnitude
        withUnsafeMutableBytes(of: &digits) { room in
            repeat {
                room[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0 || count < minimumWidth
            bytes.append(contentsOf: room[(24 - count)...])
        }
    }

    /// An amount as plain decimal text with `.` and `exponent` decimals: `-1234.50` (the form of every CSV we write).
    public mutating func append(minorUnits: Int64, exponent: Int) {
        if minorUnits < 0 { bytes.append(UInt8(ascii: "-")) }
        append(magnitude: minorUnits.magnitude, exponent: exponent)
    }

    /// An amount's magnitude (no sign; `Int64.min`'s included) as plain decimal text.
    public mutating func append(magnitude: UInt64, exponent: Int) {
        guard exponent > 0 else {
            appendDigits(magnitude, minimumWidth: 1)
            return
        }
        var scale: UInt64 = 1
        for _ in 0..<exponent { scale &*= 10 }
        appendDigits(magnitude / scale, minimumWidth: 1)
        bytes.append(UInt8(ascii: "."))
        appendDigits(magnitude % scale, minimumWidth: exponent)
    }

    public mutating func append(money: Money) { append(minorUnits: money.minorUnits, exponent: money.currency.exponent) }

    /// An amount for people: `-1,234.50`.
    public mutating func append(groupedMinorUnits minorUnits: Int64, exponent: Int) {
        if minorUnits < 0 { bytes.append(UInt8(ascii: "-")) }
        var scale: UInt64 = 1
        for _ in 0..<max(0, exponent) { scale &*= 10 }
        let magnitude = minorUnits.magnitude
        let whole = magnitude / scale
        // Groups of three from the left: the first group takes what is left over.
        var groups: [UInt64] = []
        var rest = whole
        repeat {
            groups.append(rest % 1000)
            rest /= 1000
        } while rest > 0
        for (i, group) in groups.reversed().enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            appendDigits(group, minimumWidth: i == 0 ? 1 : 3)
        }
        if exponent > 0 {
            bytes.append(UInt8(ascii: "."))
            appendDigits(magnitude % scale, minimumWidth: exponent)
        }
    }

    /// A day as `YYYY-MM-DD`.
    public mutating func append(day: Day) {
        let c = day.components
        appendDigits(UInt64(max(0, c.year)), minimumWidth: 4)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(c.month), minimumWidth: 2)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(UInt64(c.day), minimumWidth: 2)
    }

    // MARK: CSV (RFC 4180)

    @inline(__always)
    private mutating func separate() {
        if atRecordStart { atRecordStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    /// A field as it is (ids, codes, references): quoted when it holds a comma, quote or line break, or begins or
    /// ends with a space.
    public mutating func csv(_ field: String) {
        separate()
        appendQuotedIfNeeded(field)
    }

    /// A free-text field (a name, memo, message, suggestion or note), neutralized against formulas as
    /// `CSVWriter.text(_:)` says.
    public mutating func csvText(_ field: String) {
        separate()
        appendQuotedIfNeeded(CSVWriter.text(field))
    }

    public mutating func csv(money: Money) {
        separate()
        append(money: money)
    }

    /// The amount without its sign (a debit or credit column).
    public mutating func csv(magnitudeOf money: Money) {
        separate()
        append(magnitude: money.minorUnits.magnitude, exponent: money.currency.exponent)
    }

    public mutating func csv(integer: Int64) {
        separate()
        append(integer: integer)
    }

    public mutating func csv(day: Day) {
        separate()
        append(day: day)
    }

    /// An empty field.
    public mutating func csvEmpty() { separate() }

    public mutating func csvRecord(_ fields: [String]) {
        for field in fields { csv(field) }
        endRecord()
    }

    public mutating func endRecord() {
        bytes.append(0x0A)
        atRecordStart = true
    }

    private mutating func appendQuotedIfNeeded(_ field: String) {
        let utf8 = field.utf8
        guard let first = utf8.first, let last = utf8.last else { return }
        var quote = first == 0x20 || last == 0x20
        if !quote {
            for b in utf8 where b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == 0x0A || b == 0x0D {
                quote = true
                break
            }
        }
        guard quote else { return append(field) }
        bytes.append(UInt8(ascii: "\""))
        for b in utf8 {
            if b == UInt8(ascii: "\"") { bytes.append(b) }
            bytes.append(b)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    // MARK: HTML

    /// Text with `&`, `<`, `>`, `"` and `'` escaped.
    public mutating func html(_ text: String) {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else {
            return append(text)
        }
        for b in utf8 {
            switch b {
            case UInt8(ascii: "&"): append("&amp;" as StaticString)
            case UInt8(ascii: "<"): append("&lt;" as StaticString)
            case UInt8(ascii: ">"): append("&gt;" as StaticString)
            case UInt8(ascii: "\""): append("&quot;" as StaticString)
            case UInt8(ascii: "'"): append("&#39;" as StaticString)
            default: bytes.append(b)
            }
        }
    }
}
