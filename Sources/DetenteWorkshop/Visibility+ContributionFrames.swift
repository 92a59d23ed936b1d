import DetenteModel
/// Who sees what participants contribute: joining, items, votes, approvals, reactions.
extension Visibility {
    /// Facilitators see the new progress; everyone already in the department sees the new member count at once.
    static func joinedFrames(_ d: Department, _ w: Workshop) -> [Frame] {
        [(.facilitators, progress(w))] + membershipFrames(d, w)
    }

    /// The department drops the item; facilitators and the department see the new counts.
    static func withdrawnFrames(_ id: ItemID, _ w: Workshop) -> [Frame] {
        guard let item = w.items[id] else { return [] }
        return [
            (.department(item.department), ["type": "item_removed", "id": .string(id)]), (.facilitators, progress(w)),
            (.department(item.department), departmentProgress(item.department, w))
        ]
    }

    /// The department drops the absorbed item and gets the kept one anew (with the votes it gained).
    static func mergedFrames(kept: ItemID, absorbed: ItemID, _ w: Workshop) -> [Frame] {
        guard let item = w.items[kept] else { return [] }
        return [(.department(item.department), ["type": "item_removed", "id": .string(absorbed), "merged_into": .string(kept)])]
            + itemFrames(item, in: w)
    }

    /// The department sees the item's vote count, never who voted; the voter sees their own votes.
    static func voteFrames(by p: ParticipantID, for i: ItemID, _ w: Workshop) -> [Frame] {
        guard let item = w.items[i] else { return [] }
        return [
            (.department(item.department), ["type": "votes", "id": .string(i), "votes": .int(item.voters.count)]),
            (.participant(p), myVotes(p, w))
        ]
    }

    /// The department sees its approval count, the participant their own approval, facilitators progress.
    static func approvalFrames(by p: ParticipantID, _ w: Workshop) -> [Frame] {
        guard let d = w.participants[p]?.department else { return [] }
        return [
            (.department(d), approval(d, w)),
            (.participant(p), ["type": "my_approval", "approved": .bool(w.approvals[d]?.contains(p) ?? false)]),
            (.facilitators, progress(w))
        ]
    }

    /// Author gets their text, its anonymised form and why each replacement was made; the rest of
    /// the department gets the anonymised form only, with no author.
    static func itemFrames(_ item: Item, in w: Workshop) -> [Frame] {
        if !item.isLive { return [] }
        return [
            (.participant(item.author), ["type": "item", "item": itemJSON(item, for: item.author)]),
            (.departmentExcept(item.department, item.author), ["type": "item", "item": itemJSON(item, for: nil)]),
            (.facilitators, progress(w)), (.department(item.department), departmentProgress(item.department, w))
        ]
    }

    static func itemJSON(_ item: Item, for viewer: ParticipantID?) -> JSON {
        var f: [(String, JSON)] = [
            ("id", .string(item.id)), ("kind", .string(item.kind.rawValue)), ("department", .string(item.department)),
            ("target", .string(item.target)), ("prompt", item.prompt.map { .int($0) } ?? .null),
            ("votes", .int(item.voters.count))
        ]
        if viewer == item.author {
            f += [
                ("mine", true), ("text", .string(item.text)), ("anonymised", .string(item.anonymised)),
                ("replacements", .array(item.replacements.map { replacementJSON($0) }))
            ]
        } else {
            f += [("mine", false), ("text", .string(item.anonymised))]
        }
        return .object(f)
    }

    /// The reacting participant's own reaction: what they typed and what everyone else sees.
    static func myReaction(_ itemID: ItemID, _ r: Reaction) -> JSON {
        [
            "type": "my_reaction", "id": .string(itemID), "verdict": .string(r.verdict.rawValue), "comment": .string(r.original),
            "anonymised": .string(r.comment), "replacements": .array(r.replacements.map { replacementJSON($0) })
        ]
    }
}
