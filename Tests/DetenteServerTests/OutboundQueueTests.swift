@testable import DetenteTransport
import Foundation
import Testing

/// The outbound queue's coalescing, with no socket: what one WRITEABLE callback would write.
@Suite struct OutboundQueueTests {
    static let headroom = 16
    static let roomy = OutboundQueue.Limits(maxFrames: 10_000, maxBytes: 1 << 30)

    /// Drains the queue as the writeable callback does, returning the frames' texts.
    static func drain(_ queue: inout OutboundQueue, batching: Bool, maxBatchBytes: Int) -> [String] {
        var buffer: [UInt8] = []
        var written: [String] = []
        while let write = queue.takeWrite(batching: batching, maxBatchBytes: maxBatchBytes, headroom: headroom, into: &buffer) {
            switch write {
            case let .single(frame): written.append(String(decoding: frame.payload, as: UTF8.self))
            case let .batch(_, length):
                #expect(buffer.count == headroom + length, "the batch sits right after the headroom")
                written.append(String(decoding: buffer[headroom...], as: UTF8.self))
            }
        }
        return written
    }

    static func queue(_ texts: [String]) -> OutboundQueue {
        var q = OutboundQueue(limits: roomy)
        for t in texts {
            let accepted = q.append(OutboundFrame(t))
            #expect(accepted)
        }
        return q
    }

    @Test func withoutBatchingEveryMessageIsItsOwnFrame() {
        var q = Self.queue([#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        #expect(Self.drain(&q, batching: false, maxBatchBytes: 1 << 20) == [#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        #expect(q.isEmpty && q.queuedBytes == 0)
    }

    @Test func pendingMessagesBecomeOneArrayInOrder() {
        var q = Self.queue([#"{"n":1}"#, #"{"n":2}"#, #"{"n":3}"#])
        #expect(Self.drain(&q, batching: true, maxBatchBytes: 1 << 20) == [#"[{"n":1},{"n":2},{"n":3}]"#])
        #expect(q.isEmpty && q.queuedBytes == 0)
    }

    @Test func aLoneMessageIsSentAsItIsNotAsAnArray() {
        var q = Self.queue([#"{"n":1}"#])
        #expect(Self.drain(&q, batching: true, maxBatchBytes: 1 << 20) == [#"{"n":1}"#])
    }

    @Test func batchesStayWithinTheByteBound() {
        // Each message is 7 bytes; "[" + 7 + "," + 7 + "]" = 17 fits 17, a third would not.
        var q = Self.queue((1...5).map { #"{"n":\#($0)}"# })
        let frames = Self.drain(&q, batching: true, maxBatchBytes: 17)
        #expect(frames == [#"[{"n":1},{"n":2}]"#, #"[{"n":3},{"n":4}]"#, #"{"n":5}"#])
        #expect(frames.allSatisfy { $0.utf8.count <= 17 })
    }

    @Test func aMessageLargerThanTheBoundGoesAloneBetweenBatches() {
        let big = #"{"big":""# + String(repeating: "x", count: 100) + #""}"#
        var q = Self.queue([#"{"n":1}"#, #"{"n":2}"#, big, #"{"n":3}"#, #"{"n":4}"#])
        #expect(Self.drain(&q, batching: true, maxBatchBytes: 40) == [#"[{"n":1},{"n":2}]"#, big, #"[{"n":3},{"n":4}]"#])
    }

    @Test func theCapsStillMakeASlowConsumer() {
        var q = OutboundQueue(limits: .init(maxFrames: 2, maxBytes: 1_000))
        let two = q.append(OutboundFrame("a")) && q.append(OutboundFrame("b"))
        let third = q.append(OutboundFrame("c"))
        #expect(two)
        #expect(!third, "a third frame is over the frame cap")
        var bytes = OutboundQueue(limits: .init(maxFrames: 100, maxBytes: 10))
        let ten = bytes.append(OutboundFrame("12345")) && bytes.append(OutboundFrame("67890"))
        let eleventh = bytes.append(OutboundFrame("x"))
        #expect(ten)
        #expect(!eleventh, "an eleventh byte is over the byte cap")
    }

    /// The `n` of each message a written frame carries (one, or several in a batch).
    static func numbers(_ text: some Sequence<UInt8>) -> [Int] {
        let parsed = try? JSONSerialization.jsonObject(with: Data(text))
        let objects = parsed as? [[String: Any]] ?? [(parsed as? [String: Any]) ?? [:]]
        return objects.map { $0["n"] as? Int ?? -1 }
    }

    @Test func randomInterleavingsKeepEveryMessageOnceAndInOrder() {
        let seed = UInt64.random(in: 1...UInt64.max)
        print("OutboundQueueTests seed \(seed)")
        var rng = SplitMix(seed)
        var q = OutboundQueue(limits: Self.roomy)
        var sent = 0
        var received: [Int] = []
        var buffer: [UInt8] = []
        for round in 0..<500 {
            for _ in 0..<Int(rng.next() % 5) {
                let text = #"{"n":\#(sent),"pad":""# + String(repeating: "p", count: Int(rng.next() % 300)) + #""}"#
                sent += 1
                let accepted = q.append(OutboundFrame(text))
                #expect(accepted)
            }
            let bound = 64 + Int(rng.next() % 2_000)
            for _ in 0..<Int(rng.next() % 3) {
                guard let write = q.takeWrite(batching: true, maxBatchBytes: bound, headroom: Self.headroom, into: &buffer) else { break }
                switch write {
                case let .single(frame): received += Self.numbers(frame.payload)
                case let .batch(count, length):
                    #expect(length <= bound, "seed \(seed) round \(round): batch of \(length) bytes over the bound \(bound)")
                    let numbers = Self.numbers(buffer[Self.headroom...])
                    #expect(numbers.count == count && count > 1)
                    received += numbers
                }
            }
        }
        received += Self.drain(&q, batching: false, maxBatchBytes: 0).flatMap { Self.numbers(Array($0.utf8)) }
        #expect(received == Array(0..<sent), "seed \(seed): every message once, in order")
        #expect(q.queuedBytes == 0)
    }
}

/// SplitMix64, so a failing seed replays.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
