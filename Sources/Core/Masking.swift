/// Account numbers as reports, logs, exceptions and error messages show them: the last four characters behind four
/// bullets (`••••6789`), never the whole number. One rule for every place that prints an account.
public enum Masking {
    /// The number trimmed, its last four characters behind `••••`; a number of four characters or fewer as it is.
    public static func account(_ number: String) -> String {
        let trimmed = ByteScanning.trimmed(number)
        guard trimmed.count > 4 else { return trimmed }
        return String(repeating: "•", count: 4) + trimmed.suffix(4)
    }
}
