import DetenteServer
import Testing

@Suite struct ConfigurationEnvironmentTests {
    @Test func readsEveryLimitAndKeepsDefaultsForUnsetOrEmpty() throws {
        var config = ServerConfiguration(organiserToken: "t")
        try config.applyHostileClientSettings(from: [
            "DETENTE_PUBLIC_ORIGIN": "https://detente.example.com", "DETENTE_TRUSTED_PROXIES": "10.0.0.2, 10.0.0.3",
            "DETENTE_MAX_CONNECTIONS_PER_ADDRESS": "50", "DETENTE_IDENTIFY_TIMEOUT": "5", "DETENTE_JOIN_BURST": "10",
            "DETENTE_JOIN_RATE": "0.5", "DETENTE_SEAT_BURST": "8", "DETENTE_SEAT_RATE": "", "DETENTE_SEAT_OTHER": "x"
        ])
        #expect(config.transport.publicOrigin == "https://detente.example.com")
        #expect(config.transport.trustedProxies == ["10.0.0.2", "10.0.0.3"])
        #expect(config.transport.maxConnectionsPerAddress == 50 && config.transport.identifyWithinSeconds == 5)
        #expect(config.abuse.lookupBurst == 10 && config.abuse.lookupsPerSecond == 0.5)
        #expect(config.abuse.seatBurst == 8 && config.abuse.seatMessagesPerSecond == AbuseLimits().seatMessagesPerSecond)
    }

    @Test func anUnusableValueNamesItsVariable() {
        for (name, value) in [
            ("DETENTE_SEAT_RATE", "fast"), ("DETENTE_JOIN_BURST", "0"), ("DETENTE_IDENTIFY_TIMEOUT", "1.5"),
            ("DETENTE_PUBLIC_ORIGIN", "detente.example.com"), ("DETENTE_PUBLIC_ORIGIN", "https://x.example/app")
        ] {
            var config = ServerConfiguration(organiserToken: "t")
            #expect(throws: ConfigurationError.self) { try config.applyHostileClientSettings(from: [name: value]) }
            do { try config.applyHostileClientSettings(from: [name: value]) } catch let error as ConfigurationError {
                #expect(error.variable == name)
            } catch { Issue.record("\(error)") }
        }
    }
}
