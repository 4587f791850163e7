/// A version 2 B-tree read by vitkit itself: the records of one name hash in the name index of
/// an object's dense attributes.
///
/// Layout (HDF5 File Format Specification 3.0, section III.A.2; libhdf5 `H5B2cache.c`,
/// `H5B2hdr.c`):
/// - header: `BTHD`, version 0, type (1), node size (4), record size (2), depth (2), split and
///   merge percentages (1 each), root node address (O), records in the root (2), records in
///   the tree (L), checksum.
/// - leaf: `BTLF`, version 0, type, the records, checksum.
/// - internal node: `BTIN`, version 0, type, the records, then one more child pointer than
///   records: address (O), records in the child (bytes to hold a leaf's maximum), and below
///   depth 1 the records in the child's subtree (bytes to hold that depth's cumulative
///   maximum), then a checksum.
struct HDF5BTree2 {
    /// A search visits at most this many nodes.
    static let maxNodes = 1 << 16

    var type: Int
    var nodeSize: Int
    var recordSize: Int
    var depth: Int
    var root: UInt64
    var rootRecords: Int

    /// Reads the header at relative address `address`.
    static func read(_ file: borrowing HDF5RawFile, at address: UInt64, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> HDF5BTree2 {
        let o = superblock.sizeOfOffsets, l = superblock.sizeOfLengths
        guard let offset = superblock.fileOffset(address, within: file.size) else {
            throw HDF5StructureError("the v2 B-tree address \(address) lies outside the file")
        }
        let h = try file.read(offset, 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + o + 2 + l + 4, "a v2 B-tree header")
        guard h.bytes[0..<4].elementsEqual("BTHD".utf8), try h.u8(4) == 0 else {
            throw HDF5StructureError("no v2 B-tree header (BTHD version 0) at offset \(offset)")
        }
        let tree = HDF5BTree2(type: Int(try h.u8(5)), nodeSize: Int(try h.uint(6, 4)), recordSize: Int(try h.uint(10, 2)),
                              depth: Int(try h.uint(12, 2)), root: try h.uint(16, o), rootRecords: Int(try h.uint(16 + o, 2)))
        guard tree.recordSize > 0, tree.nodeSize > 10 + tree.recordSize, tree.nodeSize <= 1 << 20, tree.depth <= 32 else {
            throw HDF5StructureError("the v2 B-tree at offset \(offset) has \(tree.nodeSize)-byte nodes, \(tree.recordSize)-byte records and depth \(tree.depth)")
        }
        return tree
    }

    /// The records whose 4-byte key at byte `keyAt` equals `key` (the name index's records are
    /// ordered by name hash), visiting only the nodes that can hold that key: every node
    /// libhdf5's binary search (`H5B2__locate_record`) can reach, even in a damaged tree.
    ///
    /// - Throws: for a node outside the file or seen twice, with a bad signature, version or
    ///   type, more records than fit in it, or more than `maxNodes` nodes visited.
    func records(keyAt: Int, equalTo key: UInt64, _ file: borrowing HDF5RawFile, _ superblock: HDF5Superblock) throws(HDF5StructureError) -> [HDF5Bytes] {
        guard root != HDF5Superblock.undefined(superblock.sizeOfOffsets), rootRecords > 0 else { return [] }
        let layout = try nodeLayout(superblock)
        var result: [HDF5Bytes] = []
        var pending: [(address: UInt64, count: Int, depth: Int)] = [(root, rootRecords, depth)]
        var visited: Set<UInt64> = []
        while let node = pending.popLast() {
            guard node.count <= layout.maxRecords[node.depth] else {
                throw HDF5StructureError("a v2 B-tree node at depth \(node.depth) claims \(node.count) records, over the \(layout.maxRecords[node.depth]) that fit")
            }
            guard let at = superblock.fileOffset(node.address, within: file.size), visited.insert(at).inserted else {
                throw HDF5StructureError("a v2 B-tree node address \(node.address) lies outside the file or repeats")
            }
            guard visited.count <= Self.maxNodes else { throw HDF5StructureError("a v2 B-tree search visits more than \(Self.maxNodes) nodes") }
            let b = try file.read(at, nodeSize, "a v2 B-tree node")
            let signature = node.depth == 0 ? "BTLF" : "BTIN"
            guard b.bytes[0..<4].elementsEqual(signature.utf8), try b.u8(4) == 0, Int(try b.u8(5)) == type else {
                throw HDF5StructureError("no v2 B-tree \(node.depth == 0 ? "leaf" : "internal node") (\(signature) version 0, type \(type)) at offset \(at)")
            }
            var keys: [UInt64] = []
            for i in 0..<node.count {
                let record = try b.slice(6 + i * recordSize, recordSize)
                keys.append(try record.uint(keyAt, 4))
                if keys[i] == key { result.append(record) }
            }
            guard node.depth > 0 else { continue }
            var p = 6 + node.count * recordSize
            for i in 0...node.count {
                let address = try b.uint(p, superblock.sizeOfOffsets)
                let count = Int(try b.uint(p + superblock.sizeOfOffsets, layout.countSize))
                p += superblock.sizeOfOffsets + layout.countSize + (node.depth > 1 ? layout.cumulativeSize[node.depth - 1] : 0)
                // Child i holds the keys between records i-1 and i.
                if (i == 0 || keys[i - 1] <= key) && (i == node.count || keys[i] >= key) {
                    pending.append((address, count, node.depth - 1))
                }
            }
        }
        return result
    }

    /// Per depth, the most records a node holds and the bytes of its subtree's record count
    /// (`H5B2__hdr_init`); and the bytes of a child's record count.
    private func nodeLayout(_ superblock: HDF5Superblock) throws(HDF5StructureError) -> (maxRecords: [Int], cumulativeSize: [Int], countSize: Int) {
        var maxRecords = [(nodeSize - 10) / recordSize]
        var cumulative = [UInt64(maxRecords[0])]
        var cumulativeSize = [0]
        let countSize = Self.encodedSize(UInt64(maxRecords[0]))
        var d = 1
        while d <= depth {
            let pointer = superblock.sizeOfOffsets + countSize + cumulativeSize[d - 1]
            let n = (nodeSize - (10 + pointer)) / (recordSize + pointer)
            guard n > 0 else { throw HDF5StructureError("v2 B-tree nodes of \(nodeSize) bytes hold no record at depth \(d)") }
            maxRecords.append(n)
            let (c, overflow) = UInt64(n + 1).multipliedReportingOverflow(by: cumulative[d - 1])
            let (total, overflow2) = c.addingReportingOverflow(UInt64(n))
            cumulative.append(overflow || overflow2 ? .max : total)
            cumulativeSize.append(Self.encodedSize(cumulative[d]))
            d += 1
        }
        return (maxRecords, cumulativeSize, countSize)
    }

    /// Bytes to store counts up to `value` (`H5VM_limit_enc_size`).
    static func encodedSize(_ value: UInt64) -> Int { (value == 0 ? 0 : (63 - value.leadingZeroBitCount)) / 8 + 1 }
}
