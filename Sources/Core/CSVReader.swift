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
    /// A field had spaces before its opening quote (`a, "b"`): not a quoted field in RFC 4180, so it is read as
    /// written, quotes included — usually a writer's bug that the reader of the file should hear about.
    public internal(set) var hasSpaceBeforeQuote = false
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
    /// The read buffer: one allocation for the reader's life, scanned through a pointer.
    private final class Buffer {
        let bytes: UnsafeMutableBufferPointer<UInt8>
        init(capacity: Int) { bytes = .allocate(capacity: max(capacity, 16)) }
        deinit { bytes.deallocate() }
    }

    private var source: Source
    private let options: CSVOptions
    private let storage: Buffer
    private var position = 0
    private var available = 0
    private var consumedBeforeBuffer = 0
    private var atEnd = false
    private var line = 1
    private var started = false

    public init(source: Source, options: CSVOptions = CSVOptions(), bufferSize: Int = 1 << 16) {
        self.source = source
        self.options = options
        storage = Buffer(capacity: bufferSize)
    }

    private mutating func refill() throws(InputError) -> Bool {
        guard !atEnd else { return false }
        consumedBeforeBuffer += available
        position = 0
        available = try source.read(into: UnsafeMutableRawBufferPointer(storage.bytes))
        if available == 0 { atEnd = true; return false }
        return true
    }

    @inline(__always) private mutating func peekByte() throws(InputError) -> UInt8? {
        if position >= available, !(try refill()) { return nil }
        return storage.bytes[position]
    }

    /// Reads the next record into `record`; false at the end of the input.
    /// Runs of ordinary bytes are found eight bytes at a time and copied in one piece.
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
        record.hasSpaceBeforeQuote = false
        record.encoding = options.encoding
        let delimiter = options.delimiter
        let quote = options.quote
        let bytes = UnsafeBufferPointer(storage.bytes)
        var inQuotes = false
        var fieldStart = true
        while true {
            if position >= available, !(try refill()) {
                if inQuotes { record.hasUnterminatedQuote = true }
                record.fieldEnds.append(record.storage.count)
                return true
            }
            if inQuotes {
                let k = ByteScanning.firstIndex(of: quote, 0x0A, 0x0D, in: bytes, from: position, to: available)
                if k > position { record.storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<k])) }
                position = k
                if k == available { continue }
                let b = bytes[k]
                position += 1
                if b == quote {
                    if try peekByte() == quote {
                        position += 1
                        record.storage.append(quote)
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == 0x0A { line += 1 } else if try peekByte() != 0x0A { line += 1 }
                    record.storage.append(b)
                }
                continue
            }
            if fieldStart {
                if bytes[position] == quote {
                    inQuotes = true
                    fieldStart = false
                    position += 1
                    continue
                }
                if bytes[position] == 0x20 {
                    var i = position
                    while i < available, bytes[i] == 0x20 { i += 1 }
                    if i < available, bytes[i] == quote { record.hasSpaceBeforeQuote = true }
                }
            }
            let k = ByteScanning.firstIndex(of: delimiter, 0x0A, 0x0D, in: bytes, from: position, to: available)
            if k > position {
                record.storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<k]))
                fieldStart = false
            }
            position = k
            if k == available { continue }
            let b = bytes[k]
            position += 1
            if b == delimiter {
                record.fieldEnds.append(record.storage.count)
                fieldStart = true
                continue
            }
            if b == 0x0D, try peekByte() == 0x0A { position += 1 }
            line += 1
            record.fieldEnds.append(record.storage.count)
            return true
        }
    }
}
