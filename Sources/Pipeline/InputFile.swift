internal import CZlib
import Core
import Foundation

/// Reads a gzip stream through zlib, a piece at a time, refusing to expand past a cap (a zip bomb is an error,
/// not a full disk).
public struct GzipByteSource: ByteSource {
    private final class Stream {
        var z = z_stream()
        var initialized = false
        deinit { if initialized { inflateEnd(&z) } }
    }

    private var file: FileByteSource
    private let stream = Stream()
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var inputCount = 0
    private var inputOffset = 0
    private var finished = false
    private var expandedBytes = 0
    public let path: String
    public let limitBytes: Int

    public init(path: String, limitBytes: Int) throws(InputError) {
        file = try FileByteSource(path: path)
        self.path = path
        self.limitBytes = limitBytes
        guard settle_inflate_init_gzip(&stream.z) == Z_OK else { throw InputError(path: path, message: "cannot start gzip decompression") }
        stream.initialized = true
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            if inputOffset >= inputCount {
                inputCount = try file.read(into: &input, upTo: input.count)
                inputOffset = 0
                if inputCount == 0 {
                    finished = true
                    throw InputError(path: path, message: "the gzip stream is truncated")
                }
            }
            let produced: Int
            let rc: Int32
            let available = inputCount - inputOffset
            let offset = inputOffset
            (produced, rc) = input.withUnsafeMutableBufferPointer { inputBuffer -> (Int, Int32) in
                guard let inBase = inputBuffer.baseAddress, let outBase = buffer.baseAddress else { return (0, Z_BUF_ERROR) }
                stream.z.next_in = inBase + offset
                stream.z.avail_in = UInt32(available)
                stream.z.next_out = outBase.assumingMemoryBound(to: UInt8.self)
                stream.z.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
                let rc = inflate(&stream.z, Z_NO_FLUSH)
                return (min(buffer.count, Int(UInt32.max)) - Int(stream.z.avail_out), rc)
            }
            inputOffset = inputCount - Int(stream.z.avail_in)
            expandedBytes += produced
            if expandedBytes > limitBytes {
                finished = true
                throw InputError(path: path, message: "expands to more than \(limitBytes) bytes; refused (raise the limit if the file is genuine)")
            }
            switch rc {
            case Z_STREAM_END:
                // Concatenated gzip members continue; otherwise the end.
                let more = inputOffset < inputCount ? true : try peekMoreInput()
                if more {
                    inflateReset(&stream.z)
                } else {
                    finished = true
                }
                if produced > 0 || finished { return produced }
            case Z_OK, Z_BUF_ERROR:
                if produced > 0 { return produced }
            default:
                finished = true
                let message = stream.z.msg.map { String(cString: $0) } ?? "code \(rc)"
                throw InputError(path: path, message: "not a valid gzip stream (\(message))")
            }
        }
    }

    private mutating func peekMoreInput() throws(InputError) -> Bool {
        inputCount = try file.read(into: &input, upTo: input.count)
        inputOffset = 0
        return inputCount > 0
    }
}

/// Opens an input for reading, through gzip when its name ends in `.gz` or its first bytes are the gzip magic.
public enum InputOpener {
    public static let defaultExpandedLimitBytes = 4 << 30

    public static func isGzip(path: String) -> Bool {
        if path.hasSuffix(".gz") { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 2)
        return head.count == 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B
    }

    /// The name without a `.gz` suffix: what the content is.
    public static func contentName(_ path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
    }

    /// Reads an input whole (small inputs: statements, master data), expanding gzip.
    public static func readAll(path: String, limitBytes: Int = defaultExpandedLimitBytes) throws(InputError) -> [UInt8] {
        if isGzip(path: path) {
            var source = try GzipByteSource(path: path, limitBytes: limitBytes)
            return try source.readAll(limitBytes: limitBytes, path: path)
        }
        var source = try FileByteSource(path: path)
        return try source.readAll(limitBytes: limitBytes, path: path)
    }

    /// The first `count` bytes of an input (expanded when gzip): enough to tell its format, whatever its size.
    public static func head(path: String, count: Int) throws(InputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        func fill<S: ByteSource>(_ source: inout S) throws(InputError) {
            while filled < count {
                var chunk = [UInt8](repeating: 0, count: count - filled)
                let n = try source.read(into: &chunk, upTo: chunk.count)
                if n == 0 { break }
                bytes.replaceSubrange(filled..<(filled + n), with: chunk[0..<n])
                filled += n
            }
        }
        if isGzip(path: path) {
            var source = try GzipByteSource(path: path, limitBytes: count)
            do { try fill(&source) } catch where filled > 0 {} // the cap stops the stream once the head is read
        } else {
            var source = try FileByteSource(path: path)
            try fill(&source)
        }
        return Array(bytes[0..<filled])
    }

    /// SHA-256 and size of the file as stored (compressed bytes when gzip).
    public static func fingerprint(path: String) throws(InputError) -> (sha256: String, sizeBytes: Int64) {
        try fingerprint(source: try FileByteSource(path: path))
    }

    /// SHA-256 and size of what a source gives (an archive's content, read through its gzip).
    public static func fingerprint(source: some ByteSource) throws(InputError) -> (sha256: String, sizeBytes: Int64) {
        var source = source
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let n = try source.read(into: &chunk, upTo: chunk.count)
            if n == 0 { break }
            size += Int64(n)
            chunk.withUnsafeBufferPointer { hasher.update(buffer: UnsafeBufferPointer(rebasing: $0[0..<n])) }
        }
        return (Hex.encode(hasher.finalize()), size)
    }
}
