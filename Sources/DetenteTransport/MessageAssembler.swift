/// Joins the fragments of one inbound websocket message, refusing more than `maxBytes`.
struct MessageAssembler {
    let maxBytes: Int
    private var bytes: [UInt8] = []

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// Appends a fragment. - Returns: false if the message would exceed `maxBytes` (what was
    /// gathered is discarded).
    mutating func append(_ fragment: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count + fragment.count <= maxBytes else {
            bytes = []
            return false
        }
        bytes.append(contentsOf: fragment)
        return true
    }

    /// The whole message as text; the assembler is empty again (keeping a small buffer).
    mutating func finish() -> String {
        let message = String(decoding: bytes, as: UTF8.self)
        bytes.removeAll(keepingCapacity: bytes.capacity <= 16 * 1024)
        return message
    }
}
