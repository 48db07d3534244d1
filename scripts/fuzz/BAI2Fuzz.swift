import Foundation

// libFuzzer entry point for the BAI2 reader, strict and lenient: any bytes, no trap.
// Built by scripts/fuzz.sh together with the Core and Statements sources.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    for strict in [true, false] {
        let file = BAI2Reader(options: BAI2Options(strict: strict)).read(bytes: bytes, fileName: "fuzz.bai")
        for line in file.lines { _ = line.amount.minorUnits; _ = line.description }
    }
    return 0
}
