internal import CDeflate
import Tensors

/// A raw-deflate decoder (ZIP method 8) over compressed bytes that stay mapped.
///
/// `fill` produces exactly as many bytes as asked; `finish` then checks that the stream ends
/// there and that no compressed bytes are left. A stream that ends early, runs on past the
/// declared size (a zip bomb), or is cut short is an error, never a trap or an over-allocation:
/// output goes only into buffers the caller sized.
final class Inflater {
    private let stream: UnsafeMutablePointer<z_stream>
    private let context: ErrorContext
    /// Compressed bytes not yet handed to zlib.
    private var pending: UnsafeRawBufferPointer
    /// Bytes produced so far.
    private(set) var produced = 0
    private var ended = false
    /// zlib's `uInt` counts: feed and drain at most this much per call.
    private static let chunk = 1 << 30

    /// Starts decoding `compressed`.
    init(compressed: UnsafeRawBufferPointer, context: ErrorContext) throws(CheckpointError) {
        self.context = context
        self.pending = compressed
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // zlib keeps a pointer back to the z_stream: it must not move, hence the heap.
        guard cdeflate_inflate_init_raw(stream) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw context.malformed("zlib could not start inflating")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decodes exactly `destination.count` bytes into `destination`.
    ///
    /// - Throws: `.malformed` when the stream is corrupt, ends before that many bytes, or the
    ///   compressed data runs out.
    func fill(_ destination: UnsafeMutableRawBufferPointer) throws(CheckpointError) {
        var done = 0
        while done < destination.count {
            guard !ended else {
                throw context.malformed(
                    "deflate stream ends after \(produced) bytes, but the archive declares more")
            }
            let want = min(destination.count - done, Self.chunk)
            let got = try step(into: destination.baseAddress! + done, count: want)
            done += got
        }
    }

    /// Checks that the stream ends exactly here (after `declared` bytes in all) and that the
    /// compressed data holds nothing after it.
    func finish(declared: Int) throws(CheckpointError) {
        var probe: UInt8 = 0
        while !ended {
            // Each call either makes output, consumes input, ends, or throws: this terminates.
            let got = try withUnsafeMutableBytes(of: &probe) { (p) throws(CheckpointError) -> Int in
                try step(into: p.baseAddress!, count: 1)
            }
            if got > 0 {
                throw context.malformed(
                    "deflate stream inflates to more than the declared \(declared) bytes; stopped there")
            }
        }
        let left = pending.count + Int(stream.pointee.avail_in)
        guard left == 0 else {
            throw context.malformed("\(left) compressed bytes follow the end of the deflate stream")
        }
    }

    /// One `inflate` call writing at most `count` bytes at `out`; returns the bytes produced.
    private func step(into out: UnsafeMutableRawPointer, count: Int) throws(CheckpointError) -> Int {
        if stream.pointee.avail_in == 0, !pending.isEmpty {
            let n = min(pending.count, Self.chunk)
            stream.pointee.next_in = UnsafeMutablePointer(
                mutating: pending.baseAddress!.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(n)
            pending = UnsafeRawBufferPointer(rebasing: pending[n...])
        }
        stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(count)
        let rc = inflate(stream, Z_NO_FLUSH)
        let got = count - Int(stream.pointee.avail_out)
        produced += got
        switch rc {
        case Z_OK:
            return got
        case Z_STREAM_END:
            ended = true
            return got
        case Z_BUF_ERROR:
            if stream.pointee.avail_in == 0, pending.isEmpty {
                throw context.malformed("compressed data is truncated: it ends after \(produced) inflated bytes")
            }
            return got
        case Z_DATA_ERROR:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
            throw context.malformed("corrupt deflate stream after \(produced) bytes: \(message)")
        case Z_MEM_ERROR:
            throw context.malformed("zlib ran out of memory while inflating")
        default:
            throw context.malformed("zlib inflate failed with code \(rc)")
        }
    }
}
