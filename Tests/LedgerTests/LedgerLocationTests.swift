@testable import Ledger
import Testing

/// A ledger is a file or a PostgreSQL URL; a URL with a password is refused and a URL is printed redacted to host,
/// database and service.
@Suite struct LedgerLocationTests {
    @Test func filesStayFiles() throws {
        #expect(try LedgerLocation.parse("var/ledger.sqlite") == .file("var/ledger.sqlite"))
        #expect(try LedgerLocation.parse("/srv/postgresql/ledger.sqlite") == .file("/srv/postgresql/ledger.sqlite"))
    }

    @Test func urlsAreParsedAndRedacted() throws {
        let a = try LedgerLocation.parse("postgresql://settle@db.internal/finance")
        #expect(a == .postgresql(.init(user: "settle", host: "db.internal", database: "finance", service: "")))
        #expect(a.redacted == "postgresql://db.internal/finance")
        let b = try LedgerLocation.parse("postgresql:///finance?service=settle&sslmode=verify-full")
        #expect(b.redacted == "postgresql:///finance?service=settle")
        #expect(try LedgerLocation.parse("POSTGRES://db:5432/x").redacted == "postgresql://db:5432/x")
    }

    @Test func aPasswordIsRefusedWithoutRepeatingIt() {
        for url in ["postgresql://settle:s3cret@db.internal/finance", "postgresql://db.internal/finance?password=s3cret", "postgres://u:s3cret@h/d?service=x"] {
            #expect(throws: LedgerLocation.Refusal.self) { try LedgerLocation.parse(url) }
            do {
                _ = try LedgerLocation.parse(url)
            } catch {
                #expect(!error.description.contains("s3cret") && error.description.contains("PGPASSWORD"))
            }
        }
    }

    @Test func aRemoteHostIsVerifiedUnlessTheURLSaysOtherwise() throws {
        func conninfo(_ url: String) throws -> String {
            guard case let .postgresql(address) = try LedgerLocation.parse(url) else { throw LedgerLocation.Refusal(description: "not a URL") }
            return address.conninfo
        }
        #expect(try conninfo("postgresql://settle@db.internal/finance") == "postgresql://settle@db.internal/finance?sslmode=verify-full")
        #expect(try conninfo("postgresql://db.internal/finance?service=s") == "postgresql://db.internal/finance?service=s&sslmode=verify-full")
        #expect(try conninfo("postgresql:///finance?host=db.internal") == "postgresql:///finance?host=db.internal&sslmode=verify-full")
        #expect(try conninfo("postgresql://db.internal/finance?sslmode=require") == "postgresql://db.internal/finance?sslmode=require")
        // A remote IPv6 host is remote (its first colon is not a port's).
        #expect(try conninfo("postgresql://[2001:db8::1]:5432/finance") == "postgresql://[2001:db8::1]:5432/finance?sslmode=verify-full")
        for local in ["postgresql:///finance", "postgresql://localhost/finance", "postgresql://127.0.0.1:5433/f",
                      "postgresql:///f?host=/tmp/pg", "postgresql:///f?host=%2Ftmp%2Fpg", "postgresql://[::1]/f",
                      "postgresql://[::1]:5433/f", "postgresql://localhost:5433/f"] {
            #expect(try conninfo(local) == local)
        }
        #expect(try LedgerLocation.parse("postgresql:///settle_test?host=/tmp/pg&user=postgres").redacted == "postgresql:///settle_test?host=/tmp/pg")
        #expect(try LedgerLocation.parse("postgresql:///f?host=%2Ftmp%2Fpg").redacted == "postgresql:///f?host=/tmp/pg")
    }
}
