import Accounting
import Foundation
@testable import Ledger
import Testing

/// `settle ledger verify` names an open amount past its document's sign: the invoice and both amounts, exit 1.
extension ReviewLoopTests {
    @Test func verifyNamesAnOpenAmountPastItsDocumentsSign() async throws {
        let (_, ledger, _) = try await firstDay()
        #expect(await settle(["ledger", "verify", "--ledger", ledger]).code == 0)
        do {
            let db = try Database(path: ledger)
            try db.execute("UPDATE invoices SET open_minor = -2000 WHERE invoice_id = 'INV-10007'")
        }
        let verify = await settle(["ledger", "verify", "--ledger", ledger])
        #expect(verify.code == 1)
        #expect(verify.out.contains("invoice INV-10007: open amount -20.00 USD is not between 0 and 7500.00, its document's amount"), "\(verify.out)")
        #expect(verify.out.contains("DIFFERENCES FOUND"))
    }
}
