@testable import DetenteTransport
import Testing

/// When broadcast recipients may ask lws for a WRITEABLE callback, pass by pass (no sockets).
@Suite struct WritePacingTests {
    static func ids(_ range: ClosedRange<UInt64>) -> [ConnectionID] { range.map { ConnectionID(testing: $0) } }

    static func pacing(perPass: Int, waiting: ClosedRange<UInt64>) -> WritePacing {
        var p = WritePacing(connectionsPerPass: perPass)
        for id in ids(waiting) { p.wait(id) }
        return p
    }

    @Test func broadcastRecipientsAreReleasedAPassWorthAtATimeOldestFirst() {
        var p = Self.pacing(perPass: 3, waiting: 1...7)
        #expect(p.release() == Self.ids(1...3))
        #expect(p.release() == Self.ids(4...6))
        #expect(p.release() == Self.ids(7...7))
        #expect(p.release().isEmpty && p.backlog == 0)
    }

    @Test func afterAnswersALargeBacklogWaitsOnePassSoTheAnswersGoAlone() {
        var p = Self.pacing(perPass: 3, waiting: 1...7)
        p.answerRequested()
        #expect(p.release().isEmpty, "the pass that serves the answers writes nothing else")
        #expect(p.backlog == 7)
        #expect(p.release() == Self.ids(1...3))
    }

    @Test func aBacklogOfOnePassIsNotHeldForAnswers() {
        var p = Self.pacing(perPass: 3, waiting: 1...3)
        p.answerRequested()
        #expect(p.release() == Self.ids(1...3), "at most one pass of writes before an answer; no extra poll")
    }

    @Test func answersEveryPassNeverStarveBroadcasts() {
        var p = Self.pacing(perPass: 2, waiting: 1...10)
        var released: [ConnectionID] = []
        var passes = 0
        while p.backlog > 0 {
            p.answerRequested()
            released += p.release()
            passes += 1
            #expect(passes <= 10, "held at most every other pass")
        }
        #expect(released == Self.ids(1...10))
    }

    @Test func aConnectionThatGaveItsTurnComesFirstNextTime() {
        var p = Self.pacing(perPass: 2, waiting: 1...4)
        #expect(p.release() == Self.ids(1...2))
        p.yieldTurn(ConnectionID(testing: 2))
        #expect(p.release() == [ConnectionID(testing: 2), ConnectionID(testing: 3)])
        #expect(p.release() == Self.ids(4...4))
    }
}
