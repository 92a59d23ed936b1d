import DetenteModel
/// Who sees the facilitator's hand-over and the endorsements of the agreement.
extension Visibility {
    /// Facilitators learn who the delegate is; each participant learns only whether it is them.
    static func handOverFrames(to p: ParticipantID?, _ w: Workshop) -> [Frame] {
        var frames: [Frame] = [(.facilitators, ["type": "delegate", "participant": JSON(p)])]
        for pid in w.participants.keys.sorted() {
            frames.append((.participant(pid), ["type": "role", "delegate": .bool(pid == p)]))
        }
        return frames
    }

    /// Everyone sees the clause's tally; the endorser sees their own choice.
    static func endorsementFrames(by p: ParticipantID, of c: ClauseID, support: Bool, _ w: Workshop) -> [Frame] {
        [
            (.everyone, tallyMessage(c, w)),
            (.participant(p), ["type": "my_endorsement", "clause": .string(c), "support": .bool(support)])
        ]
    }
}
