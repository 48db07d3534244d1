import Core
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a NACHA file into its 94-character records, whatever the line breaks: CR LF, LF, CR, or none at all
/// (records back to back). Short lines are padded with spaces; blank lines are skipped; an over-long line is cut
/// at 94 and reported. Streams through one buffer; a record is handed out as a pointer into it, valid until the
/// next call, so the common record costs no copy.
struct NACHARecordScanner<Source: ByteSource> {
    static var recordLength: Int { 94 }

    private final class Storage {
        let buffer: UnsafeMutablePointer<UInt8>
        let capacity: Int
        let scratch: UnsafeMutablePointer<UInt8>
        init(capacity: Int) {
            self.capacity = capacity
            buffer = .allocate(capacity: capacity)
            scratch = .allocate(capacity: 94)
        }
        deinit {
            buffer.deallocate()
            scratch.deallocate()
        }
    }

    private var source: Source
    private let storage: Storage
    private var position = 0
    private var available = 0
    private var consumedBeforeBuffer = 0
    private var atEnd = false
    private var modeDecided = false
    private var lineMode = true

    /// 1-based line (or, without line breaks, record number) of the current record.
    private(set) var line = 0
    private(set) var byteOffset = 0
    /// Length of the current record as found (in characters), before padding or cutting.
    private(set) var foundLength = 94
    /// What lies past position 94 of the current line is only spaces.
    private(set) var overflowIsBlank = true
    /// The line held multi-byte UTF-8 characters, each replaced by '?' to keep the columns.
    private(set) var hadMultibyteCharacters = false
    private(set) var physicalRecordCount = 0
    /// Without line breaks: the bytes of a last, partial record (the file is not a multiple of 94).
    private(set) var trailingFixedLengthBytes = 0
    /// The current record is known to be printable ASCII (checked on the fast path).
    private(set) var isPrintable = false

    init(source: Source, bufferSize: Int = 1 << 18) {
        self.source = source
        storage = Storage(capacity: max(bufferSize, 4096))
    }

    private mutating func refill() throws(InputError) -> Bool {
        guard !atEnd else { return false }
        let remaining = available - position
        if remaining > 0 && position > 0 {
            memmove(storage.buffer, storage.buffer + position, remaining)
        }
        consumedBeforeBuffer += position
        position = 0
        available = remaining
        let room = UnsafeMutableRawBufferPointer(start: storage.buffer + available, count: storage.capacity - available)
        guard room.count > 0 else { return false }
        let n = try source.read(into: room)
        if n == 0 { atEnd = true; return false }
        available += n
        return true
    }

    @inline(__always)
    private mutating func ensure(_ count: Int) throws(InputError) -> Bool {
        while available - position < count {
            if !(try refill()) { return available - position >= count }
        }
        return true
    }

    /// The next record, 94 bytes; nil at the end of the input.
    mutating func next() throws(InputError) -> UnsafeBufferPointer<UInt8>? {
        if !modeDecided {
            modeDecided = true
            _ = try ensure(400)
            let window = min(available - position, 96)
            var sawBreak = false
            for i in 0..<window where storage.buffer[position + i] == 0x0A || storage.buffer[position + i] == 0x0D { sawBreak = true; break }
            lineMode = sawBreak || available - position <= 96
        }
        return lineMode ? try nextLine() : try nextFixed()
    }

    private mutating func nextFixed() throws(InputError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            guard try ensure(1) else { return nil }
            line += 1
            byteOffset = consumedBeforeBuffer + position
            let have = try ensure(94) ? 94 : available - position
            foundLength = have
            overflowIsBlank = true
            hadMultibyteCharacters = false
            isPrintable = false
            let start = storage.buffer + position
            position += have
            var blank = true
            for i in 0..<have where !(start[i] == 0x20 || start[i] == 0x0A || start[i] == 0x0D || start[i] == 0) { blank = false; break }
            if blank { continue }
            if have < 94 { trailingFixedLengthBytes = have }
            physicalRecordCount += 1
            if have == 94 { return UnsafeBufferPointer(start: start, count: 94) }
            storage.scratch.update(from: start, count: have)
            (storage.scratch + have).update(repeating: 0x20, count: 94 - have)
            return UnsafeBufferPointer(start: storage.scratch, count: 94)
        }
    }

    private mutating func nextLine() throws(InputError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            guard try ensure(1) else { return nil }
            _ = try ensure(96)
            line += 1
            byteOffset = consumedBeforeBuffer + position
            overflowIsBlank = true
            hadMultibyteCharacters = false
            isPrintable = false
            let start = storage.buffer + position
            // The common case: 94 characters then LF or CR LF.
            if available - position >= 95 {
                let terminator = start[94]
                if terminator == 0x0A || (terminator == 0x0D && (available - position == 95 || start[95] == 0x0A)) {
                    // Printable ASCII throughout also means no line break inside: the record is whole.
                    if ByteScanning.isPrintableASCII(UnsafeBufferPointer(start: start, count: 94)) {
                        isPrintable = true
                        position += terminator == 0x0D && available - position > 95 ? 96 : 95
                        foundLength = 94
                        physicalRecordCount += 1
                        return UnsafeBufferPointer(start: start, count: 94)
                    }
                }
            }
            // Any other line: find its end (refilling for long lines), then pad, cut or re-map into scratch.
            var length = 0
            while true {
                while position + length < available {
                    let b = storage.buffer[position + length]
                    if b == 0x0A || b == 0x0D { break }
                    length += 1
                }
                if position + length < available || atEnd { break }
                if available - position >= storage.capacity { break } // a line as long as the buffer: cut it here
                if !(try refill()) { break }
            }
            let lineStart = storage.buffer + position
            var isBlank = true
            for i in 0..<length where lineStart[i] != 0x20 { isBlank = false; break }
            if !isBlank {
                var out = 0
                var characters = 0
                var i = 0
                while i < length {
                    var b = lineStart[i]
                    i += 1
                    if b >= 0xC0 {
                        // A UTF-8 lead byte and its continuation bytes count as one character.
                        while i < length, lineStart[i] & 0xC0 == 0x80 { i += 1 }
                        hadMultibyteCharacters = true
                        b = UInt8(ascii: "?")
                    }
                    if out < 94 { storage.scratch[out] = b; out += 1 } else if b != 0x20 { overflowIsBlank = false }
                    characters += 1
                }
                foundLength = characters
                if out < 94 { (storage.scratch + out).update(repeating: 0x20, count: 94 - out) }
            }
            position += length
            if try ensure(1), storage.buffer[position] == 0x0D { position += 1 }
            if try ensure(1), storage.buffer[position] == 0x0A { position += 1 }
            if isBlank { continue }
            physicalRecordCount += 1
            return UnsafeBufferPointer(start: storage.scratch, count: 94)
        }
    }
}
