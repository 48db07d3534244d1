internal import CZlib
import Core

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
