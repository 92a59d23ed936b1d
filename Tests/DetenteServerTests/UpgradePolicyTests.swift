import DetenteTransport
import Testing

@Suite struct UpgradePolicyTests {
    let policy = UpgradePolicy(
        path: "/ws", subprotocol: "detente.v1", registeredProtocols: ["http", "detente.v1"],
        origins: OriginPolicy(allowedOrigins: ["https://partner.example"], publicOrigin: nil, bindHost: "0.0.0.0", port: 8080, tls: false))

    func status(uri: String = "/ws", origin: String? = nil, offered: String? = "detente.v1", upgrade: String = "websocket") -> Int? {
        policy.refusal(upgrade: upgrade, uri: uri, origin: origin, offered: offered)?.status
    }

    @Test func onlyOurPathOriginsAndSubprotocolPass() {
        #expect(status() == nil)
        #expect(status(uri: "/ws?x=1") == nil)
        #expect(status(origin: "http://127.0.0.1:8080") == nil)
        #expect(status(origin: "https://partner.example/") == nil)
        #expect(status(offered: "chat, detente.v1") == nil)
        #expect(status(uri: "/anything") == 404)
        #expect(status(uri: "/ws/") == 404)
        #expect(status(origin: "http://evil.example") == 403)
        #expect(status(origin: "http://0.0.0.0:8080") == 403)
        #expect(status(offered: nil) == 400)
        #expect(status(offered: "http") == 400)
        #expect(status(offered: "http, detente.v1") == 400)
        #expect(status(upgrade: "h2c") == 400)
    }

    @Test func aConfiguredPublicOriginReplacesTheLoopbackDefaults() {
        let origins = OriginPolicy(allowedOrigins: [], publicOrigin: "https://detente.example.com", bindHost: "127.0.0.1", port: 8080, tls: false)
        #expect(origins.allows("https://DETENTE.example.com"))
        #expect(!origins.allows("http://127.0.0.1:8080"))
        let defaults = OriginPolicy(allowedOrigins: [], publicOrigin: nil, bindHost: "127.0.0.1", port: 80, tls: false)
        #expect(defaults.allows("http://localhost") && defaults.allows("http://127.0.0.1:80"))
    }
}
