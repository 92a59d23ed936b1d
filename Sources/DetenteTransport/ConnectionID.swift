/// One websocket connection, numbered by the transport in the order they opened.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt64
    public var description: String { "c\(raw)" }
}
