import Core
import Foundation
import TestSupport
import Testing

/// A file written through a sink is whole or absent; what a killed writer left beside it goes with the next write.
@Suite struct AtomicFileTests {
    @Test func theNextWriteRemovesWhatAKilledProcessLeftAndNothingElse() throws {
        let folder = TestPaths.temporaryDirectory("atomic")
        let target = folder + "/remittance.csv"
        // pid_max is at most 2^22 on Linux: no process has this id.
        let gone = "2147483646"
        let left = ["remittance.csv.tmp-\(gone)", "remittance.csv.tmpA-\(gone)"]
        let kept = ["remittance.csv.tmp-1",             // a live process (init): its own
                    "remittance.csv.tmp-\(getppid())",  // the process that started this one
                    "remittance.csv.bak", "journal.csv.tmp-\(gone)", "remittance.csv.tmp-x"]
        for name in left + kept { try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        try AtomicFile.write("a,b\n", to: target)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        for name in left { #expect(!names.contains(name), "\(name) is still there") }
        for name in kept { #expect(names.contains(name), "\(name) was removed") }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "a,b\n")
    }
}
