import Core
import Foundation

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
