internal import CCrypto

/// SHA-256 (FIPS 180-4), incremental, computed by the system's libcrypto (which uses the CPU's SHA
/// instructions: about 8x the portable code this replaced). Identifies input files by content and derives
/// stable ids.
public struct SHA256: Sendable {
    private var context = SHA256_CTX()

    public init() { settle_sha256_init(&context) }

    public mutating func update(_ bytes: some Collection<UInt8>) {
        if let done = bytes.withContiguousStorageIfAvailable({ update(buffer: $0) }) { return done }
        let copy = Array(bytes)
        copy.withUnsafeBufferPointer { update(buffer: $0) }
    }

    public mutating func update(buffer: UnsafeBufferPointer<UInt8>) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        settle_sha256_update(&context, base, buffer.count)
    }

    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(buffer: $0) }
    }

    /// The digest; the hasher is spent (a copy taken before may go on).
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            settle_sha256_final(&context, buffer.baseAddress)
            count = 32
        }
    }

    public static func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    public static func hex(_ bytes: some Collection<UInt8>) -> String { Hex.encode(hash(bytes)) }
    public static func hex(_ text: String) -> String {
        var h = SHA256()
        h.update(text)
        return Hex.encode(h.finalize())
    }
}

public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Short ids derived from content (never from time or order), so reruns give the same ids.
public enum ContentID {
    public static func make(prefix: String, _ parts: String...) -> String {
        prefix + String(SHA256.hex(parts.joined(separator: "\u{1F}")).prefix(16))
    }
}
