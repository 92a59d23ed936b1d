@testable import DetenteDrafter
@testable import DetenteModel
import Testing

/// Paraphrases that share no word come out close in the compiled-in word vectors; asks that
/// share a word but not a meaning do not. Sentences written for these tests.
@Suite struct AgreementDrafterSemanticTests {
    func item(_ id: String, _ text: String, from: Department = "dev", to: Department = "ops") -> AnalysisItem {
        AnalysisItem(id: id, department: from, kind: .requirement, target: to, text: text)
    }

    /// Grouped, or put to the room as "the same ask?".
    func linked(_ a: ItemID, _ b: ItemID, in analysis: Analysis) -> Bool {
        analysis.groups.contains { $0.members.contains(a) && $0.members.contains(b) }
            || analysis.suggestions.contains { Set([$0.a, $0.b]) == Set([a, b]) && $0.kind == .sameAsk }
    }

    @Test func theVocabularyDecodesToUnitVectorsWithFrequencyWeights() {
        let table = WordVectors.table
        #expect(table.index.count >= 20_000)
        let n = WordVectors.dimensions
        for word in ["server", "restart", "the"] {
            let r = Int(try! #require(WordVectors.row(of: word)))
            let norm = (0..<n).reduce(Float(0)) { $0 + table.components[r * n + $1] * table.components[r * n + $1] }
            #expect(abs(norm - 1) < 0.05, "\(word): \(norm)")
        }
        // Common words weigh less than rarer ones (smooth inverse frequency).
        #expect(table.weights[Int(WordVectors.row(of: "the")!)] < table.weights[Int(WordVectors.row(of: "firewall")!)])
    }

    @Test func base64DecodesAsRFC4648() {
        #expect(WordVectors.base64Decoded("TWFu") == Array("Man".utf8))
        #expect(WordVectors.base64Decoded("TWE=") == Array("Ma".utf8))
        #expect(WordVectors.base64Decoded("TQ==") == Array("M".utf8))
        #expect(WordVectors.base64Decoded("/+8A") == [0xFF, 0xEF, 0x00])
    }

    @Test func britishSpellingAndInflectionsFindTheirWord() {
        #expect(WordVectors.row(of: "prioritised") != nil)
        #expect(WordVectors.row(of: "zzqxv") == nil)
    }

    @Test func synonymsAreCloserThanUnrelatedSentences() {
        let v = SentenceVectors([
            "Reboot the machine tonight.", "Restart the server this evening.", "Order pizza for the whole floor.",
            "Buy cake for the birthday party."
        ])
        #expect(v.cosine(0, 1) > v.cosine(0, 2) + 0.1, "\(v.cosine(0, 1)) vs \(v.cosine(0, 2))")
    }

    @Test func sentenceVectorsDoNotDependOnInputOrder() {
        let texts = ["Reboot the machine tonight.", "Restart the server this evening.", "Order pizza for the whole floor."]
        let forward = SentenceVectors(texts), backward = SentenceVectors(texts.reversed())
        #expect(abs(forward.cosine(0, 1) - backward.cosine(2, 1)) < 1e-5)
    }

    @Test func paraphrasesWithNoSharedWordAreGroupedOrSuggested() {
        let items = [
            item("p1", "Write down how to restore backups."),
            item("p2", "Document the recovery procedure for lost data."),
            item("q1", "Publish the maintenance calendar."),
            item("q2", "Share the schedule of planned downtime."),
            item("u1", "Tag every container image with its commit.", from: "ops", to: "dev")
        ]
        let analysis = AgreementDrafter().analyse(items)
        #expect(linked("p1", "p2", in: analysis))
        #expect(linked("q1", "q2", in: analysis))
        for other in ["p1", "p2", "q1", "q2"] { #expect(!linked(other, "u1", in: analysis)) }
    }

    @Test func unrelatedAsksSharingAWordAreNeitherGroupedNorSuggested() {
        let items = [
            item("r1", "Review the firewall rules every quarter."),
            item("r2", "Review our pull requests within a day.")
        ]
        let analysis = AgreementDrafter().analyse(items)
        #expect(!linked("r1", "r2", in: analysis))
    }

    @Test func semanticEvidenceCanBeTurnedOff() {
        let items = [
            item("p1", "Write down how to restore backups."),
            item("p2", "Document the recovery procedure for lost data.")
        ]
        var drafter = AgreementDrafter()
        drafter.semanticThreshold = 0
        #expect(!linked("p1", "p2", in: drafter.analyse(items)))
    }

    @Test func aConditionalOfferToTheOtherSideIsNeverTheSameAsk() {
        // Close in meaning, but one side makes it a condition: that is a trade, not one ask.
        let items = [
            item("c1", "Write down how to restore backups.", from: "dev", to: "ops"),
            item("c2", "If you document the recovery procedure, we will help restore backups.", from: "security", to: "ops")
        ]
        let analysis = AgreementDrafter().analyse(items)
        #expect(!analysis.groups.contains { $0.members.contains("c1") && $0.members.contains("c2") })
    }
}
