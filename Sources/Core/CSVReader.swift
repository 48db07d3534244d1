/// Options of an RFC 4180 reader: the delimiter and quote bytes, and how field text is decoded.
public struct CSVOptions: Sendable, Equatable {
    public var delimiter: UInt8
    public var quote: UInt8
    public var encoding: TextEncoding

    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\""), encoding: TextEncoding = .utf8) {
        self.delimiter = delimiter
        self.quote = quote
        self.encoding = encoding
    }
}

/// One CSV record: its fields as byte ranges of a reused buffer, with the line it started on.
public struct CSVRecord: Sendable {
    public internal(set) var line = 0
    public internal(set) var byteOffset = 0
    /// A quoted field ran to the end of the input without its closing quote.
    public internal(set) var hasUnterminatedQuote = false
    var storage: [UInt8] = []
    var fieldEnds: [Int] = []
    var encoding: TextEncoding = .utf8

    public init() {
        storage.reserveCapacity(256)
        fieldEnds.reserveCapacity(32)
    }

    public var count: Int { fieldEnds.count }

    /// A line with nothing on it (one empty field).
    public var isBlank: Bool { fieldEnds.count == 1 && fieldEnds[0] == 0 }

    public func bytes(_ index: Int) -> ArraySlice<UInt8> {
        let start = index == 0 ? 0 : fieldEnds[index - 1]
        return storage[start..<fieldEnds[index]]
    }

    /// The field's text, decoded; "" past the end of a short row.
    public subscript(index: Int) -> String {
        guard index >= 0, index < fieldEnds.count else { return "" }
        return encoding.decode(bytes(index))
    }

    public var fields: [String] { (0..<count).map { self[$0] } }

    /// The field's bytes without surrounding spaces and tabs; empty past the end of a short row.
    public func trimmedBytes(_ index: Int) -> ArraySlice<UInt8> {
        guard index >= 0, index < fieldEnds.count else { return [] }
        var slice = bytes(index)
        while let f = slice.first, f == 0x20 || f == 0x09 { slice = slice.dropFirst() }
        while let l = slice.last, l == 0x20 || l == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// The field's text without surrounding spaces, decoded.
    public func trimmed(_ index: Int) -> String { encoding.decode(trimmedBytes(index)) }
}

/// An RFC 4180 reader over bytes, streaming: quoted fields, doubled quotes, line breaks inside quotes,
/// CR LF, LF or bare CR record ends, a UTF-8 byte order mark, any one-byte delimiter.
///
/// Lenient where real files are: a quote inside an unquoted field is kept as text, text after a closing
/// quote is appended to the field, and an unterminated quote ends at the end of the input (flagged on the record).
public struct CSVReader<Source: ByteSource> {
    private var source: Source
    private let options: CSVOptions
    private var buffer: [UInt8]
    private var position = 0
    private var available = 0
    private var consumedBeforeBuffer = 0
    private var atEnd = false
    private var line = 1
    private var started = false

    public init(source: Source, options: CSVOptions = CSVOptions(), bufferSize: Int = 1 << 16) {
        self.source = source
        self.options = options
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    private mutating func refill() throws(InputError) -> Bool {
        guard !atEnd else { return false }
        consumedBeforeBuffer += available
        position = 0
        var chunk = buffer
        buffer = []
        defer { buffer = chunk }
        available = try source.read(into: &chunk, upTo: chunk.count)
        if available == 0 { atEnd = true; return false }
        return true
    }

    @inline(__always) private mutating func peekByte() throws(InputError) -> UInt8? {
        if position >= available, !(try refill()) { return nil }
        return buffer[position]
    }

    /// Reads the next record into `record`; false at the end of the input.
    public mutating func next(into record: inout CSVRecord) throws(InputError) -> Bool {
        if !started {
            started = true
            // Skip a UTF-8 byte order mark.
            if try peekByte() == 0xEF {
                let saved = position
                position += 1
                if try peekByte() == 0xBB {
                    position += 1
                    if try peekByte() == 0xBF { position += 1 } else { position = saved }
                } else { position = saved }
            }
        }
        guard try peekByte() != nil else { return false }
        record.storage.removeAll(keepingCapacity: true)
        record.fieldEnds.removeAll(keepingCapacity: true)
        record.line = line
        record.byteOffset = consumedBeforeBuffer + position
        record.hasUnterminatedQuote = false
        record.encoding = options.encoding
        let delimiter = options.delimiter
        let quote = options.quote
        var inQuotes = false
        var fieldStart = true
        while true {
            if position >= available, !(try refill()) {
                if inQuotes { record.hasUnterminatedQuote = true }
                record.fieldEnds.append(record.storage.count)
                return true
            }
            let b = buffer[position]
            position += 1
            if inQuotes {
                if b == quote {
                    if try peekByte() == quote {
                        position += 1
                        record.storage.append(quote)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == 0x0A { line += 1 } else if b == 0x0D, try peekByte() != 0x0A { line += 1 }
                    record.storage.append(b)
                }
                continue
            }
            if b == delimiter {
                record.fieldEnds.append(record.storage.count)
                fieldStart = true
                continue
            }
            if b == 0x0A || b == 0x0D {
                if b == 0x0D, try peekByte() == 0x0A { position += 1 }
                line += 1
                record.fieldEnds.append(record.storage.count)
                return true
            }
            if b == quote && fieldStart {
                inQuotes = true
                fieldStart = false
                continue
            }
            fieldStart = false
            record.storage.append(b)
        }
    }
}
