internal import CZlib
import Foundation

/// Bytes kept compressed in memory or in the ledger (zlib, level 1: NACHA text shrinks about tenfold at some 200 MB/s),
/// with their length in front, so they come back whole.
enum Deflated {
    /// The length (8 bytes, little-endian) and the zlib stream.
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        // The buffer is as large as zlib's bound but left unwritten past what zlib writes, so the pages it never
        // touches (nine tenths of them for NACHA text) cost no memory.
        var rc = Z_OK
        let out = [UInt8](unsafeUninitializedCapacity: 8 + Int(compressBound(uLong(bytes.count)))) { buffer, count in
            guard let base = buffer.baseAddress else { rc = Z_BUF_ERROR; return }
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { for i in 0..<8 { base[i] = $0[i] } }
            var size = uLong(buffer.count - 8)
            rc = bytes.withUnsafeBufferPointer { compress2(base + 8, &size, $0.baseAddress, uLong(bytes.count), 1) }
            count = rc == Z_OK ? 8 + Int(size) : 0
        }
        precondition(rc == Z_OK, "zlib refused to compress \(bytes.count) bytes")
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
