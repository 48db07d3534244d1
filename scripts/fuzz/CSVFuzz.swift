import Foundation

// libFuzzer entry point for the bank CSV reader through profiles of every shape: any bytes, no trap.
// Built by scripts/fuzz.sh together with the Core and Statements sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    for profile in fuzzProfiles {
        let csv = BankCSVReader(profile: profile).read(source: MemoryByteSource(bytes), fileName: "fuzz.csv", account: "1", currency: .usd)
        for line in csv.lines { _ = line.amount.minorUnits }
    }
    return 0
}

/// Profiles of every shape: signed amount with a header, debit/credit columns, direction column, UTF-16 and Latin-1.
let fuzzProfiles: [BankProfile] = {
    let shapes = [
        #"{"columns": {"date": "Date", "amount": "Amount", "description": "Memo"}, "date_format": "MM/DD/YYYY"}"#,
        #"{"header": false, "skip_rows": 1, "delimiter": ";", "encoding": "latin-1", "decimal": "comma", "columns": {"date": 1, "debit": 2, "credit": 3}, "date_format": "DD.MM.YYYY"}"#,
        #"{"encoding": "utf-16le", "columns": {"date": "D", "amount": "A", "direction": "T"}, "credit_values": ["C"], "debit_values": ["D"], "date_format": "YYYYMMDD"}"#,
        #"{"encoding": "windows-1252", "columns": {"date": "Date", "amount": 3, "balance": "Balance", "currency": "Ccy"}, "balance_is": "before", "date_format": "DD-MMM-YYYY", "skip_when": {"column": "State", "equals": ["", "PENDING"]}}"#,
        #"{"delimiter": "tab", "columns": {"date": "Date", "debit": "Out", "credit": "In", "balance": "Balance", "description": ["A", "B"]}, "date_format": "DD-MM-YYYY", "invert_sign": true}"#,
    ]
    return shapes.enumerated().map { i, json in
        let path = "/tmp/settle-fuzz-profile-\(i).json"
        try! json.write(toFile: path, atomically: true, encoding: .utf8)
        return try! BankProfile.load(path: path)
    }
}()
