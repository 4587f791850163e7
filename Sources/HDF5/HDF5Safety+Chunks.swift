internal import CHDF5
internal import CDeflate
import Tensors

/// The chunk checks of `HDF5Safety.checkRawStorage`: libhdf5 1.10 sizes its chunk buffer by
/// what a chunk's data decodes to but copies out of it by the declared chunk shape, so a chunk
/// that is (or decodes to) fewer bytes than its shape reads past the buffer (ASan
/// heap-buffer-overflow in `H5VM_memcpyvv`, found by fuzzing: a deflated chunk of a damaged
/// chunk shape, Fuzz/findings/hdf5-filtered-chunk-short.h5).
extension HDF5Safety {
    /// Filters whose effect on a chunk's size vitkit computes (`H5Z_FILTER_*`).
    static let filterDeflate: H5Z_filter_t = 1, filterShuffle: H5Z_filter_t = 2, filterFletcher32: H5Z_filter_t = 3

    /// The chunk shape obeys libhdf5's own creation rule (every dimension at least 1, at most
    /// the dataset's maximum for fixed-size dimensions), and every allocated chunk lies inside
    /// the file and holds exactly one chunk's bytes: stored so when unfiltered; when filtered,
    /// its stored bytes undo the filters it was written with
    /// (Fletcher-32 strips 4 bytes, shuffle keeps the size, deflate is inflated and counted)
    /// to that size. Other filters are refused: their output size is not checked.
    static func checkChunks(_ dataset: hid_t, dcpl: hid_t, fileSize: Int,
                            invalid: (String) -> CheckpointError, at location: HDF5Location) throws(CheckpointError) {
        let chunkBytes = try chunkByteCount(dataset, dcpl: dcpl, invalid: invalid, at: location)
        let pipeline = try filterPipeline(dcpl, at: location)
        let chunks = try chunkIndex(dataset, rank: Int(H5Pget_chunk(dcpl, 0, nil)), at: location)
        for (i, chunk) in chunks.enumerated() {
            let (end, overflow) = chunk.address.addingReportingOverflow(chunk.size)
            guard !overflow, end <= UInt64(fileSize), chunk.size <= UInt64(UInt32.max) else {
                throw invalid("chunk \(i) at offset \(chunk.address) (\(chunk.size) bytes) lies beyond the end of the file (\(fileSize) bytes)")
            }
            if pipeline.isEmpty, chunk.size != chunkBytes {
                throw invalid("chunk \(i) stores \(chunk.size) bytes but an unfiltered chunk holds \(chunkBytes)")
            }
        }
        guard !pipeline.isEmpty, !chunks.isEmpty else { return }
        // Stored bytes are read with pread, not H5Dread_chunk: that looks a chunk up again by its
        // coordinates, which a damaged index resolves to another chunk, larger than this one.
        let file: HDF5RawFile
        do { file = try HDF5RawFile(path: location.file) } catch { throw invalid("its chunks cannot be read: \(error.reason)") }
        let superblock: HDF5Superblock
        do { superblock = try HDF5Superblock.read(file) } catch { throw invalid("its chunks cannot be read: \(error.reason)") }
        for (i, chunk) in chunks.enumerated() {
            let stored: HDF5Bytes
            do throws(HDF5StructureError) {
                guard let at = superblock.fileOffset(chunk.address, within: file.size) else {
                    throw HDF5StructureError("its address lies outside the file")
                }
                stored = try file.read(at, Int(chunk.size), "the chunk")
            } catch {
                throw invalid("chunk \(i) at offset \(chunk.address): \(error.reason)")
            }
            let decoded = try decodedSize(stored.bytes[...], pipeline: pipeline, skipped: chunk.mask, limit: chunkBytes,
                                          invalid: { invalid("chunk \(i) at offset \(chunk.address): \($0)") }, at: location)
            guard decoded == chunkBytes else {
                throw invalid("chunk \(i) at offset \(chunk.address) decodes to \(decoded > chunkBytes ? "more than \(chunkBytes)" : "\(decoded)") bytes but a chunk holds \(chunkBytes)")
            }
        }
    }

    /// Address, stored size and filter mask of every allocated chunk, in index order.
    private static func chunkIndex(_ dataset: hid_t, rank: Int, at location: HDF5Location) throws(CheckpointError) -> [(address: UInt64, size: UInt64, mask: UInt32)] {
        let space = try HDF5Handle(H5Dget_space(dataset), .dataspace, location, "read the dataspace of")
        var count: hsize_t = 0
        guard rank > 0, H5Dget_num_chunks(dataset, space.id, &count) >= 0 else { throw location.failure("count the chunks of") }
        var offset = [hsize_t](repeating: 0, count: rank)
        var chunks: [(address: UInt64, size: UInt64, mask: UInt32)] = []
        for i in 0..<count {
            var mask: UInt32 = 0
            var address: haddr_t = 0
            var size: hsize_t = 0
            guard H5Dget_chunk_info(dataset, space.id, i, &offset, &mask, &address, &size) >= 0 else {
                throw location.failure("read the chunk index of")
            }
            chunks.append((UInt64(address), UInt64(size), mask))
        }
        return chunks
    }

    /// Bytes of one chunk: element size x chunk dimensions, after the shape check.
    static func chunkByteCount(_ dataset: hid_t, dcpl: hid_t, invalid: (String) -> CheckpointError,
                                       at location: HDF5Location) throws(CheckpointError) -> UInt64 {
        let rank = H5Pget_chunk(dcpl, 0, nil)
        guard rank > 0 else { throw location.failure("read the chunk shape of") }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        guard H5Pget_chunk(dcpl, rank, &dims) == rank else { throw location.failure("read the chunk shape of") }
        let space = try HDF5Handle(H5Dget_space(dataset), .dataspace, location, "read the dataspace of")
        var current = [hsize_t](repeating: 0, count: Int(rank)), maximum = current
        guard H5Sget_simple_extent_dims(space.id, &current, &maximum) == rank else {
            throw invalid("chunk rank \(rank) differs from the dataset's rank")
        }
        for d in 0..<Int(rank) where dims[d] == 0 || (current[d] > 0 && maximum[d] != hsize_t.max && dims[d] > maximum[d]) {
            throw invalid("chunk shape \(dims) does not fit the dataset's maximum shape \(maximum) (dimension \(d))")
        }
        let type = try HDF5Handle(H5Dget_type(dataset), .datatype, location, "read the datatype of")
        var chunkBytes = UInt64(H5Tget_size(type.id))
        for d in dims {
            let (p, overflow) = chunkBytes.multipliedReportingOverflow(by: UInt64(d))
            guard !overflow else { throw invalid("chunk shape overflows") }
            chunkBytes = p
        }
        return chunkBytes
    }

    /// The filter identifiers in the order they were applied when writing.
    private static func filterPipeline(_ dcpl: hid_t, at location: HDF5Location) throws(CheckpointError) -> [H5Z_filter_t] {
        try filters(dcpl, at: location).map { (filter, name) throws(CheckpointError) -> H5Z_filter_t in
            guard [filterDeflate, filterShuffle, filterFletcher32].contains(filter) else {
                throw location.unsupported("is compressed with filter \(filter) ('\(name)'); vitkit checks the decoded size of deflate, shuffle and Fletcher-32 chunks only")
            }
            return filter
        }
    }

    /// The size `stored` decodes to through `pipeline` undone in reverse (filters whose bit is
    /// set in `skipped` were not applied to this chunk), or `limit + 1` when it inflates past `limit`.
    private static func decodedSize(_ stored: ArraySlice<UInt8>, pipeline: [H5Z_filter_t], skipped: UInt32, limit: UInt64,
                                    invalid: (String) -> CheckpointError, at location: HDF5Location) throws(CheckpointError) -> UInt64 {
        var bytes = stored
        var inflated: UInt64?
        for (position, filter) in pipeline.enumerated().reversed() where position >= 32 || skipped & (1 << UInt32(position)) == 0 {
            switch filter {
            case filterFletcher32:
                if let n = inflated {
                    guard n >= 4 else { throw invalid("too short for its Fletcher-32 checksum") }
                    inflated = n - 4
                } else {
                    guard bytes.count >= 4 else { throw invalid("too short for its Fletcher-32 checksum") }
                    bytes = bytes.dropLast(4)
                }
            case filterDeflate:
                guard inflated == nil else { throw location.unsupported("deflates its chunks twice; not supported") }
                inflated = try inflatedSize(bytes, limit: limit, invalid: invalid)
            default:
                break  // shuffle: same size
            }
        }
        return inflated ?? UInt64(bytes.count)
    }

    /// Bytes a zlib stream inflates to (counted, not kept), or `limit + 1` past `limit`.
    private static func inflatedSize(_ input: ArraySlice<UInt8>, limit: UInt64, invalid: (String) -> CheckpointError) throws(CheckpointError) -> UInt64 {
        // zlib keeps a pointer back to the z_stream: it must not move, hence the heap.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        guard cdeflate_inflate_init_zlib(stream) == Z_OK else { throw invalid("zlib could not start inflating") }
        defer { inflateEnd(stream) }
        let source = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(input.count, 1))
        defer { source.deallocate() }
        _ = source.initialize(from: input)
        let out = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 16)
        defer { out.deallocate() }
        stream.pointee.next_in = source.baseAddress
        stream.pointee.avail_in = uInt(input.count)
        var total: UInt64 = 0
        while true {
            stream.pointee.next_out = out.baseAddress
            stream.pointee.avail_out = uInt(out.count)
            let rc = inflate(stream, Z_NO_FLUSH)
            total += UInt64(out.count) - UInt64(stream.pointee.avail_out)
            if total > limit { return limit + 1 }
            switch rc {
            case Z_STREAM_END: return total
            case Z_OK: continue
            case Z_BUF_ERROR where stream.pointee.avail_in == 0: throw invalid("its deflate stream is truncated after \(total) bytes")
            default: throw invalid("its deflate stream is corrupt (zlib code \(rc)) after \(total) bytes")
            }
        }
    }
}
