/// An array that keeps none or one element inline and only more than one in an array of its own: the storage of a
/// decision's `Applications` and of its evidence's matched facts, never part of Matching's public API.
///
/// A day's million decisions each hold a list of applications and a list of matched facts, and nearly every list
/// has one element: as `Array`s they were two allocations of their own per decision (a header of 32 bytes besides
/// the element, rounded up by the allocator), about 90 MB at 1M receipts (245b7a3: peak RSS of a day of a million
/// receipts 1.74 → 1.65-1.66 GB). Indices start at 0, as an `Array`'s do. `@usableFromInline` so that the public
/// `Applications`, inlined where decisions are read (Accounting, Reports), costs what an array would.
@usableFromInline
struct SmallArray<Element> {
    @usableFromInline
    enum Storage {
        case empty
        case one(Element)
        case many([Element])
    }

    @usableFromInline
    var storage: Storage

    @inlinable
    init() { storage = .empty }

    @inlinable
    init(_ elements: some Sequence<Element>) {
        storage = .empty
        for element in elements { append(element) }
    }

    @inlinable
    mutating func append(_ element: Element) {
        switch storage {
        case .empty:
            storage = .one(element)
        case let .one(first):
            storage = .many([first, element])
        case var .many(list):
            // Let go of the enum's reference first, so the array is appended to in place.
            storage = .empty
            list.append(element)
            storage = .many(list)
        }
    }

    @inlinable
    mutating func append(contentsOf elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    /// The elements as an `Array`.
    @inlinable
    var array: [Element] {
        switch storage {
        case .empty: return []
        case let .one(element): return [element]
        case let .many(list): return list
        }
    }
}

extension SmallArray: RandomAccessCollection, MutableCollection {
    @inlinable
    var startIndex: Int { 0 }

    @inlinable
    var endIndex: Int {
        switch storage {
        case .empty: return 0
        case .one: return 1
        case let .many(list): return list.count
        }
    }

    @inlinable
    subscript(position: Int) -> Element {
        get {
            switch storage {
            case let .one(element):
                precondition(position == 0, "index \(position) out of range of one element")
                return element
            case let .many(list):
                return list[position]
            case .empty:
                preconditionFailure("index \(position) out of range of no elements")
            }
        }
        set {
            switch storage {
            case .one:
                precondition(position == 0, "index \(position) out of range of one element")
                storage = .one(newValue)
            case var .many(list):
                storage = .empty
                list[position] = newValue
                storage = .many(list)
            case .empty:
                preconditionFailure("index \(position) out of range of no elements")
            }
        }
    }
}

extension SmallArray: ExpressibleByArrayLiteral {
    @inlinable
    init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension SmallArray: Equatable where Element: Equatable {
    @inlinable
    static func == (a: SmallArray, b: SmallArray) -> Bool { a.elementsEqual(b) }
}

extension SmallArray: Hashable where Element: Hashable {
    @inlinable
    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for element in self { hasher.combine(element) }
    }
}

extension SmallArray: Sendable where Element: Sendable {}
extension SmallArray.Storage: Sendable where Element: Sendable {}

extension SmallArray: CustomStringConvertible {
    @usableFromInline
    var description: String { array.description }
}
