import CLibWebSockets
import Foundation

/// Owns every piece of C memory the libwebsockets context points at (protocols, mounts, option
/// lists, strings), builds the creation info from the configuration, and frees it all in
/// `deinit` — which must come after `lws_context_destroy`.
final class LWSContext {
    let configuration: TransportConfiguration
    let publicRoot: String
    private var cStrings: [UnsafeMutablePointer<CChar>] = []
    private var protocols: UnsafeMutablePointer<lws_protocols>?
    private var mounts: UnsafeMutablePointer<lws_http_mount>?
    private var headerOptions: UnsafeMutablePointer<lws_protocol_vhost_options>?
    private var mimeOptions: UnsafeMutablePointer<lws_protocol_vhost_options>?
    private var pvoDefault: UnsafeMutablePointer<lws_protocol_vhost_options>?
    private var retryPolicy: UnsafeMutablePointer<lws_retry_bo_t>?
    private var extensions: UnsafeMutablePointer<lws_extension>?

    init(configuration: TransportConfiguration, publicRoot: String) {
        self.configuration = configuration
        self.publicRoot = publicRoot
        installProtocols()
        installMounts()
        installOptions()
    }

    deinit {
        for p in cStrings { free(p) }
        protocols?.deallocate()
        mounts?.deallocate()
        headerOptions?.deallocate()
        mimeOptions?.deallocate()
        if let flag = pvoDefault?.pointee.options { UnsafeMutablePointer(mutating: flag).deallocate() }
        pvoDefault?.deallocate()
        retryPolicy?.deallocate()
        extensions?.deallocate()
    }

    /// Creates the lws context; callbacks find `user` (the server) through `lws_context_user`.
    func create(user: UnsafeMutableRawPointer) -> OpaquePointer? {
        var info = contextInfo(user: user)
        return lws_create_context(&info)
    }

    private func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
        let p = strdup(s)!
        cStrings.append(p)
        return p
    }

    /// lws's `http` protocol (files and the API mounts) and ours (`detente.v1`).
    private func installProtocols() {
        let protocolCount = 3
        protocols = UnsafeMutablePointer<lws_protocols>.allocate(capacity: protocolCount)
        protocols!.initialize(repeating: lws_protocols(), count: protocolCount)
        protocols![0].name = UnsafePointer(cString("http"))
        protocols![0].callback = { wsi, reason, user, input, length in httpTrampoline(wsi, reason, user, input, length) }
        protocols![1].name = UnsafePointer(cString(WebSocketServer.subprotocol))
        protocols![1].callback = { wsi, reason, user, input, length in webSocketTrampoline(wsi, reason, user, input, length) }
        protocols![1].per_session_data_size = MemoryLayout<UnsafeMutableRawPointer>.size
        protocols![1].rx_buffer_size = 16 * 1024
    }

    /// The API and operations endpoints are callbacks; everything else is a file under Public/.
    private func installMounts() {
        let callbackMounts = ["/api", "/healthz", "/metrics"]
        mounts = UnsafeMutablePointer<lws_http_mount>.allocate(capacity: callbackMounts.count + 1)
        mounts!.initialize(repeating: lws_http_mount(), count: callbackMounts.count + 1)
        mimeOptions = optionList([
            (".mjs", "text/javascript"), (".js", "text/javascript"), (".json", "application/json"),
            (".webmanifest", "application/manifest+json"), (".svg", "image/svg+xml"), (".map", "application/json")
        ])
        for (i, point) in callbackMounts.enumerated() {
            mounts![i].mountpoint = UnsafePointer(cString(point))
            mounts![i].mountpoint_len = UInt8(point.utf8.count)
            mounts![i].origin = UnsafePointer(cString("http"))
            mounts![i].origin_protocol = CLWS_mount_callback()
            mounts![i].mount_next = UnsafePointer(mounts! + i + 1)
        }
        let fileMount = callbackMounts.count
        mounts![fileMount].mountpoint = UnsafePointer(cString("/"))
        mounts![fileMount].mountpoint_len = 1
        mounts![fileMount].origin = UnsafePointer(cString(publicRoot))
        mounts![fileMount].def = UnsafePointer(cString("index.html"))
        mounts![fileMount].origin_protocol = CLWS_mount_file()
        mounts![fileMount].extra_mimetypes = UnsafePointer(mimeOptions)
        mounts![fileMount].cache_max_age = 0
        mounts![fileMount].mount_next = nil
    }

    /// Security headers, the echo harness's default protocol, keepalive.
    private func installOptions() {
        headerOptions = optionList(configuration.securityHeaders)
        if configuration.conformanceEcho {
            // An upgrade without a subprotocol binds to the vhost's default protocol: ours.
            let flag = optionList([("default", "1")])
            pvoDefault = optionList([(WebSocketServer.subprotocol, "")])
            pvoDefault!.pointee.options = UnsafePointer(flag)
        }
        retryPolicy = UnsafeMutablePointer<lws_retry_bo_t>.allocate(capacity: 1)
        retryPolicy!.initialize(to: lws_retry_bo_t())
        retryPolicy!.pointee.secs_since_valid_ping = UInt16(configuration.pingAfterSeconds)
        retryPolicy!.pointee.secs_since_valid_hangup = UInt16(configuration.hangUpAfterSeconds)
    }

    private func contextInfo(user: UnsafeMutableRawPointer) -> lws_context_creation_info {
        var info = lws_context_creation_info()
        info.port = Int32(configuration.port)
        info.iface = UnsafePointer(cString(configuration.host))
        info.protocols = UnsafePointer(protocols)
        info.mounts = UnsafePointer(mounts)
        info.headers = UnsafePointer(headerOptions)
        info.retry_and_idle_policy = UnsafePointer(retryPolicy)
        info.pvo = UnsafePointer(pvoDefault)
        if configuration.permessageDeflate { info.extensions = UnsafePointer(installDeflate()) }
        info.options = UInt64(LWS_SERVER_OPTION_VALIDATE_UTF8) | UInt64(LWS_SERVER_OPTION_HTTP_HEADERS_SECURITY_BEST_PRACTICES_ENFORCE) & 0
        info.user = user
        info.timeout_secs = 20
        info.vhost_name = UnsafePointer(cString("detente"))
        if let cert = configuration.tlsCertificate, let key = configuration.tlsKey {
            info.options |= UInt64(LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT)
            info.ssl_cert_filepath = UnsafePointer(cString(cert))
            info.ssl_private_key_filepath = UnsafePointer(cString(key))
        }
        return info
    }

    private func installDeflate() -> UnsafeMutablePointer<lws_extension>? {
        extensions = UnsafeMutablePointer<lws_extension>.allocate(capacity: 2)
        extensions!.initialize(repeating: lws_extension(), count: 2)
        extensions![0].name = UnsafePointer(cString("permessage-deflate"))
        extensions![0].callback = lws_extension_callback_pm_deflate
        extensions![0].client_offer = UnsafePointer(cString("permessage-deflate; client_max_window_bits"))
        return extensions
    }

    private func optionList(_ pairs: [(String, String)]) -> UnsafeMutablePointer<lws_protocol_vhost_options>? {
        guard !pairs.isEmpty else { return nil }
        let list = UnsafeMutablePointer<lws_protocol_vhost_options>.allocate(capacity: pairs.count)
        list.initialize(repeating: lws_protocol_vhost_options(), count: pairs.count)
        for (i, (name, value)) in pairs.enumerated() {
            list[i].name = UnsafePointer(cString(name))
            list[i].value = UnsafePointer(cString(value))
            list[i].next = i + 1 < pairs.count ? UnsafePointer(list + i + 1) : nil
        }
        return list
    }
}

// Non-capturing C callbacks: they find the server through the context's user pointer.
private func server(of wsi: OpaquePointer?) -> WebSocketServer? {
    guard let wsi, let ctx = lws_get_context(wsi), let user = lws_context_user(ctx) else { return nil }
    return Unmanaged<WebSocketServer>.fromOpaque(user).takeUnretainedValue()
}

private func webSocketTrampoline(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let server = server(of: wsi) else { return 0 }
    return server.webSocketEvent(wsi, reason, user, input, length)
}

private func httpTrampoline(
    _ wsi: OpaquePointer?, _ reason: lws_callback_reasons, _ user: UnsafeMutableRawPointer?,
    _ input: UnsafeMutableRawPointer?, _ length: Int
) -> Int32 {
    guard let server = server(of: wsi) else { return lws_callback_http_dummy(wsi, reason, user, input, length) }
    return server.httpEvent(wsi, reason, user, input, length)
}
