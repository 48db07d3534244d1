/// The invoices a decision applied its receipt's cash to: a collection of `Application`s indexed from 0, as an
/// array's are, that can be iterated, indexed, counted and changed in place.
///
/// Nearly always none or one, and a day has a million decisions: such a list lives inline in its decision, without
/// an allocation of its own (`SmallArray`, Matching's own; more than one application is kept in an array).
public struct Applications: RandomAccessCollection, MutableCollection, Sendable, Hashable, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    @usableFromInline
    var elements: SmallArray<Application>

    @inlinable
    public init() { elements = SmallArray() }

    @inlinable
    public init(_ applications: some Sequence<Application>) { elements = SmallArray(applications) }

    @inlinable
    public init(arrayLiteral applications: Application...) { elements = SmallArray(applications) }

    @inlinable
    public var startIndex: Int { 0 }

    @inlinable
    public var endIndex: Int { elements.endIndex }

    @inlinable
    public subscript(position: Int) -> Application {
        get { elements[position] }
        set { elements[position] = newValue }
    }

    @inlinable
    public mutating func append(_ application: Application) { elements.append(application) }

    public var description: String { elements.description }
}
