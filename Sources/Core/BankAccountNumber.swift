/// A bank account number as identities compare it, whatever format wrote it.
public enum BankAccountNumber {
    /// Letters upper-case, separators (spaces, dashes, dots, slashes) dropped: NACHA's space-padded DFI account, a BAI2
    /// 03 record, an IBAN printed in groups and a bank CSV's account column name one account alike.
    public static func normalized(_ account: String) -> String {
        String(String.UnicodeScalarView(account.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
    }
}
