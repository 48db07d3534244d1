import Core
import Testing

@Suite struct AllocatorTests {
    /// The count `SETTLE_TRACE` prints follows what is allocated: 256 MB held shows, and goes when let go.
    @Test(.enabled(if: Allocator.bytesInUse() != nil, "mallinfo2 is read on x86-64 glibc only"))
    func bytesInUseFollowsALargeBlock() throws {
        Allocator.mapLargeBlocks()
        let before = try #require(Allocator.bytesInUse())
        var block: [UInt8]? = [UInt8](repeating: 1, count: 256 << 20)
        let holding = try #require(Allocator.bytesInUse())
        #expect(holding - before >= 200 << 20, "\(before) → \(holding)")
        #expect(block?.count == 256 << 20)
        block = nil
        let after = try #require(Allocator.bytesInUse())
        #expect(holding - after >= 200 << 20, "\(holding) → \(after)")
    }
}
