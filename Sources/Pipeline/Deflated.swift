internal import CZlib
import Foundation

/// Bytes kept compressed in memory or in the ledger (zlib, level 1: NACHA text shrinks about tenfold at some 200 MB/s),
/// with their length in front, so they come back whole.
enum Deflated {
    /// The length (8 bytes, little-endian) and the zlib stream.
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var bound = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: 8 + Int(bound))
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { out.replaceSubrange(0..<8, with: $0) }
        let rc = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return Z_BUF_ERROR }
            return bytes.withUnsafeBufferPointer { compress2(base + 8, &bound, $0.baseAddress, uLong(bytes.count), 1) }
        }
        precondition(rc == Z_OK, "zlib refused to compress \(bytes.count) bytes")
        out.removeLast(out.count - 8 - Int(bound))
        return out
    }

    /// What `compress` made, whole again; nil for bytes it did not make.
    static func decompress(_ data: [UInt8]) -> [UInt8]? {
        guard data.count >= 8 else { return nil }
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length < 1 << 34 else { return nil }
        var size = uLong(length)
        var out = [UInt8](repeating: 0, count: Int(length))
        let rc = out.withUnsafeMutableBufferPointer { buffer in
            data.withUnsafeBufferPointer { uncompress(buffer.baseAddress, &size, $0.baseAddress.map { $0 + 8 }, uLong(data.count - 8)) }
        }
        guard rc == Z_OK, size == uLong(length) else { return nil }
        return out
    }
}
