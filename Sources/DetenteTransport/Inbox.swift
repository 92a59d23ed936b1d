import Foundation

/// Work handed to the service thread from other threads, drained in
/// `LWS_CALLBACK_EVENT_WAIT_CANCELLED`. Bounded: beyond `capacity` a frame is refused and its
/// receivers are closed with 1013 instead, so memory stays bounded when the thread falls behind.
final class Inbox: @unchecked Sendable {
    enum Item {
        case send(OutboundFrame, [ConnectionID])
        /// Several messages handed over at once, so that they are pending together (and one
        /// batch can carry them) and cost one wake-up of the service thread; all broadcasts but
        /// the first when it answers the command's sender.
        case sendAll([(OutboundFrame, [ConnectionID])], firstIsAnswer: Bool)
        case close(ConnectionID, CloseCode, String)
        case identified(ConnectionID)
        case batching(ConnectionID)
        case httpResponse(OpaquePointer, HTTPExchange, HTTPResponse)
    }

    private let capacity: Int
    private let lock = NSLock()
    private var items: [Item] = []
    /// Frames refused because the inbox was full (each closed its receivers with 1013).
    private(set) var overflowed = 0

    init(capacity: Int) { self.capacity = capacity }

    /// - Returns: whether the inbox was empty before: only then must the service thread be
    ///   woken (a non-empty inbox has a wake-up pending that will drain this item too).
    @discardableResult
    func put(_ item: Item) -> Bool {
        lock.withLock {
            let wasEmpty = items.isEmpty
            if items.count >= capacity, let ids = Self.receivers(item) {
                // The receivers resume by snapshot when they reconnect.
                for id in Set(ids) { items.append(.close(id, .tryAgainLater, "server overloaded; reconnect")) }
                overflowed += 1
            } else {
                items.append(item)
            }
            return wasEmpty
        }
    }

    /// Who a send would reach; nil for items that are not sends (they are never refused).
    private static func receivers(_ item: Item) -> [ConnectionID]? {
        switch item {
        case let .send(_, ids): return ids
        case let .sendAll(messages, _): return messages.flatMap(\.1)
        default: return nil
        }
    }

    /// Cheap enough for every WRITEABLE callback (one uncontended lock).
    var isEmpty: Bool { lock.withLock { items.isEmpty } }

    /// Everything queued so far, oldest first; the inbox is empty afterwards.
    func takeAll() -> [Item] {
        lock.withLock {
            let taken = items
            items.removeAll(keepingCapacity: true)
            return taken
        }
    }
}
