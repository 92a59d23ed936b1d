import DetenteModel
import DetenteAnonymiser
import DetenteDrafter
/// Discussion mode: the facilitator puts one revealed item on the projector at a time.
extension Workshop {
    /// - Throws: `wrongPhase` before the reveal, `notFound` for an item that was not revealed or is hidden.
    func decideFocus(_ itemID: ItemID?) throws(DetenteError) -> [Event] {
        guard let revealed else { throw DetenteError(.wrongPhase, "an item can be put in focus once the deliverables are revealed") }
        if let itemID {
            guard revealed.contains(where: { $0.id == itemID }), items[itemID]?.hidden != true else {
                throw DetenteError(.notFound, "no revealed item \(itemID)")
            }
        }
        return itemID == focusedItem ? [] : [.focused(itemID)]
    }
}
