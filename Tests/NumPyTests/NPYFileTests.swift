import Testing
import Tensors

@testable import NumPy

@Suite struct NPYFileTests {
    @Test func littleEndianIsMappedAndNamedAfterTheFile() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let path = try dir.write(
            "weights.npy", NPYBytes.make(NPYBytes.dict("<f4", "(2, 3)"), data: NPYBytes.bytes(values)))
        let npy = try NPYFile(path: path)
        #expect(npy.format == "npy")
        #expect(npy.tensors == [TensorInfo(name: "weights", dtype: .f32, shape: [2, 3])])
        let t = try npy.tensor(named: "weights")
        #expect(t.data.isMapped)
        #expect(try t.floats() == values)
        expectError(["no tensor named 'other'"]) { _ = try npy.tensor(named: "other") }
    }

    @Test func bigEndianIsSwapped() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let be: [UInt8] = [0x3F, 0x80, 0, 0, 0xC0, 0, 0, 0]  // 1.0, -2.0 as >f4
        let t = try NPYFile(path: try dir.write("a.npy", NPYBytes.make(NPYBytes.dict(">f4", "(2,)"), data: be)))
            .tensor(named: "a")
        #expect(!t.data.isMapped)
        #expect(try t.floats() == [1, -2])
        let i16 = try NPYFile(
            path: try dir.write("b.npy", NPYBytes.make(NPYBytes.dict(">i2", "(2,)"), data: [0x01, 0x02, 0xFF, 0xFE]))
        )
        .tensor(named: "b")
        #expect(bytesOf(i16) == NPYBytes.bytes([Int16(0x0102), Int16(-2)]))
        let f64 = try NPYFile(
            path: try dir.write(
                "c.npy",
                NPYBytes.make(NPYBytes.dict(">f8", "()"), data: [0x40, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18]))
        )
        .tensor(named: "c")
        #expect(bytesOf(f64) == NPYBytes.bytes([Double.pi]))
    }

    @Test func fortranOrderIsTransposed() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        // a = [[0, 1, 2], [3, 4, 5]] stored column-major: 0 3 1 4 2 5.
        let column: [Int32] = [0, 3, 1, 4, 2, 5]
        let t = try NPYFile(
            path: try dir.write(
                "f.npy", NPYBytes.make(NPYBytes.dict("<i4", "(2, 3)", fortran: true), data: NPYBytes.bytes(column)))
        )
        .tensor(named: "f")
        #expect(t.shape == [2, 3] && !t.data.isMapped)
        #expect(bytesOf(t) == NPYBytes.bytes([Int32](0..<6)))
        // Three dimensions, big-endian u2: element (i,j,k) at i + 2*(j + 3*k) in the file.
        let shape = [2, 3, 4]
        var stored = [UInt16](repeating: 0, count: 24)
        for i in 0..<2 {
            for j in 0..<3 { for k in 0..<4 { stored[i + 2 * (j + 3 * k)] = UInt16(i * 12 + j * 4 + k) } }
        }
        let be = stored.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        let t3 = try NPYFile(
            path: try dir.write("g.npy", NPYBytes.make(NPYBytes.dict(">u2", "(2, 3, 4)", fortran: true), data: be))
        )
        .tensor(named: "g")
        #expect(t3.shape == shape)
        #expect(bytesOf(t3) == NPYBytes.bytes([UInt16](0..<24)))
    }

    @Test func fortranWithOneLongAxisStaysMapped() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let t = try NPYFile(
            path: try dir.write(
                "v.npy",
                NPYBytes.make(
                    NPYBytes.dict("<f4", "(1, 3)", fortran: true), data: NPYBytes.bytes([Float](repeating: 7, count: 3))
                ))
        )
        .tensor(named: "v")
        #expect(t.data.isMapped)
    }

    @Test(arguments: [UInt8(1), 2, 3])
    func versions(_ major: UInt8) throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let bytes = NPYBytes.make(
            NPYBytes.dict("<i8", "(2,)"), data: NPYBytes.bytes([Int64(-5), 1 << 40]), major: major)
        let npy = try NPYFile(path: try dir.write("v.npy", bytes))
        let t = try npy.tensor(named: "v")
        #expect(t.dtype == .i64 && bytesOf(t) == NPYBytes.bytes([Int64(-5), 1 << 40]))
    }

    @Test func oneByteTypesAndBool() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        for (descr, dtype) in [("|b1", DType.bool), ("|u1", .u8), ("|i1", .i8), ("<i1", .i8)] {
            let t = try NPYFile(
                path: try dir.write("x.npy", NPYBytes.make(NPYBytes.dict(descr, "(3,)"), data: [1, 0, 255]))
            )
            .tensor(named: "x")
            #expect(t.dtype == dtype && bytesOf(t) == [1, 0, 255] && t.data.isMapped)
        }
    }

    @Test func bf16FromV2() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let path = try dir.write("h.npy", NPYBytes.make(NPYBytes.dict("<V2", "(2,)"), data: [0x80, 0x3F, 0x00, 0xC0]))
        expectError(["h.npy", "'h'", "<V2", "bf16"]) { _ = try NPYFile(path: path) }
        let t = try NPYFile(path: path, bf16FromV2: true).tensor(named: "h")
        #expect(try t.dtype == .bf16 && t.data.isMapped && t.floats() == [1, -2])
    }

    @Test func emptyArrays() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let t = try NPYFile(path: try dir.write("e.npy", NPYBytes.make(NPYBytes.dict("<f4", "(0, 5)")))).tensor(
            named: "e")
        #expect(t.shape == [0, 5] && t.data.count == 0)
        let f = try NPYFile(path: try dir.write("e2.npy", NPYBytes.make(NPYBytes.dict(">f4", "(0, 3)", fortran: true))))
            .tensor(named: "e2")
        #expect(f.shape == [0, 3] && f.data.count == 0)
    }

    @Test func tensorNames() {
        #expect(NPYFile.tensorName(forPath: "/a/b/c.npy") == "c")
        #expect(NPYFile.tensorName(forPath: "c.npy") == "c")
        #expect(NPYFile.tensorName(forPath: "dir/data.bin") == "data.bin")
    }
}
