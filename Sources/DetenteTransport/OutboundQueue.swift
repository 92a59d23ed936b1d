/// One connection's unsent frames, in order, with the caps that make a slow reader a slow
/// consumer, and the batching that coalesces several pending messages into one frame for a
/// client that asked for it. A plain value: no socket, no lws, so it is tested on its own.
struct OutboundQueue {
    struct Limits {
        var maxFrames: Int
        var maxBytes: Int
    }

    /// What to write next: one shared frame as it is, or several coalesced into one batch.
    enum Write {
        case single(OutboundFrame)
        /// `count` frames joined into a JSON array in the caller's buffer, after `headroom` bytes.
        case batch(count: Int, length: Int)
    }

    let limits: Limits
    private var frames: [OutboundFrame] = []
    private var head = 0
    private(set) var queuedBytes = 0
    /// Traced frames (`StageTrace`) the last `takeWrite` put into a batch; the caller clears it.
    var tracedInBatch: [OutboundFrame] = []

    init(limits: Limits) { self.limits = limits }

    var pendingFrames: Int { frames.count - head }
    var isEmpty: Bool { head == frames.count }

    /// Appends a frame. - Returns: false if the queue is now over a cap (the caller drops the
    /// connection as a slow consumer).
    mutating func append(_ frame: OutboundFrame) -> Bool {
        frames.append(frame)
        queuedBytes += frame.length
        return pendingFrames <= limits.maxFrames && queuedBytes <= limits.maxBytes
    }

    /// The next frame to write, if any.
    var next: OutboundFrame? { isEmpty ? nil : frames[head] }

    /// The frame returned by `next` was written.
    mutating func popNext() {
        guard let frame = next else { return }
        head += 1
        queuedBytes -= frame.length
        compact()
    }

    /// Takes the next write off the queue. With `batching`, consecutive pending frames whose
    /// array (`[a,b,…]`) fits in `maxBatchBytes` are copied into `buffer` after `headroom`
    /// bytes, in order; a lone frame, or one too large to share a batch, goes as it is.
    mutating func takeWrite(batching: Bool, maxBatchBytes: Int, headroom: Int, into buffer: inout [UInt8]) -> Write? {
        guard let first = next else { return nil }
        let count = batching ? batchCount(maxBatchBytes) : 1
        guard count > 1 else {
            popNext()
            return .single(first)
        }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: headroom))
        buffer.append(UInt8(ascii: "["))
        for i in 0..<count {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: frames[head].payload)
            if frames[head].trace != nil { tracedInBatch.append(frames[head]) }
            popNext()
        }
        buffer.append(UInt8(ascii: "]"))
        return .batch(count: count, length: buffer.count - headroom)
    }

    /// How many pending frames, from the head, fit in one batch of at most `maxBytes`.
    private func batchCount(_ maxBytes: Int) -> Int {
        var bytes = 1  // "["
        var count = 0
        for frame in frames[head...] {
            let added = frame.length + 1  // the frame and its "," or "]"
            if bytes + added > maxBytes { break }
            bytes += added
            count += 1
        }
        return count
    }

    mutating func removeAll() {
        frames.removeAll()
        head = 0
        queuedBytes = 0
    }

    /// Written frames are forgotten in bulk, not one array shift per frame.
    private mutating func compact() {
        if head == frames.count {
            frames.removeAll(keepingCapacity: frames.capacity <= 64)
            head = 0
        } else if head > 1024 {
            frames.removeFirst(head)
            head = 0
        }
    }
}
