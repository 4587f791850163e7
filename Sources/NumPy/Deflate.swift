internal import CDeflate
import Tensors

/// A raw-deflate encoder (ZIP method 8) that streams its output to a sink in pieces.
final class Deflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private let file: String
    /// Compressed bytes produced so far.
    private(set) var produced = 0
    private static let chunk = 1 << 30

    /// Starts an encoder at zlib `level` (-1 = zlib's default, 6, as `np.savez_compressed` uses).
    init(level: Int32 = -1, file: String) throws(CheckpointError) {
        self.file = file
        output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard cdeflate_deflate_init_raw(stream, level) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            output.deallocate()
            throw .io(file: file, reason: "zlib could not start deflating")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Compresses `input`, handing every piece of output to `sink`.
    func compress(
        _ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws(CheckpointError) -> Void
    ) throws(CheckpointError) {
        var rest = input
        while !rest.isEmpty {
            let n = min(rest.count, Self.chunk)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: rest.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(n)
            repeat {
                _ = try run(flush: Z_NO_FLUSH, sink: sink)
            } while stream.pointee.avail_in > 0
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }

    /// Ends the stream, handing the last output to `sink`.
    func finish(sink: (UnsafeRawBufferPointer) throws(CheckpointError) -> Void) throws(CheckpointError) {
        stream.pointee.avail_in = 0
        while try run(flush: Z_FINISH, sink: sink) != Z_STREAM_END {}
    }

    private func run(
        flush: Int32, sink: (UnsafeRawBufferPointer) throws(CheckpointError) -> Void
    ) throws(CheckpointError) -> Int32 {
        let capacity = output.count
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(capacity)
        let rc = deflate(stream, flush)
        let got = capacity - Int(stream.pointee.avail_out)
        guard rc == Z_OK || rc == Z_STREAM_END || (rc == Z_BUF_ERROR && got == 0) else {
            throw .io(file: file, reason: "zlib deflate failed with code \(rc)")
        }
        produced += got
        if got > 0 { try sink(UnsafeRawBufferPointer(rebasing: output[0..<got])) }
        return rc
    }
}
