@testable import Matching
import Testing

/// One normal form for purchase-order numbers, whichever way (the numeric fast path or the general one) they are read.
@Suite struct PurchaseOrderNumberTests {
    @Test(arguments: ["PO-7790", "po 007790", "7790", "P.O. #7790", "PO NO 7790", "PONO7790", "0007790", "PO#7790", " 7790 "])
    func writingsOfOneOrderShareItsKey(written: String) {
        #expect(PurchaseOrderNumber.key(written) == .number(7790))
    }

    @Test func lettersAndLongNumbersKeepTheirForm() {
        #expect(PurchaseOrderNumber.key("BR-2231") == .text("BR2231"))
        #expect(PurchaseOrderNumber.key("br 2231") == .text("BR2231"))
        #expect(PurchaseOrderNumber.key("POLAR1") == .text("POLAR1"))
        #expect(PurchaseOrderNumber.key("PO 7790A") == PurchaseOrderNumber.key("7790a"))
        #expect(PurchaseOrderNumber.key("P7790") == .text("P7790"))
        #expect(PurchaseOrderNumber.key("PO-0") == .number(0))
        #expect(PurchaseOrderNumber.key("1234567890123456789") == .text("1234567890123456789"))
        #expect(PurchaseOrderNumber.key("PO-1234567890123456789") == .text("1234567890123456789"))
        #expect(PurchaseOrderNumber.key("") == nil && PurchaseOrderNumber.key("--") == nil)
    }

    @Test func markersInText() {
        func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }
        #expect(PurchaseOrderNumber.marker(in: words("WIRE PO 7790"), at: 1) == .order(numbers: 2))
        #expect(PurchaseOrderNumber.marker(in: words("P O 7790"), at: 0) == .order(numbers: 2))
        #expect(PurchaseOrderNumber.marker(in: words("po number 7790"), at: 0) == .order(numbers: 2))
        #expect(PurchaseOrderNumber.marker(in: words("PO-7790"), at: 0) == .joined)
        #expect(PurchaseOrderNumber.marker(in: words("PO BOX 12 DALLAS"), at: 0) == .box(next: 3))
        #expect(PurchaseOrderNumber.marker(in: words("POLAR 12"), at: 0) == nil)
        #expect(PurchaseOrderNumber.marker(in: words("PO"), at: 0) == nil)
    }
}
