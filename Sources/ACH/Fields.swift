import Core

/// A field of a NACHA record: its name as the Operating Rules print it and its 1-based inclusive positions.
struct NACHAField: Sendable {
    let name: String
    let range: Range<Int> // 0-based, half-open

    init(_ name: String, _ first: Int, _ last: Int) {
        self.name = name
        range = (first - 1)..<last
    }

    var column: Int { range.lowerBound + 1 }
}

/// Field access over one 94-byte record, recording diagnostics against the record's location.
struct RecordFields {
    let bytes: UnsafeBufferPointer<UInt8>
    let location: SourceLocation

    func number(_ field: NACHAField) -> Int64? { ByteScanning.digits(bytes, field.range) }
    func text(_ field: NACHAField) -> String { ByteScanning.trimmedText(bytes, field.range) }
    /// The field exactly as written (spaces kept), for identifiers whose padding is part of the value.
    func raw(_ field: NACHAField) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[field.range]), as: UTF8.self) }
    func isBlank(_ field: NACHAField) -> Bool { ByteScanning.isAllSpaces(bytes, field.range) }
    func byte(_ position: Int) -> UInt8 { bytes[position - 1] }

    func at(_ field: NACHAField) -> SourceLocation {
        var l = location
        l.column = field.column
        l.byteOffset += field.range.lowerBound
        return l
    }

    func diagnostic(_ code: Diagnostic.Code, _ severity: Severity, _ field: NACHAField, _ message: String,
                    expected: String? = nil, found: String? = nil) -> Diagnostic {
        Diagnostic(code: code, severity: severity, location: at(field), field: field.name, message: message, expected: expected, found: found)
    }

    /// A YYMMDD date field (file creation, effective entry date); nil when it is not one.
    func day(_ field: NACHAField) -> Day? {
        Day.parse(bytes: ArraySlice(UnsafeBufferPointer(rebasing: bytes[field.range])), format: .yymmdd)
    }

    /// The warning for a date field that is not a YYMMDD date.
    func notADay(_ field: NACHAField) -> Diagnostic {
        diagnostic("nacha.date", .warning, field, "is not a YYMMDD date", found: "'\(raw(field))'")
    }

    /// A numeric field that must be all digits; reports and returns nil otherwise.
    func requiredNumber(_ field: NACHAField, into diagnostics: inout DiagnosticList, severity: Severity = .error) -> Int64? {
        if let value = number(field) { return value }
        diagnostics.append(diagnostic("nacha.numeric-field", severity, field, "must be all digits", found: "'\(raw(field))'"))
        return nil
    }
}

/// ABA routing-number check digit: weights 3 7 1 over the first eight digits.
public enum RoutingNumber {
    public static func checkDigit(forFirstEight digits: some Sequence<UInt8>) -> UInt8? {
        var sum = 0
        var count = 0
        for b in digits {
            guard count < 8, b >= 0x30, b <= 0x39 else { return nil }
            // Weights 3 7 1, repeated.
            sum += Int(b - 0x30) * (count % 3 == 0 ? 3 : (count % 3 == 1 ? 7 : 1))
            count += 1
        }
        guard count == 8 else { return nil }
        return UInt8((10 - sum % 10) % 10)
    }

    /// The check digit of the eight digits at `range` of a record; nil when they are not all digits.
    @inline(__always)
    static func checkDigit(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt8? {
        guard range.count == 8 else { return nil }
        let s = range.lowerBound
        let d0 = bytes[s] &- 0x30, d1 = bytes[s + 1] &- 0x30, d2 = bytes[s + 2] &- 0x30, d3 = bytes[s + 3] &- 0x30
        let d4 = bytes[s + 4] &- 0x30, d5 = bytes[s + 5] &- 0x30, d6 = bytes[s + 6] &- 0x30, d7 = bytes[s + 7] &- 0x30
        guard d0 < 10, d1 < 10, d2 < 10, d3 < 10, d4 < 10, d5 < 10, d6 < 10, d7 < 10 else { return nil }
        let sum = 3 * (Int(d0) + Int(d3) + Int(d6)) + 7 * (Int(d1) + Int(d4) + Int(d7)) + Int(d2) + Int(d5)
        return UInt8((10 - sum % 10) % 10)
    }

    /// True for a nine-digit routing number whose last digit is its check digit.
    public static func isValid(_ routing: String) -> Bool {
        let bytes = Array(routing.utf8)
        guard bytes.count == 9, let check = checkDigit(forFirstEight: bytes[0..<8]) else { return false }
        return bytes[8] == 0x30 + check
    }
}
