import Core
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
}
