import DetenteTransport
import Testing

@Suite struct RemoteAddressTests {
    @Test func forwardedForIsIgnoredUnlessThePeerIsATrustedProxy() {
        let addresses = RemoteAddress(trustedProxies: ["10.0.0.2"])
        #expect(addresses.resolve(peer: "198.51.100.7", forwardedFor: "203.0.113.9") == "198.51.100.7")
        #expect(addresses.resolve(peer: "10.0.0.2", forwardedFor: "203.0.113.9") == "203.0.113.9")
        #expect(addresses.resolve(peer: "10.0.0.2", forwardedFor: nil) == "10.0.0.2")
    }

    @Test func theRightmostUntrustedHopIsTheClient() {
        let addresses = RemoteAddress(trustedProxies: ["10.0.0.2", "10.0.0.3"])
        // The client wrote "1.2.3.4" itself; the proxies appended what they saw.
        #expect(addresses.resolve(peer: "10.0.0.2", forwardedFor: "1.2.3.4, 203.0.113.9, 10.0.0.3") == "203.0.113.9")
        #expect(addresses.resolve(peer: "10.0.0.2", forwardedFor: " , 10.0.0.3") == "10.0.0.2")
    }

    @Test func ipv6CountsByItsSlash64AndIPv4AsIs() {
        #expect(RemoteAddress.bucketKey("192.0.2.1") == "192.0.2.1")
        #expect(RemoteAddress.bucketKey("2001:db8:1:2::10") == "2001:db8:1:2::/64")
        #expect(RemoteAddress.bucketKey("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64")
        #expect(RemoteAddress.bucketKey("::1") == "0:0:0:0::/64")
        #expect(RemoteAddress.bucketKey("fe80::1%eth0") == "fe80:0:0:0::/64")
        #expect(RemoteAddress.bucketKey("not:an:address::x") == "not:an:address::x")
    }
}
