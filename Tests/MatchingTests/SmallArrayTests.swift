import Core
@testable import Matching
import Testing

@Suite struct SmallArrayTests {
    @Test func holdsWhatAnArrayHoldsAtEverySize() {
        var small = SmallArray<String>()
        var array: [String] = []
        for n in 0..<40 {
            #expect(small.count == array.count && Array(small) == array && small.array == array, "after \(n) appends")
            #expect(small.isEmpty == array.isEmpty && small.first == array.first && small.last == array.last)
            if !array.isEmpty { #expect(small[array.count - 1] == array[array.count - 1] && small.indices == array.indices) }
            small.append("item \(n)")
            array.append("item \(n)")
        }
        small.append(contentsOf: ["x", "y"])
        #expect(small.array == array + ["x", "y"])
    }

    @Test func anElementIsReplacedInPlaceAtEverySize() {
        var one: SmallArray<Int> = [1]
        one[0] = 5
        #expect(one.array == [5])
        var many: SmallArray<Int> = [1, 2, 3]
        let copy = many
        many[1] = 9
        #expect(many.array == [1, 9, 3] && copy.array == [1, 2, 3])
    }

    @Test func equalContentsAreEqualAndHashAlike() {
        let built: SmallArray<Int> = {
            var s = SmallArray<Int>()
            s.append(7)
            return s
        }()
        let literal: SmallArray<Int> = [7]
        #expect(built == literal && built.hashValue == literal.hashValue)
        #expect(SmallArray([1, 2, 3]) == [1, 2, 3] && SmallArray([1, 2, 3]).hashValue == SmallArray([1, 2, 3]).hashValue)
        #expect(SmallArray([1, 2]) != [1, 2, 3] && SmallArray<Int>() != [0] && SmallArray([2]) != [3])
        #expect(Set([SmallArray([1, 2]), SmallArray([1, 2]), SmallArray([2])]).count == 2)
    }

    @Test func aCopyDoesNotSeeTheOriginalsAppends() {
        var a: SmallArray<Int> = [1, 2]
        let b = a
        a.append(3)
        #expect(a.array == [1, 2, 3] && b.array == [1, 2])
        var c: SmallArray<Int> = [1]
        let d = c
        c.append(2)
        #expect(c.array == [1, 2] && d.array == [1])
    }

    /// What callers outside Matching see of a decision's applications: a plain collection, indexed from 0, changed in
    /// place, equal to the same applications however it was built.
    @Test func applicationsAreAPlainCollectionAtEverySize() {
        func application(_ n: Int) -> Application {
            Application(invoiceID: "INV-\(n)", customerID: "C1", applied: Money(minorUnits: Int64(n) * 100, currency: .usd),
                        discount: Money(minorUnits: 0, currency: .usd), writeOff: Money(minorUnits: 0, currency: .usd))
        }
        for size in 0..<4 {
            let list = (0..<size).map(application)
            var applications = Applications()
            for a in list { applications.append(a) }
            #expect(Array(applications) == list && applications.count == size && applications.indices == list.indices)
            #expect(applications == Applications(list) && applications.hashValue == Applications(list).hashValue)
            if size > 0 {
                applications[size - 1].writeOff = Money(minorUnits: 5, currency: .usd)
                #expect(applications.last?.settled == Int64(size - 1) * 100 + 5 && applications != Applications(list))
            }
        }
        let one: Applications = [application(7)]
        #expect(one.map(\.invoiceID) == ["INV-7"])
    }
}
