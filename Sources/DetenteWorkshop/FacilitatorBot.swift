import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// The scripted facilitator's replies while people write. Deterministic: the same item always
/// gets the same reply, so a replayed journal rebuilds the same chat.
public enum FacilitatorBot {
    public static func respond(toSubmitted item: Item, by author: ParticipantID, in w: Workshop) -> [String] {
        let advice = Coach().review(item.text, kind: item.kind)
        var lines: [String] = []
        if let blame = advice.blame {
            lines.append("Noted. One thought: “\(blame.trigger)” may land as blame and make the other side defensive. Could you say it as a need? For example: \(blame.reframing)")
        } else if item.kind == .requirement, let question = advice.followUp {
            lines.append("Noted. To make this one actionable: \(question)")
        } else if item.kind == .outmodel, advice.tooShort {
            lines.append("Thanks. Could you say a bit more — what makes you think so, or what does it look like on a typical day?")
        } else {
            lines.append(item.kind == .offer ? "Thanks — your offer is recorded." : "Thanks, noted.")
        }
        if item.replacements.contains(where: { $0.kind != .person }) || item.replacements.contains(where: { $0.kind == .person }) {
            lines.append("Before anyone else sees it, I replaced \(item.replacements.count) personal identifier\(item.replacements.count == 1 ? "" : "s") (see the preview on your item).")
        }
        if item.kind == .outmodel {
            let index = w.promptIndex[author] ?? 0
            // Once per question (after its first answer): said after every item it was noise,
            // and each line is an event sealed, journaled and sent. `w` is the state before this item.
            if index < w.template.outmodelQuestions.count, w.lastAnsweredPrompt[author] != index {
                lines.append("Anything else on this question? If not, press “Next question”.")
            }
        }
        return lines
    }
}
