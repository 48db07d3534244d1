#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something bytes are read from a piece at a time: a file, a gzip stream, memory.
/// Parsers pull through it so memory does not grow with the input.
public protocol ByteSource {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}

/// Why an input could not be read at all (as opposed to a `Diagnostic` about its content).
public struct InputError: Error, Sendable, CustomStringConvertible, Equatable {
    public let path: String
    public let message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// Reads a file with POSIX `read(2)`; the descriptor closes with the last copy.
public struct FileByteSource: ByteSource {
    private final class Descriptor {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }
    }

    private let descriptor: Descriptor
    public let path: String

    public init(path: String) throws(InputError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw InputError(path: path, message: String(cString: strerror(errno))) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw InputError(path: path, message: "is a directory, not a file")
        }
        descriptor = Descriptor(fd: fd)
        self.path = path
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        // Blocking work whose task was cancelled stops at its next read.
        if let flag = CancellationFlag.current, flag.isCancelled { throw InputError(path: path, message: "cancelled") }
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(descriptor.fd, buffer.baseAddress, buffer.count)
            #else
            let n = Darwin.read(descriptor.fd, buffer.baseAddress, buffer.count)
            #endif
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw InputError(path: path, message: String(cString: strerror(errno)))
        }
    }
}

/// Bytes already in memory (tests, fuzzing, small inputs).
public struct MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { bytes = Array(text.utf8) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            guard let target = buffer.baseAddress, let from = source.baseAddress else { return }
            target.copyMemory(from: from + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

extension ByteSource {
    /// Reads into the first `count` bytes of `array` (the array must not be part of this source).
    public mutating func read(into array: inout [UInt8], upTo count: Int) throws(InputError) -> Int {
        var result: Result<Int, InputError> = .success(0)
        array.withUnsafeMutableBytes { raw in
            do throws(InputError) {
                result = .success(try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(count, raw.count)])))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
    }

    /// Everything that is left, for inputs known to be small (master data, fixtures). Capped.
    public mutating func readAll(limitBytes: Int = 1 << 30, path: String = "") throws(InputError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try read(into: &chunk, upTo: chunk.count)
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limitBytes { throw InputError(path: path, message: "larger than \(limitBytes) bytes") }
        }
        return out
    }
}
