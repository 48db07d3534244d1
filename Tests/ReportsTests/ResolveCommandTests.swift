import Accounting
import Core
import Matching
@testable import Reports
import Testing

/// The commands the worklist offers are ones `settle exceptions resolve` takes for the exception's type
/// (`ReviewRules.accepted`), every one it takes, and an `OVER_PAY` never offers the invoice an earlier payment closed.
@Suite struct ResolveCommandTests {
    @Test func everyOfferedCommandIsOneTheTypeAccepts() {
        for type in ExceptionType.allCases {
            let e = MatchException(type: type, about: "k", customerID: "C1", amount: Money(minorUnits: 1_000, currency: .usd), invoiceIDs: ["INV-1"], message: "m")
            let accepted = Set(ReviewRules.accepted(by: type.rawValue).map { "--\($0.rawValue)" })
            var offered = Set<String>()
            for command in HTMLReport.resolveCommands(e, ledger: "l.sqlite") {
                let flag = command.split(separator: " ").map(String.init).first { f in accepted.contains(f) || ["--apply", "--write-off", "--unapplied", "--refund", "--ignore", "--post-to", "--settled-by", "--reverse"].contains(f) }
                #expect(flag.map { accepted.contains($0) } == true, "\(type.rawValue): \(command)")
                if let flag { offered.insert(flag) }
            }
            // And every decision the type takes is offered: a reviewer never has to know one the page leaves out.
            #expect(offered == accepted, "\(type.rawValue)")
        }
    }

    @Test func anOverPayNeverOffersTheInvoiceItsRemittanceNamed() {
        let e = MatchException(type: .overPay, about: "k", customerID: "C6", amount: Money(minorUnits: 15_000, currency: .usd), invoiceIDs: ["INV-10022"], message: "m")
        let commands = HTMLReport.resolveCommands(e, ledger: "l.sqlite")
        #expect(!commands.contains { $0.contains("INV-10022") })
        #expect(commands.contains { $0.contains("--apply INVOICE=AMOUNT") })
    }

    /// The ledger's path in a command is one shell word: as it is when plain (letters of any script too), quoted else.
    @Test func aLedgerPathIsOneShellWord() {
        #expect(HTMLReport.shellQuoted("/srv/settle/var/ledger.sqlite") == "/srv/settle/var/ledger.sqlite")
        #expect(HTMLReport.shellQuoted("/srv/comptabilité/ledger.sqlite") == "/srv/comptabilité/ledger.sqlite")
        #expect(HTMLReport.shellQuoted("/srv/my books/ledger.sqlite") == "'/srv/my books/ledger.sqlite'")
        #expect(HTMLReport.shellQuoted("/srv/o'brien/l.sqlite") == "'/srv/o'\\''brien/l.sqlite'")
        #expect(HTMLReport.shellQuoted("/srv/a→b/l.sqlite") == "'/srv/a→b/l.sqlite'")
        #expect(HTMLReport.shellQuoted("$(rm -rf x)") == "'$(rm -rf x)'")
    }
}
