import Foundation

// libFuzzer entry point for the camt.052/053/054 reader (our XML tokenizer), lines kept and handed over: any bytes, no trap.
// Built by scripts/fuzz.sh together with the Core and Statements sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let camt = CamtReader().read(source: MemoryByteSource(bytes), fileName: "fuzz.xml")
    for line in camt.lines { _ = line.remittance.count }
    var total: Int64 = 0
    _ = CamtReader().read(source: MemoryByteSource(bytes), fileName: "fuzz.xml") { total &+= $0.amount.minorUnits }
    return 0
}
