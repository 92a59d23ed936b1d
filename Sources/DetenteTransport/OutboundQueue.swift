/// One connection's unsent frames, in order, with the caps that make a slow reader a slow
/// consumer. A plain value: no socket, no lws, so it is tested on its own.
struct OutboundQueue {
    struct Limits {
        var maxFrames: Int
        var maxBytes: Int
    }

    let limits: Limits
    private var frames: [OutboundFrame] = []
    private var head = 0
    private(set) var queuedBytes = 0

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
