internal import CCrypto
import Foundation

/// The key that seals account numbers at rest (CONTRACT: `origination.key_file`, 64 hexadecimal characters, mode
/// 0600): AES-256-GCM through libcrypto. A sealed value is `nonce ‖ ciphertext ‖ tag`, written as hexadecimal text so
/// that both ledgers keep it in a text column.
///
/// The 12-byte nonce is derived from the key, the context and the plaintext (a synthetic nonce): sealing the same
/// number for the same mandate again gives the same bytes, so a rerun rewrites identical rows, and two different
/// numbers never share a nonce. What that reveals is only whether a mandate's number changed, which the ledger's
/// history says anyway. The context (`mandate:<entity>:<id>`) is bound as associated data: a sealed number moved to
/// another mandate's row does not open.
public struct SealingKey: Sendable {
    private let key: [UInt8]
    /// A short name of the key that reveals nothing of it (the first 16 hex digits of SHA-256 over a fixed label and
    /// the key): the ledger keeps it beside sealed values, so a run with another key file is refused by name.
    public let fingerprint: String

    /// A problem with the key file or a sealed value; the message names the file or the row.
    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        public let message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public init(bytes: [UInt8]) throws(Failure) {
        guard bytes.count == 32 else { throw Failure("a sealing key is 32 bytes, not \(bytes.count)") }
        key = bytes
        var hasher = SHA256()
        hasher.update("settle sealing key fingerprint\u{0}")
        hasher.update(bytes)
        fingerprint = String(Hex.encode(hasher.finalize()).prefix(16))
    }

    /// Reads the key file: refused when others may read or write it (anything but owner bits), when it is not 64
    /// hexadecimal characters (a final newline and surrounding spaces are allowed), or when it cannot be read.
    public static func load(path: String) throws(Failure) -> SealingKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Failure("\(path): cannot read the key file (\(String(cString: strerror(errno))))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw Failure("\(path): the key file is mode \(String(status.st_mode & 0o777, radix: 8)); it must be readable by its owner only (chmod 600 \(path))")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure("\(path): cannot read the key file") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count == 64, let bytes = Hex.decode(text) else {
            throw Failure("\(path): the key file must hold 64 hexadecimal characters (a 256-bit key), e.g. made by `openssl rand -hex 32`")
        }
        return try SealingKey(bytes: bytes)
    }

    /// `plaintext` sealed for `context`, as base64 text: the nonce's 16 characters first.
    public func seal(_ plaintext: String, context: String) -> String {
        var text = plaintext
        return text.withUTF8 { seal(bytes: $0, context: context) }
    }

    /// `plaintext` sealed for `context`, as base64 text.
    public func seal(bytes plaintext: UnsafeBufferPointer<UInt8>, context: String) -> String {
        let nonce = self.nonce(plaintext, context: context)
        let aad = Array(context.utf8)
        // Nonce, ciphertext and tag laid in one buffer (a sealed file is as large as the file).
        var sealed = Data(count: 12 + plaintext.count + 16)
        let ok = sealed.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int32 in
            let bytes = out.bindMemory(to: UInt8.self)
            for i in 0..<12 { bytes[i] = nonce[i] }
            guard let base = bytes.baseAddress else { return 0 }
            return settle_aes256gcm_seal(key, nonce, aad, Int32(aad.count), plaintext.baseAddress, Int32(plaintext.count), base + 12)
        }
        precondition(ok == 1, "libcrypto refused AES-256-GCM")
        return sealed.base64EncodedString()
    }

    /// The first 16 characters of what `seal` makes of `plaintext` for `context` (its nonce), at the cost of one SHA-256:
    /// whether a stored value seals the same plaintext, without sealing it again.
    public func sealedPrefix(_ plaintext: String, context: String) -> String {
        var text = plaintext
        return SealingKey.base64(text.withUTF8 { nonce($0, context: context) })
    }

    /// Base64 of 12 bytes (16 characters, no padding), as `Data.base64EncodedString` writes them.
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static func base64(_ twelve: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(16)
        var i = 0
        while i + 2 < twelve.count {
            let n = UInt32(twelve[i]) << 16 | UInt32(twelve[i + 1]) << 8 | UInt32(twelve[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)]); out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)]); out.append(alphabet[Int(n & 63)])
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func nonce(_ plaintext: UnsafeBufferPointer<UInt8>, context: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update("settle sealing nonce\u{0}")
        hasher.update(key)
        hasher.update(withUnsafeBytes(of: UInt32(context.utf8.count).bigEndian) { Array($0) })
        hasher.update(context)
        hasher.update([0])
        hasher.update(buffer: plaintext)
        return Array(hasher.finalize().prefix(12))
    }

    /// The plaintext of a value `seal` made for the same context; refused when the key, the context or the bytes differ.
    public func open(_ sealedText: String, context: String) throws(Failure) -> String {
        String(decoding: try openBytes(sealedText, context: context), as: UTF8.self)
    }

    public func openBytes(_ sealedText: String, context: String) throws(Failure) -> [UInt8] {
        guard let data = Data(base64Encoded: sealedText), data.count >= 28 else { throw Failure("\(context): the sealed value is not one settle wrote") }
        let bytes = [UInt8](data)
        let nonce = Array(bytes.prefix(12))
        let sealed = Array(bytes.dropFirst(12))
        let aad = Array(context.utf8)
        var plain = [UInt8](repeating: 0, count: sealed.count - 16 + 1)
        guard settle_aes256gcm_open(key, nonce, aad, Int32(aad.count), sealed, Int32(sealed.count), &plain) == 1 else {
            throw Failure("\(context): the sealed value does not open with this key (another key file, or the row was changed)")
        }
        return Array(plain.prefix(sealed.count - 16))
    }
}

extension Hex {
    /// The bytes of hexadecimal text (either case); nil when it is not an even count of hex digits.
    public static func decode(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}
