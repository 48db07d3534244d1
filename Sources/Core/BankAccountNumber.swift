/// A bank account number as identities compare it, whatever format wrote it.
public enum BankAccountNumber {
    /// Letters upper-case, separators (spaces, dashes, dots, slashes) dropped: NACHA's space-padded DFI account, a BAI2
    /// 03 record, an IBAN printed in groups and a bank CSV's account column name one account alike. It is asked for
    /// every statement line and receipt several times a day: an ASCII number is read off its bytes (and returned as it
    /// is when it is already normal, the common case), never through Unicode properties.
    public static func normalized(_ account: String) -> String {
        var utf8 = account.utf8
        if let fast = utf8.withContiguousStorageIfAvailable({ normalizedASCII($0, original: account) }) ?? nil { return fast }
        var copy = account
        copy.makeContiguousUTF8()
        utf8 = copy.utf8
        if let fast = utf8.withContiguousStorageIfAvailable({ normalizedASCII($0, original: account) }) ?? nil { return fast }
        return String(String.UnicodeScalarView(account.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }

    /// The normal form of ASCII bytes (nil when there is a byte past ASCII): digits and upper-case letters kept, lower-case
    /// letters raised, everything else dropped.
    private static func normalizedASCII(_ bytes: UnsafeBufferPointer<UInt8>, original: String) -> String? {
        var changed = false
        for b in bytes {
            if b >= 0x80 { return nil }
            if !(isDigit(b) || isUpper(b)) { changed = true }
        }
        guard changed else { return original }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if isDigit(b) || isUpper(b) { out.append(b) } else if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { out.append(b - 32) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always) private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    @inline(__always) private static func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
}
