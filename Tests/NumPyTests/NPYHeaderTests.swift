import Testing
import Tensors

@testable import NumPy

@Suite struct PythonLiteralTests {
    func parse(_ text: String) throws -> PythonLiteral {
        try PythonLiteral.parse(Array(text.utf8), latin1: true)
    }

    @Test func tuples() throws {
        #expect(try parse("()") == .tuple([]))
        #expect(try parse("(3,)") == .tuple([.int(3)]))
        #expect(try parse("( 3 , )") == .tuple([.int(3)]))
        #expect(try parse("(2, 3)") == .tuple([.int(2), .int(3)]))
        #expect(try parse("(2, 3,)") == .tuple([.int(2), .int(3)]))
        #expect(try parse("(3)") == .int(3))  // Python: parentheses, not a tuple
        #expect(try parse("[1, 2]") == .list([.int(1), .int(2)]))
    }

    @Test func scalars() throws {
        #expect(try parse("'<f4'") == .string("<f4"))
        #expect(try parse("\"<f4\"") == .string("<f4"))
        #expect(try parse("'a\\'b'") == .string("a'b"))
        #expect(try parse("True") == .bool(true))
        #expect(try parse("False") == .bool(false))
        #expect(try parse("None") == .none)
        #expect(try parse("0") == .int(0))
        #expect(try parse("-7") == .int(-7))
        #expect(try parse(" \n\t{}  \n") == .dict([]))
    }

    @Test(arguments: [
        "", "(", "(1,", "{'a' 1}", "{'a': 1,,}", "(,)", "007", "1_000", "0x10", "1.5", "1e3",
        "true", "'abc", "'a\\n'", "{'a': 1} x", "b'<f4'", "9223372036854775808", "{'a': 1, 'a': 2}",
        "# comment\n{}", "((((((((((((((((((1))))))))))))))))))", "{1: 2}", "{(1,): 2}",
    ])
    func refusals(_ text: String) {
        #expect(throws: PythonLiteral.ParseError.self) { try parse(text) }
    }

    /// Python 2 long literals: numpy drops the `L` from NPY 1.0/2.0 headers (latin-1) and
    /// refuses it in 3.0 (UTF-8) ones, where it filters nothing.
    @Test func python2LongsOnlyInLatin1Headers() throws {
        #expect(try PythonLiteral.parse(Array("(2L, 3)".utf8), latin1: true) == .tuple([.int(2), .int(3)]))
        #expect(throws: PythonLiteral.ParseError.self) { try PythonLiteral.parse(Array("(2L, 3)".utf8), latin1: false) }
        #expect(throws: PythonLiteral.ParseError.self) { try PythonLiteral.parse(Array("3LL".utf8), latin1: true) }
        #expect(throws: PythonLiteral.ParseError.self) { try PythonLiteral.parse(Array("3l".utf8), latin1: true) }
    }
}

@Suite struct NPYHeaderTests {
    func header(_ text: String, data: Int, bf16: Bool = false) throws(CheckpointError) -> NPYHeader {
        let bytes = NPYBytes.make(text, data: [UInt8](repeating: 0, count: data))
        var p = 0
        return try NPYHeader.read(
            size: bytes.count, tensor: "t", bf16FromV2: bf16, context: ErrorContext(file: "f.npy")
        ) {
            (n) throws(CheckpointError) -> [UInt8] in
            defer { p += n }
            return Array(bytes[p..<(p + n)])
        }
    }

    @Test func plainHeader() throws {
        let h = try header(NPYBytes.dict("<f4", "(2, 3)"), data: 24)
        #expect(h.dtype == .f32 && h.shape == [2, 3] && !h.bigEndian && !h.fortranOrder && h.dataOffset == 128)
        #expect(h.isNative)
    }

    @Test func keysInAnyOrderAndDoubleQuotes() throws {
        let h = try header("{\"shape\": (4,), \"fortran_order\": True, \"descr\": \">i2\"}", data: 8)
        #expect(h.dtype == .i16 && h.shape == [4] && h.bigEndian && h.fortranOrder)
        #expect(!h.needsTranspose)  // one dimension: same bytes in both orders
    }

    @Test func scalarShape() throws {
        let h = try header(NPYBytes.dict("<f8", "()"), data: 8)
        #expect(h.shape == [] && h.dataByteCount == 8)
    }

    @Test(arguments: [
        ("<f4", DType.f32), ("<f2", .f16), ("<f8", .f64), ("<i8", .i64), ("<i4", .i32), ("<i2", .i16),
        ("|i1", .i8), ("|u1", .u8), ("|b1", .bool), ("<u2", .u16), ("<u4", .u32), ("<u8", .u64),
        (">f4", .f32), (">f2", .f16), (">f8", .f64), (">i8", .i64), (">i4", .i32), (">i2", .i16),
    ])
    func dtypes(_ descr: String, _ dtype: DType) throws {
        let h = try header(NPYBytes.dict(descr, "(3,)"), data: 3 * dtype.byteSize)
        #expect(h.dtype == dtype)
        #expect(h.bigEndian == (descr.hasPrefix(">") && dtype.byteSize > 1))
    }

    @Test func bf16NeedsTheFlag() throws {
        expectError(["'<V2'", "bf16"]) { _ = try header(NPYBytes.dict("<V2", "(2,)"), data: 4) }
        #expect(try header(NPYBytes.dict("<V2", "(2,)"), data: 4, bf16: true).dtype == .bf16)
    }

    @Test(arguments: [
        ("{'descr': '<f4', 'fortran_order': False}", "exactly the keys"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "exactly the keys"),
        ("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", "fortran_order"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': [1]}", "shape is not a tuple"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1)}", "shape is not a tuple"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", "non-negative"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': ('1',)}", "non-negative"),
        ("['descr', '<f4']", "not a dict"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'descr': '<f4'}", "duplicate key"),
        ("{'descr': '|O', 'fortran_order': False, 'shape': (1,)}", "pickles"),
        ("{'descr': '|O8', 'fortran_order': False, 'shape': (1,)}", "pickles"),
        ("{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,)}", "structured"),
        ("{'descr': '<c8', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype '<c8'"),
        ("{'descr': '|f4', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype '|f4'"),
        ("{'descr': 'f4', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype 'f4'"),
        ("{'descr': '<U5', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype"),
        ("{'descr': '<V8', 'fortran_order': False, 'shape': (1,)}", "unsupported dtype"),
    ])
    func refusals(_ text: String, _ fragment: String) {
        expectError(["f.npy", fragment]) { _ = try header(text, data: 4) }
    }

    @Test func shapeOverflowIsRefused() {
        expectError(["overflows"]) { _ = try header(NPYBytes.dict("<f4", "(4611686018427387904, 4)"), data: 4) }
    }

    @Test func tooManyDimensions() {
        let shape = "(" + String(repeating: "1, ", count: 65) + ")"
        expectError(["65 dimensions"]) { _ = try header(NPYBytes.dict("<f4", shape), data: 4) }
    }

    @Test func descrRoundTrip() {
        for dtype in DType.allCases {
            guard let d = NPYDescr.descr(for: dtype) else {
                #expect([.f8e4m3, .f8e5m2, .f8e4m3fnuz, .f8e5m2fnuz, .f8e8m0, .f4].contains(dtype))
                continue
            }
            #expect(NPYDescr.decode(d, bf16FromV2: true) == .dtype(dtype, bigEndian: false))
        }
    }
}
