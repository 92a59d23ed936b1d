import CLibWebSockets

/// A frame shared by every connection it is sent to: encoded once, with the LWS_PRE headroom.
final class OutboundFrame {
    var storage: [UInt8]
    let length: Int
    /// Set only while stages are traced (`StageTrace`): the command this frame answers or
    /// broadcasts, and whether it is that command's ack.
    var trace: CommandTrace?
    var isTracedAck = false
    init(_ text: String) {
        let pre = CLWS_pre()
        storage = [UInt8](repeating: 0, count: pre)
        storage.append(contentsOf: text.utf8)
        length = storage.count - pre
    }

    /// The payload, without the headroom.
    var payload: ArraySlice<UInt8> { storage[CLWS_pre()...] }
}
