import Core

/// Splits a NACHA file into its 94-character records, whatever the line breaks: CR LF, LF, CR, or none at all
/// (records back to back). Short lines are padded with spaces; blank lines are skipped; an over-long line is cut
/// at 94 and reported. Streams: one buffer of `bufferSize` bytes, never the whole file.
struct NACHARecordScanner<Source: ByteSource> {
    static var recordLength: Int { 94 }

    private var source: Source
    private var buffer: [UInt8]
    private var position = 0
    private var available = 0
    private var consumedBeforeBuffer = 0
    private var atEnd = false
    private var modeDecided = false
    private var lineMode = true

    /// The current record, always 94 bytes.
    private(set) var record = [UInt8](repeating: 0x20, count: 94)
    /// 1-based line (or, without line breaks, record number) of the current record.
    private(set) var line = 0
    private(set) var byteOffset = 0
    /// Length of the current record as found, before padding or cutting.
    private(set) var foundLength = 0
    private(set) var physicalRecordCount = 0
    private(set) var lineBreaksFound = false

    init(source: Source, bufferSize: Int = 1 << 18) {
        self.source = source
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    private mutating func refill() throws(InputError) -> Bool {
        guard !atEnd else { return false }
        // Keep unread bytes at the front, then fill the rest.
        let remaining = available - position
        var chunk = buffer
        buffer = []
        defer { buffer = chunk }
        if remaining > 0 && position > 0 {
            chunk.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + position, byteCount: remaining)
            }
        }
        consumedBeforeBuffer += position
        position = 0
        available = remaining
        let n = try readInto(&chunk, from: remaining)
        if n == 0 { atEnd = true; return false }
        available += n
        return true
    }

    private mutating func readInto(_ chunk: inout [UInt8], from offset: Int) throws(InputError) -> Int {
        var result: Result<Int, InputError> = .success(0)
        chunk.withUnsafeMutableBytes { raw in
            do throws(InputError) {
                result = .success(try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[offset...])))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Makes at least `count` bytes available from `position` if the input has them.
    @inline(__always)
    private mutating func ensure(_ count: Int) throws(InputError) -> Bool {
        while available - position < count {
            if !(try refill()) { return available - position >= count }
        }
        return true
    }

    /// Advances to the next record; false at the end of the input.
    mutating func next() throws(InputError) -> Bool {
        if !modeDecided {
            modeDecided = true
            _ = try ensure(400)
            // Line mode when a line break appears within the first record's reach.
            let window = min(available - position, 96)
            lineMode = buffer[position..<position + window].contains { $0 == 0x0A || $0 == 0x0D } || available - position <= 96
            lineBreaksFound = buffer[position..<available].contains { $0 == 0x0A || $0 == 0x0D }
        }
        while true {
            guard try ensure(1) else { return false }
            if lineMode {
                _ = try ensure(Self.recordLength + 2)
                // Find the end of the line, refilling for very long lines.
                var length = 0
                while true {
                    while position + length < available, buffer[position + length] != 0x0A, buffer[position + length] != 0x0D { length += 1 }
                    if position + length < available || atEnd { break }
                    if !(try refill()) { break }
                }
                line += 1
                let isBlank = buffer[position..<position + length].allSatisfy { $0 == 0x20 }
                if !isBlank {
                    byteOffset = consumedBeforeBuffer + position
                    foundLength = length
                    let copyLength = min(length, Self.recordLength)
                    for i in 0..<copyLength { record[i] = buffer[position + i] }
                    for i in copyLength..<Self.recordLength { record[i] = 0x20 }
                }
                position += length
                // One line break: CR LF, LF or CR.
                if try ensure(1), buffer[position] == 0x0D {
                    position += 1
                    lineBreaksFound = true
                }
                if try ensure(1), buffer[position] == 0x0A {
                    position += 1
                    lineBreaksFound = true
                }
                if isBlank { continue }
                physicalRecordCount += 1
                return true
            } else {
                line += 1
                byteOffset = consumedBeforeBuffer + position
                let have = try ensure(Self.recordLength) ? Self.recordLength : available - position
                foundLength = have
                for i in 0..<have { record[i] = buffer[position + i] }
                for i in have..<Self.recordLength { record[i] = 0x20 }
                position += have
                if have == 0 { return false }
                if record.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) { continue }
                physicalRecordCount += 1
                return true
            }
        }
    }
}
