import Foundation
import Testing
import Tensors
@testable import HDF5

/// Every committed input under Fuzz/findings: opening it and reading every dataset either
/// works or fails with one line naming the file (a crash fails the whole test run).
@Suite("every fuzz finding")
struct EveryFuzzFindingTests {
    static let findings: [String] = {
        let dir = Fixtures.root + "/Fuzz/findings"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".h5") }.sorted().map { dir + "/" + $0 }
    }()

    @Test func thereAreFindings() { #expect(Self.findings.count >= 9) }

    @Test(arguments: findings)
    func readsOrFailsCleanly(path: String) {
        do {
            let file = try HDF5File(path: path)
            for info in file.tensors {
                do { _ = try file.tensor(named: info.name) } catch {
                    #expect(error.description.hasPrefix(path + ": ") && !error.description.contains("\n"), "\(error)")
                }
            }
        } catch {
            #expect(error.description.hasPrefix(path + ": ") && !error.description.contains("\n"), "\(error)")
        }
    }
}

/// Every dataset of `file` but `except` reads with its declared shape, or fails with one line
/// naming the file; at least one reads.
func expectOthersReadOrFailCleanly(_ file: HDF5File, path: String, except: String, sourceLocation: SourceLocation = #_sourceLocation) {
    var read = 0
    for info in file.tensors where info.name != except {
        do {
            let tensor = try file.tensor(named: info.name)
            #expect(tensor.shape == info.shape && tensor.dtype == info.dtype, "\(info.name)", sourceLocation: sourceLocation)
            read += 1
        } catch {
            #expect(error.description.hasPrefix(path + ": ") && !error.description.contains("\n"), "\(info.name): \(error)",
                    sourceLocation: sourceLocation)
        }
    }
    #expect(read > 0, sourceLocation: sourceLocation)
}
