@testable import DetenteAnonymiser
@testable import DetenteDrafter
@testable import DetenteModel
@testable import DetenteTranscript
@testable import DetenteWorkshop
import Foundation
import Testing

/// Property: over random workshops that use every free-text command (items, edits, reaction
/// comments, offers, clause rewordings, notes), no part of any roster name appears in any frame
/// sent to anyone but the command's author.
@Suite struct FreeTextPrivacyTests {
    static let roster = ["Yuki Tanaka", "Oluwaseun Adeyemi", "Margit Halvorsen", "Dmitri Volkov", "Ngozi Okafor", "Astrid Lindqvist"]
    static let sentences = [
        "Ask %@ about the release window.", "%@ says they fear Friday deploys.", "They never page %@ before a change.",
        "Give %@ read access to the logs.", "We offer %@ a weekly office hour.", "%@ will own the runbook.",
        "Wrong: %@ already publishes the calendar.", "Follow up with %@ next week."
    ]

    struct Participant { let id: ParticipantID; let department: Department }

    @Test func noRosterNamePartReachesAnyoneButTheAuthor() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["DETENTE_TEST_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max))
        print("free-text privacy seed: \(seed) (rerun with DETENTE_TEST_SEED=\(seed))")
        var rng = SplitMix(seed: seed)
        let parts = Set(Self.roster.flatMap { $0.split(separator: " ").map(String.init) })
        var checkedFrames = 0
        for round in 0..<25 {
            var h = Harness(departments: ["dev", "ops", "dba"], k: 1)
            var frames: [(author: Actor, audience: Audience, text: String)] = []
            func say(_ rng: inout SplitMix) -> String {
                let name = Self.roster.randomElement(using: &rng)!
                let form = [name, String(name.split(separator: " ")[0]), String(name.split(separator: " ")[1])].randomElement(using: &rng)!
                return String(format: Self.sentences.randomElement(using: &rng)!, form)
            }
            func run(_ c: Command, _ a: Actor) throws {
                guard let events = try? h.run(c, a, roster: Self.roster) else { return }
                for e in events {
                    for f in Visibility.frames(for: e, in: h.w) { frames.append((a, f.audience, f.message.encoded())) }
                }
            }
            let people = (0..<6).map { Participant(id: "p_\(round)_\($0)", department: ["dev", "ops", "dba"][$0 % 3]) }
            for p in people { try h.join(p.id, p.department) }
            try h.advance(to: .outmodel)
            for p in people { try run(.submit(kind: .outmodel, text: say(&rng), target: nil), .participant(p.id)) }
            try h.advance(to: .requirements)
            for p in people { try run(.submit(kind: .requirement, text: say(&rng), target: nil), .participant(p.id)) }
            try h.advance(to: .review)
            for p in people {
                if let own = h.w.items.values.first(where: { $0.author == p.id && $0.isLive }) { try run(.edit(own.id, text: say(&rng)), .participant(p.id)) }
            }
            try h.advance(to: .reactions)
            for p in people {
                for item in (h.w.revealed ?? []).filter({ $0.target == p.department }).shuffled(using: &rng).prefix(2) {
                    let verdict: Verdict = item.kind == .outmodel ? .wrong : .conditional
                    try run(.react(item.id, verdict, comment: say(&rng)), .participant(p.id))
                }
                let other = ["dev", "ops", "dba"].filter { $0 != p.department }.randomElement(using: &rng)!
                try run(.submit(kind: .offer, text: say(&rng), target: other), .participant(p.id))
            }
            try h.advance(to: .agreement)
            for clause in (h.w.draft?.clauses ?? []).prefix(3) { try run(.editClause(clause.id, text: say(&rng)), .facilitator) }
            try run(.note(say(&rng)), .facilitator)
            for f in frames {
                if case let .participant(author) = f.author, f.audience == .participant(author) { continue }
                let words = Set(f.text.split { !$0.isLetter }.map(String.init))
                let leaked = parts.intersection(words)
                #expect(leaked.isEmpty, "seed \(seed) round \(round): \(leaked) reached \(f.audience) in \(f.text.prefix(300))")
                checkedFrames += 1
            }
        }
        #expect(checkedFrames > 500)
    }
}

typealias SplitMix = SplitMix64
