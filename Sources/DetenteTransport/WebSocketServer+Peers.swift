import CLibWebSockets
import Foundation

/// Who is asking: headers, the peer's address, and the upgrade policy's verdict.
extension WebSocketServer {
    /// The upgrade policy's verdict on this request's headers.
    func upgradeRefusal(_ wsi: OpaquePointer) -> UpgradePolicy.Refusal? {
        upgradePolicy.refusal(
            upgrade: Self.header(wsi, WSI_TOKEN_UPGRADE) ?? "", uri: Self.header(wsi, WSI_TOKEN_GET_URI) ?? "",
            origin: Self.header(wsi, WSI_TOKEN_ORIGIN), offered: Self.header(wsi, WSI_TOKEN_PROTOCOL))
    }

    /// Answers a refused upgrade with its status and a short plain-text reason.
    func refuseUpgrade(_ wsi: OpaquePointer, _ refusal: UpgradePolicy.Refusal) -> Int32 {
        logger.info("websocket upgrade refused", metadata: ["status": "\(refusal.status)", "reason": "\(refusal.reason)"])
        return lws_return_http_status(wsi, UInt32(refusal.status), refusal.reason) != 0 ? -1 : 1
    }

    /// The client's address: the peer, or what a trusted proxy forwarded.
    func clientAddress(_ wsi: OpaquePointer) -> String {
        remoteAddress.resolve(peer: Self.peerAddress(wsi), forwardedFor: Self.header(wsi, WSI_TOKEN_X_FORWARDED_FOR))
    }

    /// The TCP peer's numeric address; an IPv4 peer on a dual-stack socket loses its `::ffff:`.
    static func peerAddress(_ wsi: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard lws_get_peer_simple(wsi, &buffer, buffer.count) != nil else { return "" }
        let text = String(cString: buffer)
        return text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
    }

    static func header(_ wsi: OpaquePointer, _ token: lws_token_indexes) -> String? {
        let length = Int(lws_hdr_total_length(wsi, token))
        guard length > 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        guard lws_hdr_copy(wsi, &buffer, Int32(buffer.count), token) >= 0 else { return nil }
        return String(cString: buffer)
    }
}
